#include "services/notify/templates.h"

#include <google/protobuf/util/time_util.h>

#include <cctype>

#include "services/notify/channels/webhook_channel.h"

namespace voc::notify {
namespace {

struct Text {
  const char* subject;
  const char* body;
};
struct Template {
  Text zh;
  Text en;
};

// The product speaks Chinese and English; the rest of the code English.
const std::map<std::string, Template>& Templates() {
  static const std::map<std::string, Template> kTemplates = {
      {"red_line",
       {{"【红线】工单 {{case}} 需要您立即处理",
         "{{recipient}}，您好：\n反馈 {{feedback_id}} 触发了红线，已立案 {{case}}，由{{owner_people}}共同负责"
         "（{{department}}）。\n原因：{{red_line_reason}}\n请立即处理。"},
        {"[Red line] Case {{case}} needs you now",
         "Hello {{recipient}},\nfeedback {{feedback_id}} hit a red line. Case {{case}} is owned jointly by "
         "{{owner_people}} ({{department}}).\nWhy: {{red_line_reason}}\nPlease act now."}}},
      {"new_p1",
       {{"【P1】新的高优先级工单 {{case}}", "{{recipient}}，您好：\n{{department}}收到新的 P1 工单 {{case}}：{{case_title}}。"},
        {"[P1] New top-priority case {{case}}",
         "Hello {{recipient}},\n{{department}} has a new P1 case {{case}}: {{case_title}}."}}},
      {"sla_warning",
       {{"【SLA 预警】工单 {{case}} 的{{clock}}时限即将到期",
         "{{recipient}}，您好：\n工单 {{case}}（{{case_title}}）的{{clock}}时限将于 {{due_time}} 到期，"
         "负责人：{{owner_people}}。"},
        {"[SLA warning] The {{clock}} target of case {{case}} is near",
         "Hello {{recipient}},\nthe {{clock}} target of case {{case}} ({{case_title}}) is due at {{due_time}}. "
         "Owner: {{owner_people}}."}}},
      {"sla_breach",
       {{"【SLA 超时】工单 {{case}} 的{{clock}}时限已超时",
         "{{recipient}}，您好：\n工单 {{case}}（{{case_title}}）的{{clock}}时限已于 {{due_time}} 超时，"
         "负责人：{{owner_people}}（{{department}}）。"},
        {"[SLA breach] Case {{case}} missed its {{clock}} target",
         "Hello {{recipient}},\ncase {{case}} ({{case_title}}) missed its {{clock}} target at {{due_time}}. "
         "Owner: {{owner_people}} ({{department}})."}}},
      {"escalation",
       {{"【第 {{level}} 级升级】工单 {{case}} 已超时",
         "{{recipient}}，您好：\n工单 {{case}}（{{case_title}}）的{{clock}}时限已超时，现升级至第 {{level}} 级由您跟进。"
         "负责人：{{owner_people}}（{{department}}）。"},
        {"[Escalation level {{level}}] Case {{case}} is overdue",
         "Hello {{recipient}},\ncase {{case}} ({{case_title}}) missed its {{clock}} target and is escalated to you "
         "(level {{level}}). Owner: {{owner_people}} ({{department}})."}}},
      {"weak_signal",
       {{"【弱信号】新出现的问题：{{signal}}", "{{recipient}}，您好：\n最近出现的问题“{{signal}}”正在增加：{{detail}}"},
        {"[Weak signal] An emerging issue: {{signal}}",
         "Hello {{recipient}},\nthe issue \"{{signal}}\" is emerging: {{detail}}"}}},
      {"cluster_threshold",
       {{"【相似投诉】聚类 {{cluster}} 已达 {{cluster_size}} 条",
         "{{recipient}}，您好：\n相似投诉聚类 {{cluster}}（{{cluster_title}}）已达 {{cluster_size}} 条。"},
        {"[Similar complaints] Cluster {{cluster}} reached {{cluster_size}}",
         "Hello {{recipient}},\nthe similar-complaint cluster {{cluster}} ({{cluster_title}}) reached "
         "{{cluster_size}} complaints."}}},
      {"overdue_digest",
       {{"【每日逾期汇总】{{department}}有 {{overdue_count}} 个逾期工单",
         "{{recipient}}，您好：\n{{department}}当前有 {{overdue_count}} 个逾期工单，最早到期的 {{listed_count}} 个如下：\n"
         "{{cases}}"},
        {"[Daily overdue digest] {{department}} has {{overdue_count}} overdue {{cases_noun}}",
         "Hello {{recipient}},\n{{department}} has {{overdue_count}} overdue {{cases_noun}}; the {{listed_count}} "
         "due longest ago:\n{{cases}}"}}},
      {"resurvey",
       {{"邀请您再次评价我们的服务", "{{recipient}}，您好：\n感谢您此前的反馈。我们已改进，诚邀您再次评价：{{survey_link}}"},
        {"How are we doing now?",
         "Hello {{recipient}},\nthank you for your earlier feedback. We have worked on it; please tell us how we "
         "are doing now: {{survey_link}}"}}},
      // The weekly digest (issue 12): voc-verification renders both
      // languages itself (numbers, sections); this picks the recipient's.
      {"weekly_digest", {{"{{subject_zh}}", "{{body_zh}}"}, {"{{subject_en}}", "{{body_en}}"}}},
  };
  return kTemplates;
}

// Words a template inserts that are codes in the request.
std::string LocalWord(const std::string& word, const std::string& language) {
  static const std::map<std::string, std::pair<std::string, std::string>> kWords = {
      {"first_response", {"首次响应", "first response"}}, {"resolution", {"解决", "resolution"}}};
  auto it = kWords.find(word);
  if (it == kWords.end()) return word;
  return language == "en" ? it->second.second : it->second.first;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> SplitIds(const std::string& list) {
  std::vector<std::string> out;
  std::string item;
  for (char c : list + ",") {
    if (c == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (c != ' ') {
      item += c;
    }
  }
  return out;
}

std::string DepartmentName(const std::string& id, const std::string& language, const org::OrgDirectory& dir) {
  const org::Department* d = dir.FindDepartment(id);
  if (!d) return id;
  return language == "en" ? d->name_en : d->name_zh;
}

std::string PersonName(const std::string& id, const org::OrgDirectory& dir) {
  const org::Person* p = dir.FindPerson(id);
  return p && !p->name.empty() ? p->name : id;
}

std::string JoinNames(const std::vector<std::string>& names, const std::string& language) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : (language == "en" ? ", " : "、")) + n;
  return out;
}

std::string EscapeHtml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "<br>\n"; break;
      default: out += c;
    }
  }
  return out;
}

