#include "services/verification/outreach/campaign_verdicts.h"

#include <cstdio>

#include "common/status/status.h"
#include "common/util/time.h"
#include "services/verification/digest/digest_renderer.h"

namespace voc::verification {
namespace {

std::string Printf(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  std::string text = buffer;
  return text == "-0.0" ? "0.0" : text;
}

// A difference of rates in percentage points, one decimal.
std::string Points(double fraction) { return Printf("%.1f", fraction * 100.0); }

}  // namespace

absl::Status CheckCampaignVerdict(const v1::CampaignVerdict& v) {
  if (v.campaign_id().empty()) return status::InvalidArgument("campaign_id", "must name the campaign (camp-<n>)");
  if (v.department().empty()) return status::InvalidArgument("department", "must not be empty");
  if (v.effect().campaign_id() != v.campaign_id()) {
    return status::InvalidArgument("effect.campaign_id", "must be the verdict's campaign " + v.campaign_id());
  }
  if (v.effect().verdict().empty()) return status::InvalidArgument("effect.verdict", "must not be empty");
  if (IsUnset(v.effect().compute_time())) return status::InvalidArgument("effect.compute_time", "must be set");
  return absl::OkStatus();
}

v1::DigestOutreach DigestRowOf(const v1::CampaignVerdict& v) {
  const v1::CampaignEffect& e = v.effect();
  v1::DigestOutreach row;
  row.set_campaign("campaigns/" + v.campaign_id());
  row.set_title(v.display_name());
  row.set_department(v.department());
  row.set_topic(v.issue().topic());
  row.set_segment_size(v.segment_size());
  row.set_contacted(e.contacted().customers());
  row.set_contacted_complaint_rate(e.contacted().complaint_rate());
  row.set_contacted_contact_rate(e.contacted().contact_rate());
  row.set_held_out(e.held_out().customers());
  row.set_held_out_complaint_rate(e.held_out().complaint_rate());
  row.set_held_out_contact_rate(e.held_out().contact_rate());
  row.set_difference(e.difference());
  row.set_ci_low(e.ci_low());
  row.set_ci_high(e.ci_high());
  row.set_p_value(e.p_value());
  row.set_verdict(e.verdict());
  row.set_test(e.test());
  *row.mutable_verdict_time() = e.compute_time();
  return row;
}

std::string VerdictWords(const std::string& verdict, bool zh) {
  if (verdict == "fewer_complaints") return zh ? "投诉减少" : "fewer complaints";
  if (verdict == "more_complaints") return zh ? "投诉增加" : "more complaints";
  if (verdict == "no_difference_detected") return zh ? "未发现差异" : "no difference detected";
  if (verdict == "too_few_customers") return zh ? "客户太少，无法判断" : "too few customers to tell";
  return verdict;
}

std::string VerdictSentence(const v1::DigestOutreach& r, bool zh) {
  if (zh) {
    return "被联系的 " + FormatCount(r.contacted()) + " 位客户投诉率 " + FormatPercent(r.contacted_complaint_rate()) +
           "，未联系的对照组 " + FormatCount(r.held_out()) + " 位 " + FormatPercent(r.held_out_complaint_rate()) +
           "，差 " + Points(r.difference()) + " 个百分点（95% 置信区间 " + Points(r.ci_low()) + " 至 " +
           Points(r.ci_high()) + "），" + FormatPValue(r.p_value()) + "：" + VerdictWords(r.verdict(), true);
  }
  return "complaint rate " + FormatPercent(r.contacted_complaint_rate()) + " of " + FormatCount(r.contacted()) +
         " contacted vs " + FormatPercent(r.held_out_complaint_rate()) + " of " + FormatCount(r.held_out()) +
         " held out, difference " + Points(r.difference()) + " points (95% CI " + Points(r.ci_low()) + " to " +
         Points(r.ci_high()) + "), " + FormatPValue(r.p_value()) + ": " + VerdictWords(r.verdict(), false);
}

KnowledgeRecord KnowledgeOf(const v1::CampaignVerdict& v) {
  const v1::DigestOutreach row = DigestRowOf(v);
  const v1::CampaignEffect& e = v.effect();
  KnowledgeRecord k;
  k.entry.set_source(row.campaign());
  k.entry.set_title(v.display_name());
  k.entry.set_topic(v.issue().topic());
  k.entry.set_resolution("主动外呼效果：" + VerdictSentence(row, true) + "。\nProactive outreach effect: " +
                         VerdictSentence(row, false) + ".");
  std::string evidence = "Segment: " + FormatCount(v.segment_size()) + " customers";
  if (!v.segment_name().empty()) evidence += " (" + v.segment_name() + ")";
  evidence += "; channel " + v.channel() + "; department " + v.department() + ".\n";
  evidence += "Contacted: " + FormatCount(e.contacted().customers()) + ", complained " +
              FormatCount(e.contacted().complained()) + " (" + FormatPercent(e.contacted().complaint_rate()) +
              "), contacted us " + FormatCount(e.contacted().contacted_us()) + " (" +
              FormatPercent(e.contacted().contact_rate()) + ").\n";
  evidence += "Held out: " + FormatCount(e.held_out().customers()) + ", complained " +
              FormatCount(e.held_out().complained()) + " (" + FormatPercent(e.held_out().complaint_rate()) +
              "), contacted us " + FormatCount(e.held_out().contacted_us()) + " (" +
              FormatPercent(e.held_out().contact_rate()) + ").\n";
  evidence += "Test: " + e.test() + "; z = " + Printf("%.2f", e.z()) + ", " + FormatPValue(e.p_value()) +
              "; difference " + Points(e.difference()) + " points, 95% CI " + Points(e.ci_low()) + " to " +
              Points(e.ci_high()) + ".\n";
  evidence += "Window: " + FormatRfc3339(FromProto(e.window_start())) + " to " +
              FormatRfc3339(FromProto(e.window_end())) + "; issue " + v.issue().kind() + " " + v.issue().id() + ".";
  k.entry.set_evidence(evidence);
  *k.entry.mutable_verify_time() = e.compute_time();
  return k;
}

}  // namespace voc::verification
