#include "services/triage/rule_editor.h"

#include <charconv>

#include "common/log/log.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "services/triage/rules_message.h"

namespace voc::triage {
namespace {

// The author recorded for the rules file in force before the first change.
constexpr char kConfigAuthor[] = "config";
constexpr std::size_t kMaxCommentBytes = 1000;

std::string VersionName(const std::string& kind, std::int64_t number) {
  return kind + "/versions/" + std::to_string(number);
}

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
  out.set_name(VersionName(r.kind, r.number));
  out.set_kind(r.kind);
  out.set_number(r.number);
  out.set_label(r.label);
  out.set_content_hash(r.content_hash);
  out.set_author(r.author);
  *out.mutable_create_time() = MillisToProto(r.created_ms);
  out.set_comment(r.comment);
  out.set_rolled_back_from(r.rolled_back_from);
  out.set_active(r.number == newest);
  return out;
}

}  // namespace

absl::Status CheckRuleKind(const std::string& kind, const char* field) {
  if (kind == kTaxonomyRules || kind == kRedLineRules) return absl::OkStatus();
  return status::InvalidArgument(field, "must be \"" + std::string(kTaxonomyRules) + "\" or \"" +
                                            std::string(kRedLineRules) + "\", got '" + kind + "'");
}

template <typename Store>
absl::StatusOr<RuleEditor::Applied<RuleEditor::RulesOf<Store>>> RuleEditor::Apply(const auth::Principal& caller,
                                                                                    const Change& change,
                                                                                    Store& store) {
  using Rules = RulesOf<Store>;
  VOC_RETURN_IF_ERROR(CheckComment(change.comment));
  VOC_ASSIGN_OR_RETURN(std::shared_ptr<const Rules> parsed, Rules::Parse(change.yaml, "yaml"));
  std::lock_guard lock(changes_mu_);
  const std::shared_ptr<const Rules> running = store.Current();
  const std::int64_t now_ms = ToMillis(clock_.Now());
  NewRuleVersion version{change.kind,   parsed->version(), parsed->content_hash(), change.yaml, caller.Actor(),
                         change.comment, change.rolled_back_from, now_ms};
  NewRuleVersion baseline{change.kind, running->version(), running->content_hash(), running->source_yaml(),
                          kConfigAuthor, "the rules file in force before the first change", "", now_ms};
  // Stored first: if the save fails the caller gets an error and this replica
  // keeps the rules every other replica has.
  VOC_ASSIGN_OR_RETURN(const std::int64_t number, store_.SaveRuleVersion(version, baseline));
  store.Replace(parsed);
  const std::string name = VersionName(change.kind, number);
  const bool rollback = !change.rolled_back_from.empty();
  log::Info(rollback ? "rules_rolled_back" : "rules_changed",
            {{"kind", change.kind}, {"version", name}, {"label", parsed->version()},
             {"content_hash", parsed->content_hash()}, {"author", caller.Actor()},
             {"rolled_back_from", change.rolled_back_from}});
  // The audit log's detail names versions and hashes only: never rule text.
  audit_.Record({rollback ? "rules_rolled_back" : "rules_changed", caller.id, caller.via,
                 rollback ? "RollbackRules" : (change.kind == kTaxonomyRules ? "UpdateTaxonomy" : "UpdateRedLines"),
                 name, "",
                 rollback ? "restored " + change.rolled_back_from + " (content " + parsed->content_hash() + ")"
                          : "label " + parsed->version() + ", content " + parsed->content_hash()});
  return Applied<Rules>{number, now_ms, parsed};
}

absl::StatusOr<v1::Taxonomy> RuleEditor::UpdateTaxonomy(const auth::Principal& caller,
                                                        const v1::UpdateTaxonomyRequest& request) {
  VOC_ASSIGN_OR_RETURN(const auto applied,
                       Apply(caller, {kTaxonomyRules, request.yaml(), request.comment(), ""}, analyzer_.taxonomy()));
  return RulesMessage<v1::Taxonomy>(*applied.rules);
}

absl::StatusOr<v1::RedLines> RuleEditor::UpdateRedLines(const auth::Principal& caller,
                                                        const v1::UpdateRedLinesRequest& request) {
  VOC_ASSIGN_OR_RETURN(const auto applied,
                       Apply(caller, {kRedLineRules, request.yaml(), request.comment(), ""}, analyzer_.red_lines()));
  return RulesMessage<v1::RedLines>(*applied.rules);
}

absl::StatusOr<v1::ListRuleVersionsResponse> RuleEditor::ListRuleVersions(const v1::ListRuleVersionsRequest& request) {
  VOC_RETURN_IF_ERROR(CheckRuleKind(request.kind()));
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  const std::int64_t before = page.after ? page.after->after_key : INT64_MAX;
  VOC_ASSIGN_OR_RETURN(const std::int64_t newest, store_.NewestRuleNumber(request.kind()));
  VOC_ASSIGN_OR_RETURN(const auto versions, store_.ListRuleVersions(request.kind(), before, page.size));
  v1::ListRuleVersionsResponse response;
  for (const auto& v : versions) *response.add_versions() = ToProto(v, newest);
  if (!versions.empty()) {
    response.set_next_page_token(rpc::NextPageToken(request, page, response.versions_size(),
                                                    {versions.back().number, VersionName(request.kind(), versions.back().number)}));
  }
  return response;
}

template <typename Store>
absl::StatusOr<v1::RuleVersion> RuleEditor::Rollback(const auth::Principal& caller,
                                                     const v1::RollbackRulesRequest& request, Store& store) {
  VOC_ASSIGN_OR_RETURN(const std::int64_t number, ParseVersion(request.kind(), request.version()));
  VOC_ASSIGN_OR_RETURN(const auto target, store_.GetRuleVersion(request.kind(), number));
  const std::string target_name = VersionName(request.kind(), number);
  if (!target) return status::NotFound(target_name);
  if (target->content_hash == store.Current()->content_hash()) {
    return absl::FailedPreconditionError(target_name + " is the " + request.kind() + " in force already");
  }
  // Validated like an update: a version this build cannot run is refused
  // (INVALID_ARGUMENT "yaml:<line>: ...") and the rules in force stay.
  VOC_ASSIGN_OR_RETURN(const auto applied,
                       Apply(caller, {request.kind(), target->yaml, request.comment(), target_name}, store));
  RuleVersionRecord made{request.kind(), applied.number, applied.rules->version(), applied.rules->content_hash(),
                         caller.Actor(), request.comment(), target_name, applied.created_ms, ""};
  return ToProto(made, applied.number);
}

absl::StatusOr<v1::RuleVersion> RuleEditor::RollbackRules(const auth::Principal& caller,
                                                          const v1::RollbackRulesRequest& request) {
  VOC_RETURN_IF_ERROR(CheckRuleKind(request.kind()));
  if (request.kind() == kTaxonomyRules) return Rollback(caller, request, analyzer_.taxonomy());
  return Rollback(caller, request, analyzer_.red_lines());
}

}  // namespace voc::triage
