#include "services/verification/digest/digest_composer.h"

#include "common/log/log.h"
#include "common/status/status.h"

namespace voc::verification {

std::string DigestName(const std::string& week_start, const std::string& department) {
  return "digests/" + week_start + "/" + (department.empty() ? std::string("company") : department);
}

v1::DigestSla SlaOf(const v1::LoopReport& report) {
  v1::DigestSla sla;
  for (const v1::LoopFigures& row : report.rows()) {
    sla.set_first_response_due(sla.first_response_due() + row.first_response().due());
    sla.set_first_response_met(sla.first_response_met() + row.first_response().met());
    sla.set_resolution_due(sla.resolution_due() + row.resolution().due());
    sla.set_resolution_met(sla.resolution_met() + row.resolution().met());
    sla.set_breaches(sla.breaches() + row.breaches());
  }
  for (const v1::BacklogBucket& bucket : report.backlog()) sla.set_open_cases(sla.open_cases() + bucket.open());
  sla.set_hot_loop_rate(report.hot_loop().rate());
  return sla;
}

absl::StatusOr<v1::Digest> DigestComposer::Compose(const DigestWeek& week, const std::string& department) const {
  v1::Digest digest;
  digest.set_name(DigestName(week.start_day(), department));
  digest.set_week_start(week.start_day());
  digest.set_week_end(week.end_day());
  digest.set_department(department);
  // Every failure names the digest it stopped, then the call that failed.
  const auto failed = [&](const absl::Status& s) { return status::Annotate(s, "composing " + digest.name()); };

  auto wins = programme_.Wins(week);
  if (!wins.ok()) return failed(wins.status());
  for (auto& win : *wins) *digest.add_wins() = std::move(win);

  auto lesson = programme_.Lesson(week);
  if (!lesson.ok()) return failed(lesson.status());
  if (*lesson) *digest.mutable_lesson() = std::move(**lesson);

  auto outreach = programme_.Outreach(week, department);
  if (!outreach.ok()) return failed(outreach.status());
  for (auto& row : *outreach) *digest.add_outreach() = std::move(row);

  auto goals = programme_.Goals(week, department);
  if (!goals.ok()) return failed(goals.status());
  for (auto& goal : *goals) *digest.add_goals() = std::move(goal);

  auto topics = voice_.RisingTopics(week, department);
  if (!topics.ok()) return failed(topics.status());
  for (const v1::TopicFigure& t : *topics) {
    if (digest.rising_topics_size() == kDigestTopItems) break;
    // The ranking holds every rising topic; only a rise the test calls
    // significant is news.
    if (!t.significant_rise()) continue;
    v1::DigestRisingTopic& rising = *digest.add_rising_topics();
    rising.set_topic(t.topic());
    rising.set_count(t.count());
    rising.set_previous_count(t.previous_count());
    rising.set_share(t.share());
    rising.set_previous_share(t.previous_share());
    rising.set_p_value(t.p_value());
  }

  auto signals = voice_.Signals(week, department);
  if (!signals.ok()) return failed(signals.status());
  for (const v1::EmergingSignal& s : *signals) {
    if (digest.signals_size() == kDigestTopItems) break;
    v1::DigestSignal& signal = *digest.add_signals();
    signal.mutable_terms()->CopyFrom(s.terms());
    signal.set_count(s.count());
    signal.set_expected(s.expected());
  }

  auto loop = loop_.LoopReport(week, department);
  if (!loop.ok()) return failed(loop.status());
  *digest.mutable_sla() = SlaOf(*loop);
  return digest;
}

TopicNames DigestComposer::NamesOfTopics() const {
  TopicNames names;
  auto topics = voice_.Topics();
  if (!topics.ok()) {
    log::Warn("digest_topic_names_unavailable", {{"error", std::string(topics.status().message())}});
    return names;
  }
  for (const v1::Topic& t : *topics) names[t.id()] = {t.name_zh(), t.name_en()};
  return names;
}

}  // namespace voc::verification
