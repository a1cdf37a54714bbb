// TriageStore::LoadFeedbackLinks (issue 13): the link fields of negative
// feedback for the root-cause drill-down and the word-level drill-down's
// free attributes.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string_view>

#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "services/triage/store/triage_store.h"

namespace voc::triage {
namespace {

// The feedback's attributes object inside a stored TriagedFeedback's JSON,
// without parsing the rest (the result's topics, evidence and terms are most
// of it). The stored JSON is protobuf's compact printing; Feedback.attributes
// is the one field of that name in a TriagedFeedback, and the key cannot
// occur inside a string value (its quotes would be escaped there). "" when
// the feedback has no attributes.
std::string_view AttributesObject(std::string_view json) {
  static constexpr std::string_view kKey = "\"attributes\":{";
  const std::size_t at = json.find(kKey);
  if (at == std::string_view::npos) return {};
  const std::size_t start = at + kKey.size() - 1;  // the '{'
  bool in_string = false;
  for (std::size_t i = start + 1; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '}') {
      return json.substr(start, i - start + 1);
    }
  }
  return {};
}

}  // namespace

absl::StatusOr<std::vector<FeedbackLinkRow>> TriageStore::LoadFeedbackLinks(std::int64_t start_ms,
                                                                            std::int64_t end_ms, int limit) {
  const long long start = start_ms, end = end_ms;
  return storage::Guarded("reading feedback links", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<FeedbackLinkRow> out;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT feedback_id, customer_id, occurred_ms, triaged_json"
                        " FROM triage_results WHERE negative = 1 AND occurred_ms >= :s AND occurred_ms < :e"
                        " ORDER BY occurred_ms DESC LIMIT :l",
           soci::use(start), soci::use(end), soci::use(limit));
      for (const auto& row : rows) {
        FeedbackLinkRow r;
        r.feedback_id = row.get<std::string>(0);
        r.customer_id = row.get<std::string>(1);
        r.occurred_ms = storage::AsInt(row, 2);
        // Stored with the proto field names (TriageStore's ToJson); only the
        // attributes object is parsed.
        const std::string json = row.get<std::string>(3);
        const std::string_view object = AttributesObject(json);
        if (!object.empty()) {
          const nlohmann::json attributes = nlohmann::json::parse(object, nullptr, false);
          if (attributes.is_object()) {
            for (const auto& [name, value] : attributes.items()) {
              if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
                r.attributes.emplace_back(name, value.get<std::string>());
              }
            }
          }
        }
        std::sort(r.attributes.begin(), r.attributes.end());
        out.push_back(std::move(r));
      }
      return out;
    });
  });
}

}  // namespace voc::triage