// The digest's case kinds and priorities in the recipient's language
// (only there: a title that happens to be "complaint" stays as written).
std::string KindWord(const std::string& kind, const std::string& language) {
  static const std::map<std::string, std::pair<std::string, std::string>> kKinds = {
      {"complaint", {"投诉", "complaint"}},
      {"detractor_callback", {"差评回访", "detractor callback"}},
      {"red_line", {"红线", "red line"}}};
  auto it = kKinds.find(kind);
  if (it == kKinds.end()) return kind;
  return language == "en" ? it->second.second : it->second.first;
}

// "2026-12-04T17:00:00+08:00" -> "2026-12-04 17:00 (UTC+08:00)"; anything
// else as it is.
std::string LocalDueText(const std::string& due, const std::string& language) {
  if (due.size() != 25 || due[10] != 'T') return due;
  const std::string zone = "UTC" + due.substr(19);
  return due.substr(0, 10) + " " + due.substr(11, 5) + (language == "en" ? " (" + zone + ")" : "（" + zone + "）");
}

std::string Param(const v1::NotificationRequest& request, const std::string& key) {
  auto it = request.params().find(key);
  return it == request.params().end() ? "" : it->second;
}

// {{cases}} of the overdue digest: one numbered entry per listed case
// (params case_<i>_*, services/tracking/overdue_digest.h) with its link,
// then how many more are not listed.
std::string DigestCaseLines(const v1::NotificationRequest& request, const std::string& lang,
                            const std::map<std::string, std::string>& values, const std::string& link_base) {
  auto value = [&](const std::string& key) {
    auto it = values.find(key);
    return it == values.end() ? std::string() : it->second;
  };
  const bool en = lang == "en";
  std::string out;
  long listed = 0;
  for (int i = 1;; ++i) {
    const std::string p = "case_" + std::to_string(i) + "_";
    const std::string id = Param(request, p + "id");
    if (id.empty()) break;
    ++listed;
    std::string priority = Param(request, p + "priority");
    for (char& c : priority) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::string kind = KindWord(Param(request, p + "kind"), lang);
    const std::string due = LocalDueText(Param(request, p + "due_time"), lang);
    const std::string department = value(p + "owner_department");
    const std::string person = value(p + "owner_person");
    std::string owner = person.empty() ? department : person + (en ? " (" + department + ")" : "（" + department + "）");
    const std::string title = Param(request, p + "title");
    out += std::to_string(i) + ". ";
    if (en) {
      out += "[" + priority + " · " + kind + "] " + title + " (case " + id + "), due " + due + ", owner: " + owner;
    } else {
      out += "【" + priority + "·" + kind + "】" + title + "（工单 " + id + "），" + due + " 到期，负责人：" + owner;
    }
    out += "\n";
    if (!link_base.empty()) out += std::string(en ? "   Open: " : "   查看：") + link_base + "/#case=" + id + "\n";
  }
  long total = listed;
  try {
    total = std::stol(Param(request, "overdue_count"));
  } catch (const std::exception&) {
  }
  if (total > listed) {
    const std::string more = std::to_string(total - listed);
    out += en ? "... and " + more + " more overdue cases in the worklist.\n"
              : "……另有 " + more + " 个逾期工单，请在工作台查看。\n";
  }
  return out;
}

}  // namespace

