#include "services/ingest/store/erasure_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>

#include "common/auth/authenticator.h"
#include "common/storage/errors.h"
#include "common/storage/rows.h"

namespace voc::ingest {

voc::storage::Migration ErasureMigration() {
  return {3,
          "feedback_erasures: which feedback was erased for which customer (by SHA-256), so erasure is idempotent",
          {
              "CREATE TABLE feedback_erasures ("
              "  customer_sha256 TEXT NOT NULL,"
              "  feedback_id TEXT NOT NULL,"
              "  erased_ms BIGINT NOT NULL,"
              "  PRIMARY KEY (customer_sha256, feedback_id))",
          }};
}

std::string KeptAttributesJson(const std::string& attributes_json) {
  if (attributes_json == "{}") return attributes_json;
  auto attributes = nlohmann::json::parse(attributes_json, nullptr, false);
  nlohmann::json kept = nlohmann::json::object();
  if (attributes.is_object() && attributes.contains(kKeptAttribute) && attributes[kKeptAttribute].is_string()) {
    kept[kKeptAttribute] = attributes[kKeptAttribute];
  }
  return kept.dump();
}

namespace {
std::atomic<std::uint64_t> erasures_committed{0};
}  // namespace

std::uint64_t ErasuresCommitted() { return erasures_committed.load(); }

std::string ErasedExternalId(const std::string& external_id) { return "sha256:" + auth::Sha256Hex(external_id); }

absl::StatusOr<IngestErasure> ErasureStore::EraseCustomer(const std::string& customer_id,
                                                          const std::string& customer_hash, std::int64_t now_ms) {
  return voc::storage::Guarded("erasing a customer's feedback", [&] {
    IngestErasure erased = db_.InTransaction([&](soci::session& s) {
      struct Found {
        std::string id, external_id, attributes_json;
      };
      std::vector<Found> found;
      {
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT id, external_id, attributes_json FROM feedback WHERE customer_id = :c",
             soci::use(customer_id));
        for (const auto& r : rows) {
          found.push_back({r.get<std::string>(0), r.get<std::string>(1), voc::storage::AsString(r, 2)});
        }
      }
      IngestErasure out;
      for (const Found& f : found) {
        // A row erased once has customer_id '' and is never found again, so
        // a hashed external id is never hashed twice.
        const std::string external_id = ErasedExternalId(f.external_id);
        const std::string attributes = KeptAttributesJson(f.attributes_json);
        s << "UPDATE feedback SET text = '', customer_id = '', customer_tier = '', account_manager = '',"
             " external_id = :e, attributes_json = :a WHERE id = :id",
            soci::use(external_id), soci::use(attributes), soci::use(f.id);
        s << "INSERT INTO feedback_erasures (customer_sha256, feedback_id, erased_ms) VALUES (:h, :f, :t)"
             " ON CONFLICT DO NOTHING",
            soci::use(customer_hash), soci::use(f.id), soci::use(static_cast<long long>(now_ms));
        ++out.feedback_erased;
      }
      soci::rowset<std::string> ids =
          (s.prepare << "SELECT feedback_id FROM feedback_erasures WHERE customer_sha256 = :h ORDER BY feedback_id",
           soci::use(customer_hash));
      for (const auto& id : ids) out.feedback_ids.push_back(id);
      return out;
    });
    if (erased.feedback_erased > 0) ++erasures_committed;
    return erased;
  });
}

}  // namespace voc::ingest
