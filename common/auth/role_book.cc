#include "common/auth/role_book.h"

#include "common/config/yaml_file.h"

namespace voc::auth {
namespace {

std::map<std::string, std::set<Role>> ParseRolesFile(const org::OrgDirectory& directory,
                                                     const config::YamlSource& src) {
  std::map<std::string, std::set<Role>> roles;
  const YAML::Node& root = src.root();
  if (!root || root.IsNull()) return roles;
  config::RequireMapWithKeys(src.source(), root, "the roles file", {"people"});
  const YAML::Node people = root["people"];
  if (!people || people.IsNull()) return roles;
  if (!people.IsMap()) src.Fail(people, "people: must map person ids to lists of roles");
  for (const auto& entry : people) {
    const std::string person = entry.first.as<std::string>();
    if (!directory.FindPerson(person)) {
      src.Fail(entry.first, "people: '" + person + "' is not a person of the org directory");
    }
    for (const std::string& name :
         config::StringList(src.source(), entry.second, "people." + person)) {
      Role role;
      if (!ParseRole(name, &role)) {
        src.Fail(entry.second, "people." + person + ": unknown role '" + name +
                                   "' (member, department_head, analyst, executive, admin)");
      }
      roles[person].insert(role);
    }
  }
  return roles;
}

}  // namespace

absl::StatusOr<RoleBook> RoleBook::Parse(std::shared_ptr<const org::OrgDirectory> directory,
                                         const std::string& yaml, const std::string& source) {
  RoleBook book;
  book.directory_ = std::move(directory);
  try {
    const auto src = config::YamlSource::FromString(yaml, source);
    book.extra_roles_ = ParseRolesFile(*book.directory_, src);
  } catch (const ConfigError& e) {
    return absl::InvalidArgumentError(e.what());
  }
  return book;
}

absl::StatusOr<RoleBook> RoleBook::Load(std::shared_ptr<const org::OrgDirectory> directory,
                                        const std::string& roles_path) {
  if (roles_path.empty()) return Parse(std::move(directory), "", "");
  std::string text;
  try {
    text = config::ReadFile(roles_path);
  } catch (const ConfigError& e) {
    return absl::InvalidArgumentError(e.what());
  }
  return Parse(std::move(directory), text, roles_path);
}

absl::StatusOr<Principal> RoleBook::PersonPrincipal(const std::string& person_id) const {
  const org::Person* person = directory_->FindPerson(person_id);
  if (!person) return absl::NotFoundError("person '" + person_id + "' is not in the org directory");
  Principal p;
  p.kind = PrincipalKind::kPerson;
  p.id = "person:" + person_id;
  p.name = person->name;
  p.person_id = person_id;
  p.roles.insert(Role::kMember);
  p.departments.insert(person->department);
  for (const org::Department* department : directory_->Departments()) {
    if (department->head == person_id) {
      p.head_of.insert(department->id);
      p.departments.insert(department->id);
      p.roles.insert(Role::kDepartmentHead);
    }
  }
  for (const std::string& name : person->roles) {
    Role role;
    if (ParseRole(name, &role)) p.roles.insert(role);
  }
  if (auto it = extra_roles_.find(person_id); it != extra_roles_.end()) {
    p.roles.insert(it->second.begin(), it->second.end());
  }
  return p;
}

}  // namespace voc::auth