std::string BareCaseId(const std::string& case_id) {
  return case_id.rfind("cases/", 0) == 0 ? case_id.substr(6) : case_id;
}

std::string Substitute(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    out.append(text, pos, open - pos);
    auto it = values.find(text.substr(open + 2, close - open - 2));
    if (it != values.end()) out += it->second;
    pos = close + 2;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

RenderedMessage Render(const v1::NotificationRequest& request, const RenderContext& ctx,
                       const org::OrgDirectory& directory) {
  const std::string& lang = ctx.language == "en" ? ctx.language : std::string("zh");
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : request.params()) {
    if (EndsWith(key, "_people") || EndsWith(key, "_person")) {
      std::vector<std::string> names;
      for (const std::string& id : SplitIds(value)) names.push_back(PersonName(id, directory));
      values[key] = JoinNames(names, lang);
    } else if (EndsWith(key, "_departments") || EndsWith(key, "_department")) {
      std::vector<std::string> names;
      for (const std::string& id : SplitIds(value)) names.push_back(DepartmentName(id, lang, directory));
      values[key] = JoinNames(names, lang);
    } else {
      values[key] = LocalWord(value, lang);
    }
  }
  const std::string case_id = BareCaseId(request.case_id());
  values["recipient"] = ctx.recipient_name.empty() ? (lang == "en" ? "team" : "各位") : ctx.recipient_name;
  values["case"] = case_id;
  values["department"] = DepartmentName(request.department(), lang, directory);
  std::string link;
  if (!ctx.case_link_base.empty() && !case_id.empty()) link = ctx.case_link_base + "/#case=" + case_id;
  values["link"] = link;
  if (request.event() == "overdue_digest") {
    values["cases"] = DigestCaseLines(request, lang, values, ctx.case_link_base);
    values["cases_noun"] = Param(request, "overdue_count") == "1" ? "case" : "cases";
  }

  RenderedMessage m;
  m.message_id = ctx.message_id;
  m.event = request.event();
  m.language = lang;
  m.link = link;
  m.created_ms = google::protobuf::util::TimeUtil::TimestampToMilliseconds(request.create_time());
  auto it = Templates().find(request.event());
  if (it != Templates().end()) {
    const Text& t = lang == "en" ? it->second.en : it->second.zh;
    m.subject = Substitute(t.subject, values);
    m.text = Substitute(t.body, values);
  } else {
    m.subject = request.subject().empty() ? request.event() : request.subject();
    m.text = request.body();
  }
  const std::string open_case = lang == "en" ? "Open the case" : "查看工单";
  if (!link.empty()) m.text += "\n" + open_case + ": " + link;
  m.markdown = "**" + m.subject + "**\n\n" + m.text;
  if (!link.empty()) m.markdown += "\n\n[" + open_case + "](" + link + ")";
  m.html = "<html><body><h3>" + EscapeHtml(m.subject) + "</h3><p>" + EscapeHtml(m.text) + "</p>";
  if (!link.empty()) m.html += "<p><a href=\"" + EscapeHtml(link) + "\">" + EscapeHtml(open_case) + "</a></p>";
  m.html += "</body></html>";
  // The generic webhook's versioned payload (docs/api.md, "Webhooks").
  WebhookEvent event;
  event.notification_id = request.id();
  event.event = request.event();
  event.occurred_ms = m.created_ms;
  event.case_id = case_id;
  event.department = request.department();
  event.recipients.assign(request.recipients().begin(), request.recipients().end());
  event.language = lang;
  event.subject = m.subject;
  event.text = m.text;
  event.link = link;
  event.params.insert(request.params().begin(), request.params().end());
  m.json_payload = BuildWebhookPayload(event);
  return m;
}

}  // namespace voc::notify
