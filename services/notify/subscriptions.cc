#include "services/notify/subscriptions.h"

#include <algorithm>

#include "common/config/yaml_file.h"

namespace voc::notify {
namespace {

using config::YamlSource;

std::vector<std::string> Channels(const YamlSource& src, const YAML::Node& node, const std::string& path) {
  std::vector<std::string> out;
  const YAML::Node list = node["channels"];
  if (!list || list.IsNull()) return out;
  out = config::StringList(src.source(), list, path + ".channels");
  for (const std::string& c : out) {
    if (!KnownChannels().count(c)) {
      src.Fail(list, path + ".channels: unknown channel '" + c +
                         "' (email, wecom, dingtalk, feishu, webhook, file, log)");
    }
  }
  return out;
}

int NonNegativeInt(const YamlSource& src, const YAML::Node& node, const std::string& key, const std::string& path) {
  const YAML::Node value = node[key];
  if (!value || value.IsNull()) return 0;
  int parsed = 0;
  if (!value.IsScalar() || !YAML::convert<int>::decode(value, parsed) || parsed < 0) {
    src.Fail(value, path + "." + key + " must be a non-negative whole number");
  }
  return parsed;
}

void AddOnce(std::vector<Recipient>* out, const std::string& person, std::vector<std::string> channels) {
  if (person.empty()) return;
  for (const Recipient& r : *out) {
    if (r.person == person) return;
  }
  out->push_back({person, std::move(channels)});
}

int IntParam(const v1::NotificationRequest& r, const std::string& key) {
  auto it = r.params().find(key);
  if (it == r.params().end()) return 0;
  try {
    return std::stoi(it->second);
  } catch (...) {
    return 0;
  }
}

}  // namespace

const std::set<std::string>& KnownEvents() {
  static const std::set<std::string> kEvents = {
      "red_line",    "new_p1",       "sla_warning",          "sla_breach", "escalation",
      "weak_signal", "cluster_threshold", "overdue_digest", "resurvey",   "task_warning",
      "task_breach", "action_item_warning", "action_item_breach",
      "weekly_digest"};  // issue 12, from voc-verification
  return kEvents;
}

const std::set<std::string>& KnownChannels() {
  static const std::set<std::string> kChannels = {"email", "wecom", "dingtalk", "feishu", "webhook", "file", "log"};
  return kChannels;
}

absl::StatusOr<Subscriptions> Subscriptions::Load(const std::string& path, const org::OrgDirectory& directory) {
  std::string text;
  try {
    text = config::ReadFile(path);
  } catch (const ConfigError& e) {
    return absl::InvalidArgumentError(e.what());
  }
  return Parse(text, path, directory);
}

absl::StatusOr<Subscriptions> Subscriptions::Parse(const std::string& yaml, const std::string& source,
                                                   const org::OrgDirectory& directory) {
  return config::LoadYaml([&] {
    const YamlSource src = YamlSource::FromString(yaml, source);
    const YAML::Node& root = src.root();
    if (!root.IsMap()) src.Fail(root, "the subscriptions file must be a YAML map");
    config::RequireMapWithKeys(source, root, "the subscriptions file", {"defaults", "departments", "people", "rules"});
    Subscriptions subs;
    if (const YAML::Node d = root["defaults"]; d && !d.IsNull()) {
      config::RequireMapWithKeys(source, d, "defaults", {"channels"});
      auto channels = Channels(src, d, "defaults");
      if (!channels.empty()) subs.default_channels_ = channels;
    }
    const YAML::Node departments = src.Sequence(root, "departments", "", false);
    for (std::size_t i = 0; i < departments.size(); ++i) {
      const YAML::Node item = departments[i];
      const std::string path = "departments[" + std::to_string(i) + "]";
      config::RequireMapWithKeys(source, item, path, {"id", "channels"});
      const std::string id = src.RequiredString(item, "id", path);
      if (!directory.FindDepartment(id)) src.Fail(item["id"], path + ".id: unknown department '" + id + "'");
      subs.department_channels_[id] = Channels(src, item, path);
    }
    const YAML::Node people = src.Sequence(root, "people", "", false);
    for (std::size_t i = 0; i < people.size(); ++i) {
      const YAML::Node item = people[i];
      const std::string path = "people[" + std::to_string(i) + "]";
      config::RequireMapWithKeys(source, item, path, {"id", "channels"});
      const std::string id = src.RequiredString(item, "id", path);
      if (!directory.FindPerson(id)) src.Fail(item["id"], path + ".id: unknown person '" + id + "'");
      subs.person_channels_[id] = Channels(src, item, path);
    }
    const YAML::Node rules = src.Sequence(root, "rules", "", false);
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const YAML::Node item = rules[i];
      const std::string path = "rules[" + std::to_string(i) + "]";
      config::RequireMapWithKeys(source, item, path,
                                 {"event", "level", "min_size", "departments", "people", "heads_of", "channels"});
      SubscriptionRule rule;
      rule.line = item.Mark().line + 1;
      rule.event = src.RequiredString(item, "event", path);
      if (!KnownEvents().count(rule.event)) {
        src.Fail(item["event"], path + ".event: unknown event '" + rule.event + "'");
      }
      rule.level = NonNegativeInt(src, item, "level", path);
      rule.min_size = NonNegativeInt(src, item, "min_size", path);
      if (rule.level > 0 && rule.event != "escalation") src.Fail(item["level"], path + ".level is for escalation only");
      if (rule.min_size > 0 && rule.event != "cluster_threshold") {
        src.Fail(item["min_size"], path + ".min_size is for cluster_threshold only");
      }
      if (const YAML::Node d = item["departments"]; d && !d.IsNull()) {
        for (const std::string& id : config::StringList(source, d, path + ".departments")) {
          if (!directory.FindDepartment(id)) src.Fail(d, path + ".departments: unknown department '" + id + "'");
          rule.departments.insert(id);
        }
      }
      if (const YAML::Node p = item["people"]; p && !p.IsNull()) {
        for (const std::string& id : config::StringList(source, p, path + ".people")) {
          if (!directory.FindPerson(id)) src.Fail(p, path + ".people: unknown person '" + id + "'");
          rule.people.push_back(id);
        }
      }
      if (const YAML::Node h = item["heads_of"]; h && !h.IsNull()) {
        for (const std::string& id : config::StringList(source, h, path + ".heads_of")) {
          if (id != "$department" && !directory.FindDepartment(id)) {
            src.Fail(h, path + ".heads_of: unknown department '" + id + "'");
          }
          rule.heads_of.push_back(id);
        }
      }
      if (rule.people.empty() && rule.heads_of.empty()) {
        src.Fail(item, path + " names nobody: give people or heads_of");
      }
      rule.channels = Channels(src, item, path);
      subs.rules_.push_back(std::move(rule));
    }
    return subs;
  });
}

