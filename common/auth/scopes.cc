#include "common/auth/scopes.h"

#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>
#include <absl/strings/strip.h>

#include <algorithm>

namespace voc::auth {

const std::vector<std::string>& KnownScopes() {
  static const std::vector<std::string> kScopes = {
      kFeedbackWrite, kFeedbackRead, kCasesRead,   kCasesWrite,     kRulesRead,
      kRulesWrite,    kAnalyticsRead, kAdmin,      kCasesCreate,    kProjectsReopen,
      kTriageCount,   kKeysVerify,   kSessions,    kNotifyRead,     kActAsPerson,
      kClockWrite,    kEntitiesWrite, kEntitiesRead};
  return kScopes;
}

bool IsKnownScope(std::string_view scope) {
  const auto& known = KnownScopes();
  return std::find(known.begin(), known.end(), scope) != known.end();
}

absl::StatusOr<std::set<std::string>> ParseScopes(const std::vector<std::string>& scopes,
                                                  std::string_view what) {
  std::set<std::string> parsed;
  for (const std::string& scope : scopes) {
    if (!IsKnownScope(scope)) {
      return absl::InvalidArgumentError(std::string(what) + ": unknown scope '" + scope +
                                        "' (known: " + absl::StrJoin(KnownScopes(), ", ") + ")");
    }
    parsed.insert(scope);
  }
  return parsed;
}

absl::StatusOr<std::set<std::string>> ParseScopeList(std::string_view comma_separated,
                                                     std::string_view what) {
  std::vector<std::string> scopes;
  for (absl::string_view part : absl::StrSplit(absl::string_view(comma_separated.data(), comma_separated.size()), ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) scopes.emplace_back(part);
  }
  return ParseScopes(scopes, what);
}

}  // namespace voc::auth
