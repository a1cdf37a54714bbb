// The stream of outreach campaigns' verdicts (issue 13), beside the loop's
// streams of stream.h:
//   voc:outreach  entities -> verification    (group "verification")
// Each entry: fields "event" = kCampaignVerdictEvent, "campaign_id" and
// "payload" = a serialized voc.v1.CampaignVerdict (proto/voc/v1/outreach.proto).
// voc-entities appends a verdict from its outbox (at least once);
// voc-verification stores it once per campaign (docs/architecture.md,
// "Outreach verdicts").
#pragma once

namespace voc::queue {

inline constexpr char kOutreachStream[] = "voc:outreach";
inline constexpr char kCampaignVerdictEvent[] = "campaign_verdict";

}  // namespace voc::queue
