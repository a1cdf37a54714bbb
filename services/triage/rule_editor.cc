#include "services/triage/rule_editor.h"

#include "common/status/status.h"

namespace voc::triage {
namespace {

// A rule set in force as its API message (version, content hash, YAML).
template <typename Message>
Message MessageOf(const rules::RuleSet& rules) {
  Message out;
  out.set_version(rules.label);
  out.set_content_hash(rules.content_hash);
  out.set_yaml(rules.yaml);
  return out;
}

}  // namespace

absl::StatusOr<v1::Taxonomy> RuleEditor::UpdateTaxonomy(const auth::Principal& caller,
                                                        const v1::UpdateTaxonomyRequest& request) {
  VOC_ASSIGN_OR_RETURN(const auto applied,
                       history_.Update(caller, kTaxonomyRules, request.yaml(), request.comment(), "UpdateTaxonomy"));
  return MessageOf<v1::Taxonomy>(applied);
}

absl::StatusOr<v1::RedLines> RuleEditor::UpdateRedLines(const auth::Principal& caller,
                                                        const v1::UpdateRedLinesRequest& request) {
  VOC_ASSIGN_OR_RETURN(const auto applied,
                       history_.Update(caller, kRedLineRules, request.yaml(), request.comment(), "UpdateRedLines"));
  return MessageOf<v1::RedLines>(applied);
}

absl::StatusOr<v1::PriorityRules> RuleEditor::UpdatePriorityRules(const auth::Principal& caller,
                                                                  const v1::UpdatePriorityRulesRequest& request) {
  VOC_ASSIGN_OR_RETURN(const auto applied, history_.Update(caller, kPriorityRules, request.yaml(), request.comment(),
                                                           "UpdatePriorityRules"));
  return MessageOf<v1::PriorityRules>(applied);
}

absl::StatusOr<v1::ListRuleVersionsResponse> RuleEditor::ListRuleVersions(const v1::ListRuleVersionsRequest& request) {
  return history_.List(request);
}

absl::StatusOr<v1::RuleVersion> RuleEditor::GetRuleVersion(const v1::GetRuleVersionRequest& request) {
  return history_.Get(request);
}

absl::StatusOr<v1::RuleVersion> RuleEditor::RollbackRules(const auth::Principal& caller,
                                                          const v1::RollbackRulesRequest& request) {
  return history_.Rollback(caller, request);
}

}  // namespace voc::triage
