#include "common/rules/rule_history.h"

#include <charconv>
#include <climits>

#include "common/log/log.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/util/time.h"

namespace voc::rules {
namespace {

constexpr std::size_t kMaxCommentBytes = 1000;

absl::Status CheckComment(const std::string& comment) {
  if (comment.size() > kMaxCommentBytes) {
    return status::InvalidArgument("comment", "longer than " + std::to_string(kMaxCommentBytes) + " bytes");
  }
  return absl::OkStatus();
}

// "redlines/versions/3" or "3" -> 3 (of `kind`).
absl::StatusOr<std::int64_t> ParseVersion(const std::string& kind, const std::string& version) {
  std::string_view number = version;
  const std::string prefix = kind + "/versions/";
  if (number.rfind(prefix, 0) == 0) number.remove_prefix(prefix.size());
  std::int64_t n = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), n);
  if (number.empty() || error != std::errc() || end != number.data() + number.size() || n <= 0) {
    return status::InvalidArgument("version", "must be a version of " + kind + ": '" + prefix + "N' or N, got '" +
                                                  version + "'");
  }
  return n;
}

v1::RuleVersion ToProto(const RuleVersionRecord& r, std::int64_t newest) {
  v1::RuleVersion out;
  out.set_name(RuleVersionName(r.kind, r.number));
  out.set_kind(r.kind);
  out.set_number(r.number);
  out.set_label(r.label);
  out.set_content_hash(r.content_hash);
  out.set_author(r.author);
  *out.mutable_create_time() = MillisToProto(r.created_ms);
  out.set_comment(r.comment);
  out.set_rolled_back_from(r.rolled_back_from);
  out.set_active(r.number == newest);
  out.set_yaml(r.yaml);
  return out;
}

}  // namespace

RuleKind* RuleHistory::Find(const std::string& kind) const {
  for (RuleKind* k : kinds_) {
    if (k->name() == kind) return k;
  }
  return nullptr;
}

absl::Status RuleHistory::CheckKind(const std::string& kind, const char* field) const {
  if (Find(kind)) return absl::OkStatus();
  // "must be "taxonomy", "redlines" or "priority"".
  std::string names;
  for (std::size_t i = 0; i < kinds_.size(); ++i) {
    if (i > 0) names += i + 1 == kinds_.size() ? " or " : ", ";
    names += "\"" + kinds_[i]->name() + "\"";
  }
  return status::InvalidArgument(field, "must be " + names + ", got '" + kind + "'");
}

absl::StatusOr<RuleHistory::Applied> RuleHistory::Apply(const auth::Principal& caller, RuleKind& kind,
                                                        const RuleSet& rules, const Change& change) {
  VOC_RETURN_IF_ERROR(CheckComment(change.comment));
  std::lock_guard lock(changes_mu_);
  const RuleSet running = kind.Running();
  const std::int64_t now_ms = ToMillis(clock_.Now());
  const NewRuleVersion version{kind.name(),    rules.label,    rules.content_hash,      rules.yaml, caller.Actor(),
                               change.comment, change.rolled_back_from, now_ms};
  const NewRuleVersion baseline{kind.name(),  running.label, running.content_hash, running.yaml, kConfigAuthor,
                                "the rules file in force before the first change", "", now_ms};
  // Stored first: if the save fails the caller gets an error and this replica
  // keeps the rules every other replica has.
  VOC_ASSIGN_OR_RETURN(const std::int64_t number, table_.Save(version, baseline));
  kind.Install(rules);
  const std::string name = RuleVersionName(kind.name(), number);
  const bool rollback = !change.rolled_back_from.empty();
  log::Info(rollback ? "rules_rolled_back" : "rules_changed",
            {{"kind", kind.name()}, {"version", name}, {"label", rules.label},
             {"content_hash", rules.content_hash}, {"author", caller.Actor()},
             {"rolled_back_from", change.rolled_back_from}});
  // The audit log's detail names versions and hashes only: never rule text.
  audit_.Record({rollback ? "rules_rolled_back" : "rules_changed", caller.id, caller.via, change.method, name,
                 change.client_address,
                 rollback ? "restored " + change.rolled_back_from + " (content " + rules.content_hash + ")"
                          : "label " + rules.label + ", content " + rules.content_hash});
  return Applied{number, now_ms, rules};
}

absl::StatusOr<RuleSet> RuleHistory::Update(const auth::Principal& caller, const std::string& kind,
                                            const std::string& yaml, const std::string& comment,
                                            const std::string& method, const std::string& client_address) {
  VOC_RETURN_IF_ERROR(CheckKind(kind));
  VOC_RETURN_IF_ERROR(CheckComment(comment));
  VOC_ASSIGN_OR_RETURN(const RuleSet parsed, Find(kind)->Parse(yaml, "yaml"));
  return Record(caller, kind, parsed, comment, method, client_address);
}

absl::StatusOr<RuleSet> RuleHistory::Record(const auth::Principal& caller, const std::string& kind,
                                            const RuleSet& rules, const std::string& comment,
                                            const std::string& method, const std::string& client_address) {
  VOC_RETURN_IF_ERROR(CheckKind(kind));
  VOC_ASSIGN_OR_RETURN(const Applied applied,
                       Apply(caller, *Find(kind), rules, {kind, comment, "", method, client_address}));
  return applied.rules;
}

