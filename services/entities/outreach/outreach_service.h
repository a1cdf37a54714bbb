// Proactive outreach (issue 13): segments previewed and saved, campaigns
// through their approval state machine, sends under the contact rules with
// a stable random hold-out, delivery through voc-notify, and the measured
// effect. Every method is given the caller and checks it first
// (outreach_access.h); the gRPC adapter (outreach_grpc.h) only moves
// messages. Thread safety: every method may be called from several threads.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "common/queue/publisher.h"
#include "common/queue/stream.h"
#include "services/entities/outreach/outreach_settings.h"
#include "services/entities/outreach/outreach_store.h"
#include "services/entities/outreach/ports.h"
#include "services/entities/outreach/segment.h"
#include "services/entities/schema_reloader.h"
#include "services/entities/store/entity_store.h"
#include "voc/v1/outreach.pb.h"

namespace voc::entities::outreach {

// The members of a segment now.
struct SegmentMembers {
  std::vector<std::string> customers;  // in id order
  std::int64_t rows_matched = 0;
  std::int64_t excluded_complained = 0;
};

class OutreachService {
 public:
  // `feedback` may be null: then a segment with not_complained_topic and
  // the effect report answer FAILED_PRECONDITION.
  OutreachService(EntityStore& entities, OutreachStore& store, const SchemaHolder& schema, const Clock& clock,
                  OutreachSettings settings, OutreachSender& sender, CustomerFeedback* feedback);

  absl::StatusOr<v1::SegmentPreview> PreviewSegment(const auth::Principal& caller,
                                                    const v1::PreviewSegmentRequest& request);
  absl::StatusOr<v1::Segment> CreateSegment(const auth::Principal& caller, const v1::CreateSegmentRequest& request);
  absl::StatusOr<v1::Segment> GetSegment(const auth::Principal& caller, const std::string& id);

  absl::StatusOr<v1::Campaign> CreateCampaign(const auth::Principal& caller, const v1::Campaign& campaign);
  absl::StatusOr<v1::Campaign> GetCampaign(const auth::Principal& caller, const std::string& id);
  absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const auth::Principal& caller, const std::string& department);
  absl::StatusOr<v1::Campaign> Submit(const auth::Principal& caller, const std::string& id, const std::string& note);
  absl::StatusOr<v1::Campaign> Approve(const auth::Principal& caller, const std::string& id, const std::string& note);
  absl::StatusOr<v1::Campaign> Reject(const auth::Principal& caller, const std::string& id, const std::string& note);
  absl::StatusOr<v1::Campaign> Cancel(const auth::Principal& caller, const std::string& id, const std::string& note);
  // Runs the campaign if it is due (APPROVED and its start has come, or SENDING).
  absl::StatusOr<v1::Campaign> Run(const auth::Principal& caller, const std::string& id);
  absl::StatusOr<v1::CampaignEffect> Effect(const auth::Principal& caller, const std::string& id);

  // Where verdicts go (voc:outreach in production, docs/architecture.md
  // "Outreach verdicts"); none until this is called: verdicts wait in their
  // outbox. Call before RunDue runs.
  void PublishVerdictsTo(queue::Publisher* verdicts) { verdicts_ = verdicts; }

  // The periodic worker: runs every due campaign and hands unpublished
  // messages to voc-notify (also those a crash left behind), decides the
  // verdicts whose effect window has passed (DecideDueEffects) and hands
  // unpublished verdicts on (PublishVerdicts). Returns the first error,
  // after trying them all.
  absl::Status RunDue();
  // Measures and stores, once, the effect of every SENDING or SENT
  // campaign whose window has passed and that has none yet (the same
  // verdict GetCampaignEffect would store). How many were decided; the
  // first error after trying them all (a campaign that failed is tried
  // again next run). Nothing without the feedback port.
  absl::StatusOr<int> DecideDueEffects();
  // Appends each stored, unpublished verdict (a voc.v1.CampaignVerdict,
  // event queue::kCampaignVerdictEvent) to the verdict publisher and marks what it
  // took; how many went. UNAVAILABLE when the queue took fewer (the rest
  // go next run). At least once: a crash between append and mark sends one
  // again, which voc-verification stores once.
  absl::StatusOr<std::int64_t> PublishVerdicts();
  // Hands the sent-but-unpublished messages to voc-notify; how many went.
  absl::StatusOr<std::int64_t> PublishPending();

  // The members of a compiled segment at `now` (all rows of its entity scanned).
  absl::StatusOr<SegmentMembers> Members(const CompiledSegment& segment);

 private:
  absl::StatusOr<v1::Campaign> Load(const std::string& id);
  absl::StatusOr<v1::Campaign> Step(const auth::Principal& caller, const std::string& id, const std::string& action,
                                    v1::CampaignState from, v1::CampaignState to, const std::string& note);
  absl::Status RunOne(const v1::Campaign& campaign, const std::string& actor);
  // [first decision (or start), + effect_window_days).
  absl::StatusOr<std::pair<TimePoint, TimePoint>> EffectWindow(const v1::Campaign& campaign);
  // Computes the effect over the window and stores it; the stored one.
  absl::StatusOr<v1::CampaignEffect> Measure(const v1::Campaign& campaign, TimePoint start, TimePoint end);
  absl::StatusOr<v1::CampaignVerdict> VerdictOf(const v1::CampaignEffect& effect);

  EntityStore& entities_;
  OutreachStore& store_;
  const SchemaHolder& schema_;
  const Clock& clock_;
  OutreachSettings settings_;
  OutreachSender& sender_;
  CustomerFeedback* feedback_;
  queue::Publisher* verdicts_ = nullptr;
  // One run at a time in this process (a replica's run is fenced by the
  // (campaign, customer) primary key instead).
  std::mutex run_mu_;
};

// How long RunDue leaves a SENDING campaign before it runs it again (quiet
// hours are whole hours; RunCampaign runs one at once).
inline constexpr std::chrono::minutes kRerunSending{5};

// The channels a campaign may use.
const std::vector<std::string>& OutreachChannels();

}  // namespace voc::entities::outreach
