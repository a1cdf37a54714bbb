#include "services/assignment/routing_rule_editor.h"

#include "common/log/log.h"
#include "common/status/status.h"
#include "services/assignment/assignment_access.h"

namespace voc::assignment {
namespace {

constexpr char kMethodPrefix[] = "/voc.v1.AssignmentService/";

std::string Method(const char* name) { return std::string(kMethodPrefix) + name; }

v1::RoutingRules MessageOf(const Router& router) {
  v1::RoutingRules out;
  out.set_version(router.rules().version);
  out.set_content_hash(router.rules().content_hash);
  out.set_yaml(router.rules().source_yaml);
  out.set_rules(router.rules().rule_count());
  return out;
}

}  // namespace

rules::RuleSet RoutingRuleKind::Of(std::shared_ptr<const Router> router) {
  rules::RuleSet set{router->rules().version, router->rules().content_hash, router->rules().source_yaml, nullptr};
  set.rules = std::move(router);
  return set;
}

absl::StatusOr<rules::RuleSet> RoutingRuleKind::Parse(const std::string& yaml, const std::string& source) const {
  const auto running = service_.router();
  VOC_ASSIGN_OR_RETURN(RoutingRules parsed, RoutingRules::FromString(yaml, running->directory(), source));
  return Of(std::make_shared<const Router>(running->shared_directory(),
                                           std::make_shared<const RoutingRules>(std::move(parsed))));
}

void RoutingRuleKind::Install(const rules::RuleSet& rules) {
  service_.InstallRouter(std::static_pointer_cast<const Router>(rules.rules));
}

RoutingRuleEditor::RoutingRuleEditor(AssignmentService& service, AssignmentStore& store, const Clock& clock,
                                     auth::AuditSink& audit)
    : service_(service),
      audit_(audit),
      kind_(service),
      history_(store.routing_versions(), {&kind_}, clock, audit, Method("RollbackRules")),
      follower_(store.routing_versions(), {&kind_}) {}

absl::StatusOr<v1::RoutingRules> RoutingRuleEditor::GetRoutingRules(const auth::Principal& caller) const {
  VOC_RETURN_IF_ERROR(MayReadRoutingRules(caller));
  return MessageOf(*service_.router());
}

absl::StatusOr<v1::RoutingRules> RoutingRuleEditor::UpdateRoutingRules(const auth::Principal& caller,
                                                                       const v1::UpdateRoutingRulesRequest& request,
                                                                       const std::string& client_address) {
  VOC_RETURN_IF_ERROR(MayWriteRoutingRules(caller));
  VOC_ASSIGN_OR_RETURN(const rules::RuleSet applied,
                       history_.Update(caller, kRoutingRules, request.yaml(), request.comment(),
                                       Method("UpdateRoutingRules"), client_address));
  return MessageOf(*std::static_pointer_cast<const Router>(applied.rules));
}

absl::StatusOr<v1::ListRuleVersionsResponse> RoutingRuleEditor::ListRuleVersions(
    const auth::Principal& caller, const v1::ListRuleVersionsRequest& request) {
  VOC_RETURN_IF_ERROR(MayReadRoutingRules(caller));
  return history_.List(request);
}

absl::StatusOr<v1::RuleVersion> RoutingRuleEditor::GetRuleVersion(const auth::Principal& caller,
                                                                  const v1::GetRuleVersionRequest& request) {
  VOC_RETURN_IF_ERROR(MayReadRoutingRules(caller));
  return history_.Get(request);
}

absl::StatusOr<v1::RuleVersion> RoutingRuleEditor::RollbackRules(const auth::Principal& caller,
                                                                 const v1::RollbackRulesRequest& request,
                                                                 const std::string& client_address) {
  VOC_RETURN_IF_ERROR(MayWriteRoutingRules(caller));
  return history_.Rollback(caller, request, client_address);
}

absl::StatusOr<v1::ReloadRulesResponse> RoutingRuleEditor::ReloadRules(const auth::Principal& caller,
                                                                      const std::string& client_address) {
  VOC_RETURN_IF_ERROR(MayWriteRoutingRules(caller));
  log::Info("routing_rules_reload_requested", {{"actor", caller.Actor()}});
  VOC_ASSIGN_OR_RETURN(std::shared_ptr<const Router> fresh, service_.RouterFromFiles());
  const RuleFiles& files = service_.files();
  if (fresh->rules().content_hash == service_.router()->rules().content_hash) {
    // The directory from its file; the routing rules in force are the file's already: no new version.
    service_.InstallRouter(fresh);
    audit_.Record({"rules_changed", caller.id, caller.via, Method("ReloadRules"), kRoutingRules, client_address,
                   "reloaded " + files.directory + "; " + files.routing + " unchanged (content " +
                       fresh->rules().content_hash + ")"});
  } else {
    VOC_RETURN_IF_ERROR(history_
                            .Record(caller, kRoutingRules, RoutingRuleKind::Of(fresh), "reloaded from " + files.routing,
                                    Method("ReloadRules"), client_address)
                            .status());
  }
  log::Info("routing_rules_reloaded", {{"directory", files.directory}, {"routing", files.routing}});
  return service_.CurrentCounts();
}

}  // namespace voc::assignment
