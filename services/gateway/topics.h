// Which taxonomy topic belongs to which department, read from the YAML that
// triage's GetTaxonomy returns (config/taxonomy.yaml format: topics[{id,
// name{zh,en}, department}], a child inheriting its parent's department; the
// parent of "a.b" is "a"). Triage has validated the file, so parsing here is
// lenient: it only needs ids, names and departments.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace voc::gateway {

struct TopicInfo {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string department;  // resolved: own, else the nearest ancestor's
};

class TopicCatalog {
 public:
  // Throws std::runtime_error when the text is not YAML or has no topic list.
  static TopicCatalog Parse(const std::string& yaml_text);

  const TopicInfo* Find(const std::string& id) const;
  // The department of a topic, or of its nearest known ancestor (a topic
  // stored before a taxonomy change may be unknown now); "" when none.
  std::string DepartmentOf(const std::string& id) const;
  // The smallest set of topic ids whose subtrees hold every topic of the
  // department: its topics none of whose ancestors is also its own, in
  // taxonomy order. Empty when the department owns no topic.
  std::vector<std::string> RootsOf(const std::string& department) const;
  // True when one of `topics` belongs to the department.
  bool AnyOwnedBy(const std::string& department, const std::vector<std::string>& topics) const;
  // {"<id>": {"zh", "en", "department"}} for the known ids among `ids`.
  nlohmann::json NamesJson(const std::set<std::string>& ids) const;
  std::size_t size() const { return order_.size(); }

 private:
  std::map<std::string, TopicInfo> topics_;
  std::vector<std::string> order_;  // taxonomy order
};

}  // namespace voc::gateway
