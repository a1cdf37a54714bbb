#include "common/org/org_directory.h"

#include "common/config/yaml_file.h"

#include <functional>

namespace voc::org {
namespace {

using config::YamlSource;

// Names are either a plain string or a {zh, en} map.
void ReadName(const YamlSource& src, const YAML::Node& item, const std::string& path,
              std::string* zh, std::string* en) {
  const YAML::Node name = item["name"];
  if (!name || name.IsNull()) return;
  if (name.IsScalar()) {
    *zh = name.Scalar();
    *en = name.Scalar();
    return;
  }
  if (!name.IsMap()) src.Fail(name, path + ".name must be a string or {zh, en}");
  *zh = src.OptionalString(name, "zh", path + ".name");
  *en = src.OptionalString(name, "en", path + ".name", *zh);
  if (zh->empty()) *zh = *en;
}

// Parses one top-level list into `out`, rejecting duplicate ids. Remembers
// each item's node so reference errors can quote its line.
template <typename T>
void ReadList(const YamlSource& src, const std::string& key, bool required,
              std::map<std::string, T>* out, std::map<std::string, YAML::Node>* nodes,
              const std::function<T(const YAML::Node&, const std::string&)>& parse) {
  const YAML::Node list = src.Sequence(src.root(), key, "", required);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = key + "[" + std::to_string(i) + "]";
    if (!item.IsMap()) src.Fail(item, path + " must be a map");
    T value = parse(item, path);
    if (out->count(value.id)) src.Fail(item, path + ".id '" + value.id + "' is defined twice");
    (*nodes)[value.id] = item;
    out->emplace(value.id, std::move(value));
  }
}

template <typename Map>
const typename Map::mapped_type* FindIn(const Map& map, const std::string& id) {
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

absl::StatusOr<OrgDirectory> OrgDirectory::Load(const std::string& path) {
  return config::LoadYaml([&] { return FromSource(YamlSource::FromFile(path)); });
}

absl::StatusOr<OrgDirectory> OrgDirectory::Parse(const std::string& yaml, const std::string& source) {
  return config::LoadYaml([&] { return FromSource(YamlSource::FromString(yaml, source)); });
}

std::vector<const Department*> OrgDirectory::Departments() const {
  std::vector<const Department*> out;
  out.reserve(departments_.size());
  for (const auto& id : department_order_) out.push_back(&departments_.at(id));
  return out;
}

std::vector<const Person*> OrgDirectory::People() const {
  std::vector<const Person*> out;
  out.reserve(people_.size());
  for (const auto& [id, person] : people_) out.push_back(&person);
  return out;
}

std::vector<const CustomerRecord*> OrgDirectory::Customers() const {
  std::vector<const CustomerRecord*> out;
  out.reserve(customers_.size());
  for (const auto& [id, customer] : customers_) out.push_back(&customer);
  return out;
}

OrgDirectory OrgDirectory::FromSource(const YamlSource& src) {
  if (!src.root().IsMap()) src.Fail(src.root(), "the directory must be a YAML map");
  OrgDirectory dir;
  std::map<std::string, YAML::Node> dept_nodes, person_nodes, region_nodes, store_nodes,
      customer_nodes;

  ReadList<Department>(src, "departments", true, &dir.departments_, &dept_nodes,
                       [&](const YAML::Node& n, const std::string& path) {
                         Department d;
                         d.id = src.RequiredString(n, "id", path);
                         ReadName(src, n, path, &d.name_zh, &d.name_en);
                         d.head = src.RequiredString(n, "head", path);
                         return d;
                       });
  ReadList<Person>(src, "people", true, &dir.people_, &person_nodes,
                   [&](const YAML::Node& n, const std::string& path) {
                     Person p;
                     p.id = src.RequiredString(n, "id", path);
                     std::string en;
                     ReadName(src, n, path, &p.name, &en);
                     p.email = src.OptionalString(n, "email", path);
                     p.department = src.RequiredString(n, "department", path);
                     p.manager = src.OptionalString(n, "manager", path);
                     p.language = src.OptionalString(n, "language", path, "zh");
                     if (p.language != "zh" && p.language != "en") {
                       src.Fail(n["language"], path + ".language must be zh or en, got '" + p.language + "'");
                     }
                     if (const YAML::Node contacts = n["contacts"]; contacts && !contacts.IsNull()) {
                       if (!contacts.IsMap()) src.Fail(contacts, path + ".contacts must be a map");
                       for (const auto& entry : contacts) {
                         const std::string channel = entry.first.Scalar();
                         p.contacts[channel] = src.RequiredString(contacts, channel, path + ".contacts");
                       }
                     }
                     if (const YAML::Node active = n["active"]; active && !active.IsNull()) {
                       const std::string text = active.IsScalar() ? active.Scalar() : "";
                       if (text == "true") {
                         p.active = true;
                       } else if (text == "false") {
                         p.active = false;
                       } else {
                         src.Fail(active, path + ".active must be true or false, got '" + text + "'");
                       }
                     }
                     for (const auto& role : src.Sequence(n, "roles", path, false)) {
                       if (!role.IsScalar() || role.Scalar().empty()) {
                         src.Fail(role, path + ".roles items must be non-empty strings");
                       }
                       p.roles.push_back(role.Scalar());
                     }
                     return p;
                   });
  ReadList<Region>(src, "regions", false, &dir.regions_, &region_nodes,
                   [&](const YAML::Node& n, const std::string& path) {
                     Region r;
                     r.id = src.RequiredString(n, "id", path);
                     ReadName(src, n, path, &r.name_zh, &r.name_en);
                     r.manager = src.RequiredString(n, "manager", path);
                     return r;
                   });
  ReadList<Store>(src, "stores", false, &dir.stores_, &store_nodes,
                  [&](const YAML::Node& n, const std::string& path) {
                    Store s;
                    s.id = src.RequiredString(n, "id", path);
                    ReadName(src, n, path, &s.name_zh, &s.name_en);
                    s.region = src.RequiredString(n, "region", path);
                    return s;
                  });
  ReadList<CustomerRecord>(src, "customers", false, &dir.customers_, &customer_nodes,
                           [&](const YAML::Node& n, const std::string& path) {
                             CustomerRecord c;
                             c.id = src.RequiredString(n, "id", path);
                             std::string en;
                             ReadName(src, n, path, &c.name, &en);
                             c.tier = src.OptionalString(n, "tier", path);
                             c.account_manager = src.OptionalString(n, "account_manager", path);
                             return c;
                           });

  for (const auto& item : src.Sequence(src.root(), "departments", "", true)) {
    dir.department_order_.push_back(item["id"].Scalar());
  }

  // Every reference must resolve.
  auto require_person = [&](const YAML::Node& node, const std::string& what,
                            const std::string& id) {
    if (!dir.people_.count(id)) src.Fail(node, what + " '" + id + "' is not a person in people");
  };
  for (const auto& [id, d] : dir.departments_) {
    require_person(dept_nodes[id]["head"], "department " + id + " head", d.head);
  }
  for (const auto& [id, p] : dir.people_) {
    const YAML::Node node = person_nodes[id];
    if (!dir.departments_.count(p.department)) {
      src.Fail(node["department"], "person " + id + " department '" + p.department +
                                       "' is not a department in departments");
    }
    if (!p.manager.empty()) require_person(node["manager"], "person " + id + " manager", p.manager);
    if (p.manager == id) src.Fail(node["manager"], "person " + id + " is their own manager");
  }
  for (const auto& [id, r] : dir.regions_) {
    require_person(region_nodes[id]["manager"], "region " + id + " manager", r.manager);
  }
  for (const auto& [id, s] : dir.stores_) {
    if (!dir.regions_.count(s.region)) {
      src.Fail(store_nodes[id]["region"],
               "store " + id + " region '" + s.region + "' is not a region in regions");
    }
  }
  for (const auto& [id, c] : dir.customers_) {
    if (!c.account_manager.empty()) {
      require_person(customer_nodes[id]["account_manager"], "customer " + id + " account_manager",
                     c.account_manager);
    }
  }
  return dir;
}

const Department* OrgDirectory::FindDepartment(const std::string& id) const {
  return FindIn(departments_, id);
}
const Person* OrgDirectory::FindPerson(const std::string& id) const { return FindIn(people_, id); }
const Person* OrgDirectory::FindActivePerson(const std::string& id) const {
  const Person* p = FindPerson(id);
  return p != nullptr && p->active ? p : nullptr;
}
const Region* OrgDirectory::FindRegion(const std::string& id) const { return FindIn(regions_, id); }
const Store* OrgDirectory::FindStore(const std::string& id) const { return FindIn(stores_, id); }
const CustomerRecord* OrgDirectory::FindCustomer(const std::string& id) const {
  return FindIn(customers_, id);
}

std::string OrgDirectory::HeadOf(const std::string& department) const {
  const Department* d = FindDepartment(department);
  return d ? d->head : "";
}

std::string OrgDirectory::ManagerOf(const std::string& person) const {
  const Person* p = FindPerson(person);
  // Bounded by the number of people, so a cycle in the file (a -> b -> a)
  // cannot loop forever.
  for (std::size_t steps = 0; p != nullptr && steps < people_.size(); ++steps) {
    const Person* manager = FindPerson(p->manager);
    if (manager == nullptr || manager->active) return manager ? manager->id : "";
    p = manager;
  }
  return "";
}

std::string OrgDirectory::UnlessInactive(const std::string& person) const {
  const Person* p = FindPerson(person);
  return p != nullptr && !p->active ? ManagerOf(person) : person;
}

std::string OrgDirectory::ActiveOrAbove(const std::string& person) const {
  const Person* p = FindPerson(person);
  if (p == nullptr) return "";
  return p->active ? p->id : ManagerOf(p->id);
}

std::string OrgDirectory::AccountManagerOf(const std::string& customer) const {
  const CustomerRecord* c = FindCustomer(customer);
  return c ? c->account_manager : "";
}

std::string OrgDirectory::RegionManagerOf(const std::string& region) const {
  const Region* r = FindRegion(region);
  return r ? r->manager : "";
}

std::string OrgDirectory::StoreRegionManagerOf(const std::string& store) const {
  const Store* s = FindStore(store);
  return s ? RegionManagerOf(s->region) : "";
}

std::string OrgDirectory::EscalationTargetFor(const std::string& department,
                                              const std::string& person) const {
  if (!person.empty() && FindPerson(person)) {
    std::string manager = ManagerOf(person);
    if (!manager.empty()) return manager;
  }
  std::string head = HeadOf(department);
  if (head.empty()) {
    if (const Person* p = FindPerson(person)) head = HeadOf(p->department);
  }
  head = ActiveOrAbove(head);
  if (!head.empty() && head != person) return head;
  return "";
}

}  // namespace voc::org
