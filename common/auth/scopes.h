// The scopes a service principal or an API key can hold (issue 9). A scope
// names one capability; each RPC says which scope (or which person's role)
// it needs, in the service that owns the data. People do not hold scopes:
// their roles and departments decide (policy.h).
#pragma once

#include <absl/status/statusor.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace voc::auth {

// Internal systems' API keys (voc apikeys create --scopes ...).
inline constexpr char kFeedbackWrite[] = "feedback:write";  // submit feedback
inline constexpr char kFeedbackRead[] = "feedback:read";    // read feedback and triage results
inline constexpr char kCasesRead[] = "cases:read";          // read every case, task and project
inline constexpr char kCasesWrite[] = "cases:write";        // open and act on cases, tasks, projects
inline constexpr char kRulesRead[] = "rules:read";          // taxonomy, red lines, routing, policies
inline constexpr char kRulesWrite[] = "rules:write";        // change and roll back rules
inline constexpr char kAnalyticsRead[] = "analytics:read";  // counts, clusters, signals, knowledge
inline constexpr char kAdmin[] = "admin";                   // accounts, keys, audit, erasure
inline constexpr char kEntitiesWrite[] = "entities:write";  // import operational data (issue 13)
inline constexpr char kEntitiesRead[] = "entities:read";    // read operational data (issue 13)
// The stages calling each other as themselves (config auth.principals).
inline constexpr char kCasesCreate[] = "cases:create";        // assignment -> tracking CreateCase(s)
inline constexpr char kProjectsReopen[] = "projects:reopen";  // verification -> tracking ReopenProject
inline constexpr char kTriageCount[] = "triage:count";        // verification -> triage CountFeedback
inline constexpr char kKeysVerify[] = "keys:verify";          // any service -> identity VerifyApiKey
inline constexpr char kSessions[] = "sessions";               // gateway -> identity Login, CheckSession, ...
inline constexpr char kNotifyRead[] = "notify:read";          // read delivery logs
// Only the gateway: it may name the logged-in person it calls for
// (x-voc-acting-for); from anyone else that header is refused.
inline constexpr char kActAsPerson[] = "act_as_person";
// Dev mode only: move the dev clock (voc clock advance).
inline constexpr char kClockWrite[] = "clock:write";

// Every scope above, for validation and help texts.
const std::vector<std::string>& KnownScopes();
bool IsKnownScope(std::string_view scope);

// "cases:read, feedback:write" or a list: each must be known.
// INVALID_ARGUMENT "<what>: unknown scope 'x' (known: ...)".
absl::StatusOr<std::set<std::string>> ParseScopes(const std::vector<std::string>& scopes,
                                                  std::string_view what);
absl::StatusOr<std::set<std::string>> ParseScopeList(std::string_view comma_separated,
                                                     std::string_view what);

}  // namespace voc::auth
