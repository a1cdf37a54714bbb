#include "services/verification/proportion_test.h"

#include <cstdio>

namespace voc::verification {
namespace {

double Share(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

ProportionTestResult NotComputable(const ComplaintCounts& c, std::string reason) {
  ProportionTestResult r;
  r.before_share = Share(c.before_topic, c.before_total);
  r.after_share = Share(c.after_topic, c.after_total);
  r.not_computable_reason = std::move(reason);
  return r;
}

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100.0);
  return buf;
}

}  // namespace

ProportionTestResult OneSidedTwoProportionTest(const ComplaintCounts& c, double significance) {
  if (c.before_topic < 0 || c.before_total < 0 || c.after_topic < 0 || c.after_total < 0 ||
      c.before_topic > c.before_total || c.after_topic > c.after_total) {
    return NotComputable(c, "inconsistent counts (negative, or a topic count above its total)");
  }
  if (c.before_total == 0) {
    return NotComputable(c, "no negative feedback in the window before the project: no baseline to compare");
  }
  if (c.after_total == 0) {
    return NotComputable(c, "no negative feedback in the window after the project: the share cannot be measured");
  }
  // The pooled share is 0 or 1.
  const std::int64_t topic = c.before_topic + c.after_topic;
  if (topic == 0 || topic == c.before_total + c.after_total) {
    return NotComputable(c, topic == 0
                                ? "the topic had no complaints in either window: its share cannot fall"
                                : "the topic had every complaint in both windows: its share did not fall");
  }
  ProportionTestResult r;
  r.before_share = Share(c.before_topic, c.before_total);
  r.after_share = Share(c.after_topic, c.after_total);
  r.z_score = reports::PooledZ(c.before_topic, c.before_total, c.after_topic, c.after_total);
  r.p_value = NormalUpperTail(r.z_score);
  r.verified = r.p_value < significance;
  return r;
}

std::string DescribeResult(const std::string& topic, const ComplaintCounts& c,
                           const ProportionTestResult& r, double significance) {
  char figures[512];
  std::snprintf(figures, sizeof figures,
                "Topic %s: %lld/%lld negative feedback (%s) before vs %lld/%lld (%s) after; ",
                topic.c_str(), static_cast<long long>(c.before_topic),
                static_cast<long long>(c.before_total), Percent(r.before_share).c_str(),
                static_cast<long long>(c.after_topic), static_cast<long long>(c.after_total),
                Percent(r.after_share).c_str());
  std::string text = figures;
  if (!r.not_computable_reason.empty()) {
    return text + "cannot test: " + r.not_computable_reason + " — failed.";
  }
  char test[256];
  std::snprintf(test, sizeof test, "z = %.2f, one-sided p = %.4f %s %.2f: ", r.z_score, r.p_value,
                r.verified ? "<" : ">=", significance);
  text += test;
  text += r.verified ? "the share fell significantly — verified."
                     : "no significant fall in the share — failed.";
  return text;
}

}  // namespace voc::verification
