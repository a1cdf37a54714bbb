// The organisation as the loop needs it: departments and their heads, people
// and their managers, regions and their managers, stores and their regions,
// customers and their account managers. Loaded from config/directory.yaml:
//
//   departments: [{id, name: {zh, en}, head}]
//   people:      [{id, name, email, department, manager, language, contacts, roles, active}]
//                (manager, language (zh | en, default zh), contacts, roles optional;
//                active: true | false, default true)
//   regions:     [{id, name: {zh, en}, manager}]
//   stores:      [{id, name: {zh, en}, region}]
//   customers:   [{id, name, tier, account_manager}]         (account_manager optional)
//
// Every reference is checked on load, so a typo fails at start with the file
// and line instead of silently misrouting a case later.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

namespace voc::config {
class YamlSource;
}

namespace voc::org {

// The config key naming the directory file, read by every service that
// needs people (assignment, tracking, the gateway): `org.directory`.
inline constexpr char kDirectoryConfigKey[] = "org.directory";
inline constexpr char kDefaultDirectoryPath[] = "config/directory.yaml";

struct Department {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string head;  // person id
};

struct Person {
  std::string id;
  std::string name;
  std::string email;
  std::string department;
  std::string manager;  // empty at the top of the tree
  // Where else an alert can reach them, by channel ("phone", "wecom",
  // "dingtalk", "feishu" -> their address or user id there). Optional.
  std::map<std::string, std::string> contacts;
  // The language alerts reach them in: "zh" (the default) or "en".
  std::string language = "zh";
  // What they may do beyond their own department's work (accounts and
  // permissions read these). Optional.
  std::vector<std::string> roles;
  // False for someone who left or is on long leave but whose id still
  // appears in history: they may not own new work, receive alerts, be
  // escalated to or log in. They stay in the file so old cases still
  // name them.
  bool active = true;
};

struct Region {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string manager;  // person id
};

struct Store {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string region;
};

struct CustomerRecord {
  std::string id;
  std::string name;
  std::string tier;
  std::string account_manager;  // person id; may be empty
};

// Immutable once loaded, so any number of threads may read it. Services that
// reload it swap a std::shared_ptr<const OrgDirectory>.
class OrgDirectory {
 public:
  // INVALID_ARGUMENT "<file>:<line>: <problem>" on a syntax error, a
  // missing field, a duplicate id or a reference to an unknown id.
  static absl::StatusOr<OrgDirectory> Load(const std::string& path);
  static absl::StatusOr<OrgDirectory> Parse(const std::string& yaml,
                                            const std::string& source = "directory.yaml");

  // nullptr when unknown.
  const Department* FindDepartment(const std::string& id) const;
  const Person* FindPerson(const std::string& id) const;
  // The person when known and active; nullptr otherwise. For everything
  // that hands new work or alerts to someone.
  const Person* FindActivePerson(const std::string& id) const;
  const Region* FindRegion(const std::string& id) const;
  const Store* FindStore(const std::string& id) const;
  const CustomerRecord* FindCustomer(const std::string& id) const;

  // Empty string when unknown / not set. HeadOf is the configured head,
  // active or not (callers that hand work to them check FindActivePerson).
  std::string HeadOf(const std::string& department) const;
  // The nearest active manager up the chain: an inactive manager is
  // skipped for their own manager. Empty at the top or when unknown.
  std::string ManagerOf(const std::string& person) const;
  // `person` when active, else their nearest active manager; empty when
  // unknown or nobody above is active.
  std::string ActiveOrAbove(const std::string& person) const;
  // A target named in a config (`person:<id>`): the nearest active manager
  // when the directory marks that person inactive; the id itself otherwise
  // (also when the directory does not know it: its loader checks that).
  std::string UnlessInactive(const std::string& person) const;
  std::string AccountManagerOf(const std::string& customer) const;
  std::string RegionManagerOf(const std::string& region) const;
  // The store's region's manager.
  std::string StoreRegionManagerOf(const std::string& store) const;

  // Who an SLA breach of a case owned by (department, person) escalates to:
  // the person's manager; for a department-wide owner (no person) or a
  // person unknown to the directory, the department head; when that is the
  // breaching person themself, their manager. Inactive people are skipped
  // upwards (an inactive head: the head's nearest active manager). Empty
  // when nobody is found.
  std::string EscalationTargetFor(const std::string& department, const std::string& person) const;

  // Every department, in the order of the file (the web page offers the
  // first as its default).
  std::vector<const Department*> Departments() const;

  // Every person and every customer, in id order (issue 9: the privacy
  // masker learns the names it masks from them).
  std::vector<const Person*> People() const;
  std::vector<const CustomerRecord*> Customers() const;

  std::size_t department_count() const { return departments_.size(); }
  std::size_t person_count() const { return people_.size(); }

 private:
  static OrgDirectory FromSource(const config::YamlSource& src);

  std::map<std::string, Department> departments_;
  std::vector<std::string> department_order_;  // ids as the file lists them
  std::map<std::string, Person> people_;
  std::map<std::string, Region> regions_;
  std::map<std::string, Store> stores_;
  std::map<std::string, CustomerRecord> customers_;
};

}  // namespace voc::org
