#include "services/tracking/case_access.h"

#include <algorithm>
#include <memory>
#include <set>

#include "common/auth/scopes.h"
#include "common/privacy/masker.h"

namespace voc::tracking {
namespace {

// 64-bit FNV-1a: the same value in every process and replica (std::hash
// promises neither).
std::uint64_t Fnv1a(std::string_view text, std::uint64_t hash = 14695981039346656037ULL) {
  for (unsigned char ch : text) {
    hash ^= ch;
    hash *= 1099511628211ULL;
  }
  return hash;
}

bool AnyScope(const v1::Case& c, const std::function<bool(const auth::CaseScope&)>& rule) {
  const std::vector<auth::CaseScope> scopes = ScopesOf(c);
  return std::any_of(scopes.begin(), scopes.end(), rule);
}

absl::Status MissingOr(const auth::Principal& caller, const absl::Status& missing,
                       const std::string& what) {
  // Only a caller who may read every case learns that one does not exist.
  if (absl::IsNotFound(missing) && !auth::ReadsAllCases(caller)) return auth::Denied(what);
  return missing;
}

}  // namespace

TextMasker DirectoryMasker(const org::OrgDirectory& directory) {
  auto masker = std::make_shared<const privacy::Masker>(privacy::Masker::FromDirectory(directory));
  return [masker](std::string_view text) { return masker->Mask(text); };
}

std::vector<auth::CaseScope> ScopesOf(const v1::Case& c) {
  std::vector<std::string> people;
  for (const auto& o : c.owners()) {
    if (!o.person().empty()) people.push_back(o.person());
  }
  std::set<std::string> departments;
  for (const auto& o : c.owners()) departments.insert(o.department());
  std::vector<auth::CaseScope> out;
  for (const std::string& d : departments) out.push_back({d, people});
  if (out.empty()) out.push_back({"", people});
  return out;
}

bool MayReadCase(const auth::Principal& caller, const v1::Case& c) {
  return AnyScope(c, [&](const auth::CaseScope& s) { return auth::CanReadCase(caller, s); });
}

bool MayActOnCase(const auth::Principal& caller, const v1::Case& c) {
  return AnyScope(c, [&](const auth::CaseScope& s) { return auth::CanActOnCase(caller, s); });
}

bool SeesCaseText(const auth::Principal& caller, const v1::Case& c) {
  return AnyScope(c, [&](const auth::CaseScope& s) { return auth::SeesPersonalData(caller, s); });
}

absl::Status CheckCaseRead(const auth::Principal& caller, const absl::StatusOr<v1::Case>& loaded,
                           const std::string& name, std::string_view action) {
  const std::string what = std::string(action) + " " + name;
  if (!loaded.ok()) return MissingOr(caller, loaded.status(), what);
  if (!MayReadCase(caller, *loaded)) return auth::Denied(what);
  return absl::OkStatus();
}

absl::Status CheckCaseAct(const auth::Principal& caller, const absl::StatusOr<v1::Case>& loaded,
                          const std::string& name, std::string_view action) {
  const std::string what = std::string(action) + " " + name;
  if (!loaded.ok()) return MissingOr(caller, loaded.status(), what);
  if (!MayReadCase(caller, *loaded) || !MayActOnCase(caller, *loaded)) return auth::Denied(what);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<CaseView>> ListViewOf(const auth::Principal& caller) {
  const auth::CaseVisibility v = auth::VisibleCases(caller);
  if (v.all) return std::optional<CaseView>();
  if (v.departments.empty() && v.owner_person.empty()) {
    return auth::MissingScope(auth::kCasesRead);
  }
  CaseView view;
  view.departments.assign(v.departments.begin(), v.departments.end());  // a std::set: sorted
  view.person = v.owner_person;
  return std::optional<CaseView>(std::move(view));
}

std::uint64_t ViewFingerprint(const std::optional<CaseView>& view) {
  if (!view) return 0;  // every case: the fingerprint of the filter alone
  std::uint64_t hash = Fnv1a("view");
  for (const std::string& d : view->departments) hash = Fnv1a(d + '\n', hash);
  return Fnv1a("person:" + view->person, hash);
}

void ShowCaseTo(const auth::Principal& caller, const TextMasker& masker, v1::Case& c) {
  if (!masker || SeesCaseText(caller, c)) return;
  c.set_summary(masker(c.summary()));
  c.set_resolution_note(masker(c.resolution_note()));
  for (auto& callback : *c.mutable_callbacks()) callback.set_note(masker(callback.note()));
  for (auto& entry : *c.mutable_history()) entry.set_detail(masker(entry.detail()));
  if (c.has_explanation()) MaskExplanation(masker, *c.mutable_explanation());
  // Issue 10: a mark's reason may quote the customer.
  if (c.has_red_line_mark()) c.mutable_red_line_mark()->set_reason(masker(c.red_line_mark().reason()));
}

void MaskExplanation(const TextMasker& masker, v1::CaseExplanation& e) {
  // Word by word, so a word the masker leaves alone still matches the same
  // word in the masked summary (the case page highlights it there).
  for (std::string& word : *e.mutable_evidence()) word = masker(word);
  for (v1::TopicMatch& topic : *e.mutable_topics()) {
    for (std::string& word : *topic.mutable_evidence()) word = masker(word);
  }
  for (v1::RedLineHit& hit : *e.mutable_red_lines()) hit.set_matched(masker(hit.matched()));
  e.set_priority_reason(masker(e.priority_reason()));
  if (e.has_routing()) e.mutable_routing()->set_reason(masker(e.routing().reason()));
}

std::vector<std::string> ProjectDepartments(const v1::Project& p) {
  std::set<std::string> departments;
  for (const auto& item : p.action_items()) departments.insert(item.owner().department());
  return {departments.begin(), departments.end()};
}

absl::Status CheckProjectRead(const auth::Principal& caller,
                              const absl::StatusOr<v1::Project>& loaded, const std::string& name) {
  const std::string what = "read " + name;
  if (!loaded.ok()) return MissingOr(caller, loaded.status(), what);
  if (!auth::CanReadProject(caller, ProjectDepartments(*loaded))) return auth::Denied(what);
  return absl::OkStatus();
}

absl::Status CheckManageProjects(const auth::Principal& caller, std::string_view what) {
  if (auth::CanManageProjects(caller)) return absl::OkStatus();
  return caller.is_person() ? auth::Denied(what) : auth::MissingScope(auth::kCasesWrite);
}

bool MayCompleteActionItem(const auth::Principal& caller, const v1::ActionItem& item) {
  if (auth::CanManageProjects(caller)) return true;
  std::vector<std::string> people;
  if (!item.owner().person().empty()) people.push_back(item.owner().person());
  return caller.is_person() && auth::CanActOnCase(caller, {item.owner().department(), people});
}

absl::StatusOr<std::optional<std::vector<std::string>>> ProjectViewOf(
    const auth::Principal& caller) {
  if (auth::ReadsAllCases(caller)) return std::optional<std::vector<std::string>>();
  if (!caller.is_person()) return auth::MissingScope(auth::kCasesRead);
  std::set<std::string> departments = caller.departments;
  departments.insert(caller.head_of.begin(), caller.head_of.end());
  return std::optional<std::vector<std::string>>(
      std::vector<std::string>(departments.begin(), departments.end()));
}

}  // namespace voc::tracking
