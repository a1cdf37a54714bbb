// LoadSlaPolicies: the policy file, its calendars and their holiday files
// (the format is documented in config/sla_policies.yaml and
// docs/operations.md, "SLA policies and calendars").
#include "common/sla/sla_policy.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/config/yaml_file.h"
#include "common/sla/business_calendar.h"
#include "common/sla/duration_text.h"
#include "common/sla/holiday_file.h"
#include "common/sla/policy_set.h"

namespace voc::sla {
namespace {

using config::YamlSource;

const std::set<std::string>& KnownKinds() {
  static const std::set<std::string> kinds{"detractor_callback", "red_line", "complaint", "task", "action_item"};
  return kinds;
}
const std::set<std::string>& KnownPriorities() {
  static const std::set<std::string> p{"p1", "p2", "p3", "p4"};
  return p;
}
const std::set<std::string>& KnownChannels() {
  static const std::set<std::string> c{"nps_survey", "social", "call_center", "review", "app_review", "email", "chat"};
  return c;
}
const std::set<std::string>& KnownTargets() {
  static const std::set<std::string> t{"manager", "manager_of_manager", "department_head"};
  return t;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string JoinSet(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

DurationMs DurationAt(const YamlSource& file, const YAML::Node& map, const std::string& key, const std::string& path) {
  const std::string text = file.RequiredString(map, key, path);
  const std::optional<DurationMs> ms = ParseBusinessDuration(text);
  if (!ms)
    file.Fail(map[key], path + "." + key + " '" + text +
                            "' is not a duration (hours, minutes, seconds: 24h, 90m, 1h30m; no days)");
  return *ms;
}

// "09:00-12:00" -> minutes since midnight; 24:00 allowed as an end.
std::optional<LocalHours> ParseHours(const std::string& text) {
  auto clock = [](std::string_view t) -> int {
    if (t.size() != 5 || t[2] != ':' || !std::isdigit(t[0]) || !std::isdigit(t[1]) || !std::isdigit(t[3]) ||
        !std::isdigit(t[4]))
      return -1;
    const int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
    return h * 60 + m;
  };
  const auto dash = text.find('-');
  if (dash == std::string::npos) return std::nullopt;
  const int begin = clock(std::string_view(text).substr(0, dash));
  const int end = clock(std::string_view(text).substr(dash + 1));
  if (begin < 0 || end < 0 || begin == 1440) return std::nullopt;
  return LocalHours{begin, end};
}

WorkingHoursSpec ReadWorkingHours(const YamlSource& file, const YAML::Node& entry, const std::string& id,
                                  const std::string& path) {
  WorkingHoursSpec spec;
  spec.id = id;
  spec.time_zone = file.OptionalString(entry, "time_zone", path, "Asia/Shanghai");

  static const char* const kDays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (entry["weekdays"].IsDefined()) {
    spec.weekdays.fill(false);
    const auto days = config::StringList(file.source(), entry["weekdays"], path + ".weekdays");
    for (std::size_t i = 0; i < days.size(); ++i) {
      const auto* at = std::find(std::begin(kDays), std::end(kDays), Lower(days[i]));
      const YAML::Node node = entry["weekdays"].IsSequence() ? entry["weekdays"][i] : entry["weekdays"];
      if (at == std::end(kDays)) file.Fail(node, path + ".weekdays: '" + days[i] + "' is not mon..sun");
      if (spec.weekdays[at - kDays]) file.Fail(node, path + ".weekdays: '" + days[i] + "' is listed twice");
      spec.weekdays[at - kDays] = true;
    }
  }
  if (!entry["hours"].IsDefined()) file.Fail(entry, path + " needs hours (e.g. [\"09:00-12:00\", \"13:00-18:00\"])");
  const auto hours = config::StringList(file.source(), entry["hours"], path + ".hours");
  for (std::size_t i = 0; i < hours.size(); ++i) {
    const YAML::Node node = entry["hours"].IsSequence() ? entry["hours"][i] : entry["hours"];
    const auto h = ParseHours(hours[i]);
    if (!h || h->begin_minute >= h->end_minute)
      file.Fail(node, path + ".hours: '" + hours[i] + "' is not HH:MM-HH:MM with the start before the end");
    if (!spec.hours.empty() && spec.hours.back().end_minute > h->begin_minute)
      file.Fail(node, path + ".hours: '" + hours[i] + "' overlaps or comes before the previous hours");
    spec.hours.push_back(*h);
  }

  bool working[7];
  for (int d = 0; d < 7; ++d) working[d] = spec.weekdays[d];
  if (entry["holidays"].IsDefined()) {
    const auto files = config::StringList(file.source(), entry["holidays"], path + ".holidays");
    const std::filesystem::path base = std::filesystem::path(file.source()).parent_path();
    for (std::size_t i = 0; i < files.size(); ++i) {
      const YAML::Node node = entry["holidays"].IsSequence() ? entry["holidays"][i] : entry["holidays"];
      const std::string holiday_path = (base / files[i]).lexically_normal().string();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(holiday_path, ec))
        file.Fail(node, path + ".holidays: " + holiday_path + " cannot be read");
      HolidayYear year = ReadHolidayFile(YamlSource::FromFile(holiday_path), working);
      for (const HolidayYear& other : spec.years) {
        if (other.year == year.year)
          file.Fail(node, path + ".holidays: " + holiday_path + " is a second file for " + std::to_string(year.year) +
                              " (first: " + other.source + ")");
      }
      spec.years.push_back(std::move(year));
    }
  }
  return spec;
}

ClockTarget ReadClockTarget(const YamlSource& file, const YAML::Node& node, const std::string& path) {
  config::RequireMapWithKeys(file.source(), node, path, {"target", "warnings", "escalation"});
  ClockTarget out;
  out.target = DurationAt(file, node, "target", path);
  if (out.target <= 0) file.Fail(node["target"], path + ".target must be more than 0");

  const YAML::Node warnings = file.Sequence(node, "warnings", path, /*required=*/false);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < warnings.size(); ++i) {
    const YAML::Node w = warnings[i];
    const std::string at = path + ".warnings[" + std::to_string(i) + "]";
    config::RequireMapWithKeys(file.source(), w, at, {"id", "at", "before"});
    WarningPoint point;
    if (w["at"].IsDefined() == w["before"].IsDefined())
      file.Fail(w, at + " needs exactly one of at (a percentage of the target: 75%) or before (2h)");
    if (w["at"].IsDefined()) {
      std::string text = file.RequiredString(w, "at", at);
      double percent = 0;
      try {
        std::size_t used = 0;
        percent = std::stod(text, &used);
        if (used + 1 != text.size() || text.back() != '%') throw std::invalid_argument("pct");
      } catch (const std::exception&) {
        file.Fail(w["at"], at + ".at '" + text + "' must be a percentage such as 75%");
      }
      if (!(percent > 0 && percent < 100)) file.Fail(w["at"], at + ".at must be between 0% and 100%, exclusive");
      point.fraction = percent / 100.0;
      point.id = text.substr(0, text.size() - 1) + "pct";
    } else {
      point.before = DurationAt(file, w, "before", at);
      if (point.before <= 0 || point.before >= out.target)
        file.Fail(w["before"], at + ".before must be more than 0 and less than the target (" +
                                   FormatBusinessDuration(out.target) + ")");
      point.id = FormatBusinessDuration(point.before) + "-before";
    }
    point.id = file.OptionalString(w, "id", at, point.id);
    if (!ids.insert(point.id).second) file.Fail(w, at + ": warning id '" + point.id + "' is used twice");
    out.warnings.push_back(point);
  }

  const YAML::Node levels = file.Sequence(node, "escalation", path, /*required=*/false);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const YAML::Node l = levels[i];
    const std::string at = path + ".escalation[" + std::to_string(i) + "]";
    config::RequireMapWithKeys(file.source(), l, at, {"level", "after_breach", "target"});
    EscalationLevel level;
    const std::string number = file.RequiredString(l, "level", at);
    if (number != std::to_string(i + 1))
      file.Fail(l["level"], at + ".level is " + number + "; levels are numbered 1, 2, 3 in order");
    level.level = static_cast<int>(i + 1);
    level.after_breach = l["after_breach"].IsDefined() ? DurationAt(file, l, "after_breach", at) : 0;
    if (!out.escalation.empty() && level.after_breach < out.escalation.back().after_breach)
      file.Fail(l["after_breach"], at + ".after_breach is earlier than the previous level's");
    level.target = file.RequiredString(l, "target", at);
    const bool person = level.target.rfind("person:", 0) == 0;
    if (person ? level.target.size() == 7 : !KnownTargets().count(level.target))
      file.Fail(l["target"], at + ".target '" + level.target + "' must be one of " + JoinSet(KnownTargets()) +
                                 " or person:<id>");
    out.escalation.push_back(level);
  }
  return out;
}

// Reads one optional match field, lower-cased and checked against `known`
// (empty `known`: any non-empty value, e.g. a department id).
std::string MatchField(const YamlSource& file, const YAML::Node& entry, const std::string& key, const std::string& path,
                       const std::set<std::string>& known) {
  if (!entry[key].IsDefined()) return "";
  std::string value = file.RequiredString(entry, key, path);
  if (known.empty()) return value;
  value = Lower(value);
  if (!known.count(value)) file.Fail(entry[key], path + "." + key + " '" + value + "' must be one of " + JoinSet(known));
  return value;
}

std::shared_ptr<const SlaPolicies> ReadPolicyFile(const YamlSource& file) {
  const YAML::Node& root = file.root();
  config::RequireMapWithKeys(file.source(), root, "the SLA policy file", {"version", "calendars", "policies"});
  const std::string version = file.OptionalString(root, "version", "version", "1");
  if (version != "1") file.Fail(root["version"], "version " + version + " is not supported (1)");

  auto set = std::make_shared<PolicySet>();
  const YAML::Node calendars = file.Sequence(root, "calendars", "calendars", /*required=*/true);
  for (std::size_t i = 0; i < calendars.size(); ++i) {
    const YAML::Node entry = calendars[i];
    const std::string path = "calendars[" + std::to_string(i) + "]";
    config::RequireMapWithKeys(file.source(), entry, path,
                               {"id", "type", "description", "time_zone", "weekdays", "hours", "holidays"});
    const std::string id = file.RequiredString(entry, "id", path);
    if (set->FindCalendar(id) != nullptr) file.Fail(entry["id"], path + ": calendar id '" + id + "' is used twice");
    const std::string type = file.RequiredString(entry, "type", path);
    if (type == "always_on") {
      for (const char* key : {"time_zone", "weekdays", "hours", "holidays"})
        if (entry[key].IsDefined()) file.Fail(entry[key], path + ": an always_on calendar has no " + key);
      set->AddCalendar(MakeAlwaysOnCalendar(id));
    } else if (type == "working_hours") {
      auto calendar = MakeWorkingHoursCalendar(ReadWorkingHours(file, entry, id, path));
      if (!calendar.ok()) {
        const YAML::Node at = entry["time_zone"].IsDefined() ? entry["time_zone"] : entry;
        file.Fail(at, path + ": " + std::string(calendar.status().message()));
      }
      set->AddCalendar(std::move(*calendar));
    } else {
      file.Fail(entry["type"], path + ".type '" + type + "' must be always_on or working_hours");
    }
  }

  const YAML::Node policies = file.Sequence(root, "policies", "policies", /*required=*/true);
  if (policies.size() == 0) file.Fail(root["policies"], "policies is empty");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const YAML::Node entry = policies[i];
    const std::string path = "policies[" + std::to_string(i) + "]";
    config::RequireMapWithKeys(file.source(), entry, path,
                               {"id", "description", "kind", "priority", "department", "channel", "calendar",
                                "first_response", "resolution"});
    SlaPolicy policy;
    policy.id = file.RequiredString(entry, "id", path);
    if (!ids.insert(policy.id).second) file.Fail(entry["id"], path + ": policy id '" + policy.id + "' is used twice");
    PolicyKey match;
    if (!entry["kind"].IsDefined()) file.Fail(entry, path + " needs a kind (" + JoinSet(KnownKinds()) + ")");
    match.kind = MatchField(file, entry, "kind", path, KnownKinds());
    match.priority = MatchField(file, entry, "priority", path, KnownPriorities());
    match.department = MatchField(file, entry, "department", path, {});
    match.channel = MatchField(file, entry, "channel", path, KnownChannels());
    policy.calendar = file.RequiredString(entry, "calendar", path);
    if (set->FindCalendar(policy.calendar) == nullptr)
      file.Fail(entry["calendar"], path + ".calendar '" + policy.calendar + "' is not in calendars");
    // Tasks and action items have only a due time; cases need both clocks.
    const bool due_only = match.kind == "task" || match.kind == "action_item";
    if (entry["first_response"].IsDefined()) {
      policy.first_response = ReadClockTarget(file, entry["first_response"], path + ".first_response");
    } else if (!due_only) {
      file.Fail(entry, path + " needs first_response (only task and action_item policies may leave it out)");
    }
    if (!entry["resolution"].IsDefined()) file.Fail(entry, path + " needs resolution");
    policy.resolution = ReadClockTarget(file, entry["resolution"], path + ".resolution");
    if (policy.first_response.target > policy.resolution.target)
      file.Fail(entry["first_response"], path + ".first_response.target is longer than resolution.target");
    const int line = entry.Mark().line + 1;
    if (const PolicySet::Entry* same = set->SameMatch(match))
      file.Fail(entry, path + ": '" + policy.id + "' matches exactly what '" + same->policy.id + "' (line " +
                           std::to_string(same->line) + ") matches");
    set->AddPolicy(std::move(policy), std::move(match), line);
  }
  return set;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const SlaPolicies>> LoadSlaPolicies(const std::string& path) {
  return config::LoadYaml([&] { return ReadPolicyFile(YamlSource::FromFile(path)); });
}

}  // namespace voc::sla