absl::StatusOr<v1::ListRuleVersionsResponse> RuleHistory::List(const v1::ListRuleVersionsRequest& request) {
  VOC_RETURN_IF_ERROR(CheckKind(request.kind()));
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  const std::int64_t before = page.after ? page.after->after_key : INT64_MAX;
  VOC_ASSIGN_OR_RETURN(const std::int64_t newest, table_.NewestNumber(request.kind()));
  VOC_ASSIGN_OR_RETURN(const auto versions, table_.List(request.kind(), before, page.size));
  v1::ListRuleVersionsResponse response;
  for (const auto& v : versions) *response.add_versions() = ToProto(v, newest);
  if (!versions.empty()) {
    response.set_next_page_token(
        rpc::NextPageToken(request, page, response.versions_size(),
                           {versions.back().number, RuleVersionName(request.kind(), versions.back().number)}));
  }
  return response;
}

absl::StatusOr<v1::RuleVersion> RuleHistory::Get(const v1::GetRuleVersionRequest& request) {
  VOC_RETURN_IF_ERROR(CheckKind(request.kind()));
  VOC_ASSIGN_OR_RETURN(const std::int64_t number, ParseVersion(request.kind(), request.version()));
  VOC_ASSIGN_OR_RETURN(const auto found, table_.Get(request.kind(), number));
  if (!found) return status::NotFound(RuleVersionName(request.kind(), number));
  VOC_ASSIGN_OR_RETURN(const std::int64_t newest, table_.NewestNumber(request.kind()));
  return ToProto(*found, newest);
}

absl::StatusOr<v1::RuleVersion> RuleHistory::Rollback(const auth::Principal& caller,
                                                      const v1::RollbackRulesRequest& request,
                                                      const std::string& client_address) {
  VOC_RETURN_IF_ERROR(CheckKind(request.kind()));
  RuleKind& kind = *Find(request.kind());
  VOC_ASSIGN_OR_RETURN(const std::int64_t number, ParseVersion(request.kind(), request.version()));
  VOC_ASSIGN_OR_RETURN(const auto target, table_.Get(request.kind(), number));
  const std::string target_name = RuleVersionName(request.kind(), number);
  if (!target) return status::NotFound(target_name);
  if (target->content_hash == kind.Running().content_hash) {
    return absl::FailedPreconditionError(target_name + " is the " + request.kind() + " in force already");
  }
  // Validated like an update: a version this build cannot run is refused
  // (INVALID_ARGUMENT "yaml:<line>: ...") and the rules in force stay.
  VOC_ASSIGN_OR_RETURN(const RuleSet parsed, kind.Parse(target->yaml, "yaml"));
  VOC_ASSIGN_OR_RETURN(const Applied applied,
                       Apply(caller, kind, parsed,
                             {request.kind(), request.comment(), target_name, rollback_method_, client_address}));
  const RuleVersionRecord made{request.kind(),   applied.number, applied.rules.label, applied.rules.content_hash,
                               caller.Actor(),   request.comment(), target_name,      applied.created_ms,
                               ""};
  return ToProto(made, applied.number);
}

absl::Status RuleFollower::LoadStoredRules() { return Sync(/*fail_on_invalid=*/true).status(); }

int RuleFollower::CheckForNewerRules() {
  auto reloaded = Sync(/*fail_on_invalid=*/false);
  if (!reloaded.ok()) {
    log::Warn("rules_check_failed", {{"error", std::string(reloaded.status().message())}});
    return 0;
  }
  return *reloaded;
}

absl::StatusOr<int> RuleFollower::Sync(bool fail_on_invalid) {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const RuleKind* k : kinds_) names.push_back(k->name());
  VOC_ASSIGN_OR_RETURN(const auto newest_versions, table_.Newest(names));
  int reloaded = 0;
  for (const auto& newest : newest_versions) {
    for (RuleKind* kind : kinds_) {
      if (kind->name() != newest.kind) continue;
      VOC_ASSIGN_OR_RETURN(const bool changed, Follow(newest, *kind, fail_on_invalid));
      if (changed) ++reloaded;
    }
  }
  return reloaded;
}

// Compares contents rather than timestamps: the newest stored version is the
// record, so a replica whose own update failed to save, or whose clock is
// behind another's, still ends up running what the others run.
absl::StatusOr<bool> RuleFollower::Follow(const StoredRuleVersion& newest, RuleKind& kind, bool fail_on_invalid) {
  const RuleSet running = kind.Running();
  // Also true right after this replica's own update: nothing to reload.
  if (newest.content_hash == running.content_hash) return false;
  if (!fail_on_invalid && rejected_[newest.kind] == newest.id) return false;
  VOC_ASSIGN_OR_RETURN(const auto yaml, table_.Yaml(newest.id));
  if (!yaml) return false;  // not there any more; the next check sees what replaced it
  const auto parsed = kind.Parse(*yaml, table_.table() + " " + newest.id);
  if (!parsed.ok()) {
    if (fail_on_invalid) return parsed.status();
    rejected_[newest.kind] = newest.id;
    log::Error("rules_reload_rejected", {{"kind", newest.kind},
                                         {"stored_version", newest.version},
                                         {"running_version", running.label},
                                         {"error", std::string(parsed.status().message())}});
    return false;
  }
  kind.Install(*parsed);
  log::Info("rules_reloaded", {{"kind", newest.kind},
                               {"old_version", running.label},
                               {"new_version", parsed->label},
                               {"old_content_hash", running.content_hash},
                               {"new_content_hash", parsed->content_hash}});
  return true;
}

}  // namespace voc::rules
