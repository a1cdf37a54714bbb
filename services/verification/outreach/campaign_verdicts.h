// Outreach campaigns' verdicts in verification (issue 13): voc-entities
// publishes each campaign's measured effect once its window has passed
// (voc.v1.CampaignVerdict on voc:outreach, common/queue/stream.h);
// verification stores it once per campaign, makes it a knowledge entry
// (source "campaigns/<id>") and shows it in the weekly digest of the week
// its verdict was computed in. Pure: the texts and rows, no store.
// De-identified: a verdict carries counts and rates, no customer ids; its
// title is masked like every knowledge text.
#pragma once

#include <absl/status/status.h>

#include <string>

#include "services/verification/store/verification_store.h"
#include "voc/v1/outreach.pb.h"
#include "voc/v1/programme.pb.h"

namespace voc::verification {

// INVALID_ARGUMENT naming the field: a verdict without campaign_id,
// department or effect.verdict, or whose effect is of another campaign.
absl::Status CheckCampaignVerdict(const v1::CampaignVerdict& verdict);

// The digest's row of a verdict ("campaigns/<id>", figures as published).
v1::DigestOutreach DigestRowOf(const v1::CampaignVerdict& verdict);

// The verdict in words (the digest and the knowledge entry say it the
// same way), e.g.
//   en: "complaint rate 2.5% of 120 contacted vs 10.0% of 30 held out,
//        difference -7.5 points (95% CI -18.6 to 3.6), p = 0.041: fewer complaints"
//   zh: "被联系的 120 位客户投诉率 2.5%，未联系的对照组 30 位 10.0%，差 -7.5 个百分点
//        （95% 置信区间 -18.6 至 3.6），p = 0.041：投诉减少"
std::string VerdictSentence(const v1::DigestOutreach& row, bool zh);
// fewer_complaints | more_complaints | no_difference_detected | too_few_customers, in words.
std::string VerdictWords(const std::string& verdict, bool zh);

// The knowledge entry of a verdict: source "campaigns/<id>", the campaign's
// name as title, the topic, the verdict in Chinese and English as
// resolution, and as evidence the segment size, both groups' complaint
// and contact rates, the test, z, p and the interval, the window and the
// issue it was about. verify_time: the verdict's compute time. Not masked
// (the caller masks, as for every entry).
KnowledgeRecord KnowledgeOf(const v1::CampaignVerdict& verdict);

}  // namespace voc::verification
