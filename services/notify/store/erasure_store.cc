#include "services/notify/store/erasure_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "common/storage/errors.h"
#include "common/storage/rows.h"

namespace voc::notify {
namespace {

constexpr std::size_t kIdsPerStatement = 200;
constexpr int kPending = 1;  // DELIVERY_STATE_PENDING
constexpr int kFailed = 3;   // DELIVERY_STATE_FAILED

// The request ids of rows whose `column` is one of `values`.
void CollectRequests(soci::session& s, const std::string& sql_head, const std::vector<std::string>& values,
                     std::set<std::string>& out) {
  for (std::size_t begin = 0; begin < values.size(); begin += kIdsPerStatement) {
    const std::size_t n = std::min(kIdsPerStatement, values.size() - begin);
    const std::vector<std::string> chunk(values.begin() + static_cast<long>(begin),
                                         values.begin() + static_cast<long>(begin + n));
    storage::ForEachRow(s, sql_head + storage::Placeholders("p", n), chunk,
                        [&](const soci::row& r) { out.insert(r.get<std::string>(0)); });
  }
}

}  // namespace

absl::StatusOr<NotifyErasure> ErasureStore::EraseCustomer(const std::string& customer_id,
                                                          const std::vector<std::string>& case_ids,
                                                          std::int64_t now_ms) {
  return storage::Guarded("erasing a customer's notifications", [&] {
    return db_.InTransaction([&](soci::session& s) {
      // Both spellings a sender may have used for a case.
      std::vector<std::string> case_keys;
      for (const std::string& id : case_ids) {
        case_keys.push_back(id);
        case_keys.push_back("cases/" + id);
      }
      std::set<std::string> requests;
      CollectRequests(s, "SELECT id FROM notify_requests WHERE case_id IN ", case_keys, requests);
      // Requests without a case that name the customer in their parameters
      // (LIKE narrows, the parsed JSON decides).
      {
        const std::string like = "%" + customer_id + "%";
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT id, params_json FROM notify_requests WHERE params_json LIKE :l", soci::use(like));
        for (const auto& r : rows) {
          auto params = nlohmann::json::parse(storage::AsString(r, 1), nullptr, false);
          if (params.is_object() && params.value("customer_id", std::string()) == customer_id) {
            requests.insert(r.get<std::string>(0));
          }
        }
      }
      NotifyErasure out;
      std::set<std::string> deliveries;
      const std::vector<std::string> request_ids(requests.begin(), requests.end());
      CollectRequests(s, "SELECT message_id FROM notify_deliveries WHERE request_id IN ", request_ids, deliveries);
      CollectRequests(s, "SELECT message_id FROM notify_deliveries WHERE case_id IN ", case_keys, deliveries);
      for (const std::string& id : request_ids) {
        out.requests += storage::Exec(s,
                                      "UPDATE notify_requests SET params_json = '{}', subject = '', body = ''"
                                      " WHERE id = :id AND (params_json <> '{}' OR subject <> '' OR body <> '')",
                                      soci::use(id));
      }
      const long long now = now_ms;
      const std::string given_up = kErasedBeforeDelivery;
      for (const std::string& id : deliveries) {
        int state = 0;
        s << "SELECT state FROM notify_deliveries WHERE message_id = :id", soci::use(id), soci::into(state);
        const long long changed = storage::Exec(
            s,
            "UPDATE notify_deliveries SET subject = '', body_text = '', body_markdown = '', body_html = '',"
            " payload_json = '{}',"
            " address = CASE WHEN event = 'resurvey' THEN '' ELSE address END,"
            " recipient_name = CASE WHEN event = 'resurvey' THEN '' ELSE recipient_name END,"
            " last_error = CASE WHEN state = :pending1 THEN :why ELSE last_error END,"
            " final_ms = CASE WHEN state = :pending2 THEN :now ELSE final_ms END,"
            " state = CASE WHEN state = :pending3 THEN :failed ELSE state END"
            " WHERE message_id = :id AND (subject <> '' OR body_text <> '' OR body_markdown <> ''"
            " OR body_html <> '' OR payload_json <> '{}' OR state = :pending4"
            " OR (event = 'resurvey' AND (address <> '' OR recipient_name <> '')))",
            soci::use(kPending), soci::use(given_up), soci::use(kPending), soci::use(now), soci::use(kPending),
            soci::use(kFailed), soci::use(id), soci::use(kPending));
        out.deliveries += changed;
        if (changed > 0 && state == kPending) ++out.pending_given_up;
      }
      return out;
    });
  });
}

}  // namespace voc::notify