std::vector<std::string> Subscriptions::ChannelsOf(const std::string& person,
                                                   const org::OrgDirectory& directory) const {
  if (auto it = person_channels_.find(person); it != person_channels_.end() && !it->second.empty()) {
    return it->second;
  }
  if (const org::Person* p = directory.FindPerson(person)) {
    if (auto it = department_channels_.find(p->department); it != department_channels_.end() && !it->second.empty()) {
      return it->second;
    }
  }
  return default_channels_;
}

std::vector<Recipient> Subscriptions::RecipientsOf(const v1::NotificationRequest& request,
                                                   const org::OrgDirectory& directory) const {
  std::vector<Recipient> out;
  for (const std::string& person : request.recipients()) AddOnce(&out, person, ChannelsOf(person, directory));
  for (const SubscriptionRule& rule : rules_) {
    if (rule.event != request.event()) continue;
    if (rule.level > 0 && IntParam(request, "level") != rule.level) continue;
    if (rule.min_size > 0 && IntParam(request, "cluster_size") < rule.min_size) continue;
    if (!rule.departments.empty() && !rule.departments.count(request.department())) continue;
    std::vector<std::string> people = rule.people;
    for (const std::string& dept : rule.heads_of) {
      people.push_back(directory.HeadOf(dept == "$department" ? request.department() : dept));
    }
    for (const std::string& person : people) {
      AddOnce(&out, person, rule.channels.empty() ? ChannelsOf(person, directory) : rule.channels);
    }
  }
  return out;
}

}  // namespace voc::notify
