#include "services/verification/digest/digest_renderer.h"

#include <cstdio>

#include "services/verification/outreach/campaign_verdicts.h"

namespace voc::verification {
namespace {

std::string Printf(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// Goal figures (NPS points, percent, counts): at most one decimal, none
// when whole.
std::string FormatFigure(double value) {
  std::string text = Printf("%.1f", value);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return text == "-0" ? "0" : text;
}

std::string StatusWord(v1::GoalStatus status, bool zh) {
  switch (status) {
    case v1::GOAL_STATUS_ON_TRACK: return zh ? "进展正常" : "on track";
    case v1::GOAL_STATUS_AT_RISK: return zh ? "有风险" : "at risk";
    case v1::GOAL_STATUS_MET: return zh ? "已达成" : "met";
    case v1::GOAL_STATUS_MISSED: return zh ? "未达成" : "missed";
    case v1::GOAL_STATUS_NO_DATA: return zh ? "暂无数据" : "no data";
    default: return zh ? "未评估" : "not evaluated";
  }
}

std::string JoinTerms(const v1::DigestSignal& signal) {
  std::string out;
  for (const std::string& term : signal.terms()) out += (out.empty() ? "" : " ") + term;
  return out;
}

// "90 / 100 (90.0%)", or the words for nothing due.
std::string OnTime(long long met, long long due, bool zh) {
  if (due == 0) return zh ? "无到期" : "none due";
  const std::string share = FormatPercent(static_cast<double>(met) / static_cast<double>(due));
  return zh ? FormatCount(met) + " / " + FormatCount(due) + "（" + share + "）"
            : FormatCount(met) + " of " + FormatCount(due) + " (" + share + ")";
}

// The topic's name in the language, or its id when it has none there.
std::string TopicName(const TopicNames& topics, const std::string& id, bool zh) {
  auto it = topics.find(id);
  if (it == topics.end()) return id;
  const std::string& name = zh ? it->second.zh : it->second.en;
  return name.empty() ? id : name;
}

std::string BodyZh(const v1::Digest& d, const std::string& scope, const TopicNames& topics) {
  std::string b = scope + "每周简报（" + d.week_start() + " 至 " + d.week_end() + "）\n";

  b += "\n已验证的改进（" + FormatCount(d.wins_size()) + "）\n";
  if (d.wins().empty()) b += "- 本周没有。\n";
  for (const auto& w : d.wins()) {
    b += "- " + w.title() + "（" + w.project() + "），话题 " + TopicName(topics, w.topic(), true) + "：投诉占比 " +
         FormatPercent(w.before_share()) + " → " + FormatPercent(w.after_share()) + "（" + FormatPValue(w.p_value()) +
         "）\n";
  }

  b += "\n已解决案例的经验\n";
  if (!d.has_lesson()) {
    b += "- 本周没有。\n";
  } else {
    b += "标题：" + d.lesson().title() + "\n做法：" + d.lesson().resolution() + "\n（" + d.lesson().source() + "）\n";
  }

  if (!d.outreach().empty()) {
    b += "\n主动外呼（" + FormatCount(d.outreach_size()) + "）\n";
    for (const auto& o : d.outreach()) {
      b += "- " + o.title() + "（" + o.campaign() + "），话题 " + TopicName(topics, o.topic(), true) + "，目标客户 " +
           FormatCount(o.segment_size()) + " 位：" + VerdictSentence(o, true) + "\n";
    }
  }

  if (!d.goals().empty()) {
    b += "\n目标进展\n";
    for (const auto& g : d.goals()) {
      b += "- " + g.title() + "（" + g.goal() + "）：" + StatusWord(g.status(), true) + "，当前 " +
           FormatFigure(g.value()) + "，目标 " + FormatFigure(g.target()) + "，截止 " + g.deadline_day() + "\n";
    }
  }

  b += "\n投诉上升最快的话题\n";
  if (d.rising_topics().empty()) b += "- 本周没有显著上升的话题。\n";
  for (const auto& t : d.rising_topics()) {
    b += "- " + TopicName(topics, t.topic(), true) + "：" + FormatCount(t.count()) + " 条投诉（上周 " + FormatCount(t.previous_count()) +
         " 条），占比 " + FormatPercent(t.share()) + "（上周 " + FormatPercent(t.previous_share()) + "），" +
         FormatPValue(t.p_value()) + "\n";
  }

  if (d.department().empty()) {
    b += "\n新出现的弱信号\n";
    if (d.signals().empty()) b += "- 本周没有。\n";
    for (const auto& s : d.signals()) {
      b += "- “" + JoinTerms(s) + "”：" + FormatCount(s.count()) + " 次（预期 " + Printf("%.1f", s.expected()) +
           "）\n";
    }
  }

  const auto& sla = d.sla();
  b += "\nSLA 达成（本周新建的工单）\n";
  b += "- 首次响应按时：" + OnTime(sla.first_response_met(), sla.first_response_due(), true) + "\n";
  b += "- 解决按时：" + OnTime(sla.resolution_met(), sla.resolution_due(), true) + "\n";
  b += "- 超时：" + FormatCount(sla.breaches()) + " 次\n";
  b += "- 周末未结工单：" + FormatCount(sla.open_cases()) + " 个\n";
  b += "- 贬损者 24 小时内回访率：" + FormatPercent(sla.hot_loop_rate()) + "\n";
  return b;
}

std::string BodyEn(const v1::Digest& d, const std::string& scope, const TopicNames& topics) {
  std::string b = "Weekly digest for " + scope + ", " + d.week_start() + " to " + d.week_end() + ".\n";

  b += "\nVerified wins (" + FormatCount(d.wins_size()) + ")\n";
  if (d.wins().empty()) b += "- None this week.\n";
  for (const auto& w : d.wins()) {
    b += "- " + w.title() + " (" + w.project() + "), topic " + TopicName(topics, w.topic(), false) + ": complaint share " +
         FormatPercent(w.before_share()) + " -> " + FormatPercent(w.after_share()) + " (" + FormatPValue(w.p_value()) +
         ")\n";
  }

  b += "\nA lesson from a resolved case\n";
  if (!d.has_lesson()) {
    b += "- None this week.\n";
  } else {
    b += "Title: " + d.lesson().title() + "\nWhat was done: " + d.lesson().resolution() + "\n(" +
         d.lesson().source() + ")\n";
  }

  if (!d.outreach().empty()) {
    b += "\nProactive outreach (" + FormatCount(d.outreach_size()) + ")\n";
    for (const auto& o : d.outreach()) {
      b += "- " + o.title() + " (" + o.campaign() + "), topic " + TopicName(topics, o.topic(), false) +
           ", segment of " + FormatCount(o.segment_size()) + ": " + VerdictSentence(o, false) + "\n";
    }
  }

  if (!d.goals().empty()) {
    b += "\nGoals\n";
    for (const auto& g : d.goals()) {
      b += "- " + g.title() + " (" + g.goal() + "): " + StatusWord(g.status(), false) + ", now " +
           FormatFigure(g.value()) + ", target " + FormatFigure(g.target()) + " by " + g.deadline_day() + "\n";
    }
  }

  b += "\nComplaint topics rising fastest\n";
  if (d.rising_topics().empty()) b += "- None rose significantly this week.\n";
  for (const auto& t : d.rising_topics()) {
    b += "- " + TopicName(topics, t.topic(), false) + ": " + FormatCount(t.count()) + " complaints (previous week " +
         FormatCount(t.previous_count()) + "), share " + FormatPercent(t.share()) + " (was " +
         FormatPercent(t.previous_share()) + "), " + FormatPValue(t.p_value()) + "\n";
  }

  if (d.department().empty()) {
    b += "\nNew weak signals\n";
    if (d.signals().empty()) b += "- None this week.\n";
    for (const auto& s : d.signals()) {
      b += "- \"" + JoinTerms(s) + "\": " + FormatCount(s.count()) + " mentions (expected " +
           Printf("%.1f", s.expected()) + ")\n";
    }
  }

  const auto& sla = d.sla();
  b += "\nSLA compliance (cases opened this week)\n";
  b += "- First response on time: " + OnTime(sla.first_response_met(), sla.first_response_due(), false) + "\n";
  b += "- Resolution on time: " + OnTime(sla.resolution_met(), sla.resolution_due(), false) + "\n";
  b += "- Breaches: " + FormatCount(sla.breaches()) + "\n";
  b += "- Open cases at the week's end: " + FormatCount(sla.open_cases()) + "\n";
  b += "- Detractors called back within 24 h: " + FormatPercent(sla.hot_loop_rate()) + "\n";
  return b;
}

}  // namespace

std::string FormatCount(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string FormatPValue(double p) { return p < 0.001 ? "p < 0.001" : "p = " + Printf("%.3f", p); }

std::string FormatPercent(double fraction) {
  std::string text = Printf("%.1f", fraction * 100.0);
  return (text == "-0.0" ? "0.0" : text) + "%";
}

DigestTexts RenderDigest(const v1::Digest& digest, const ScopeNames& department, const TopicNames& topics) {
  const bool company = digest.department().empty();
  const std::string zh = company ? "全公司" : (department.zh.empty() ? digest.department() : department.zh);
  const std::string en = company ? "the whole company" : (department.en.empty() ? digest.department() : department.en);
  DigestTexts t;
  t.subject_zh = "【每周简报】" + zh + " " + digest.week_start() + " 至 " + digest.week_end();
  t.subject_en = "[Weekly digest] " + (company ? std::string("Company-wide") : en) + ", " + digest.week_start() +
                 " to " + digest.week_end();
  t.body_zh = BodyZh(digest, zh, topics);
  t.body_en = BodyEn(digest, en, topics);
  return t;
}

}  // namespace voc::verification
