// TriageStore::LoadFeedbackLinks (issue 13): the link fields of negative
// feedback for the root-cause drill-down and the word-level drill-down's
// free attributes.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "services/triage/store/triage_store.h"

namespace voc::triage {

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
        // Stored with the proto field names (TriageStore's ToJson).
        const nlohmann::json doc = nlohmann::json::parse(row.get<std::string>(3), nullptr, false);
        if (doc.is_object()) {
          const auto feedback = doc.find("feedback");
          if (feedback != doc.end() && feedback->is_object()) {
            const auto attributes = feedback->find("attributes");
            if (attributes != feedback->end() && attributes->is_object()) {
              for (const auto& [name, value] : attributes->items()) {
                if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
                  r.attributes.emplace_back(name, value.get<std::string>());
                }
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
