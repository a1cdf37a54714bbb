#include "services/ingest/store/ingest_store.h"

#include <nlohmann/json.hpp>

#include <limits>

#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "common/util/ids.h"
#include "common/util/time.h"
#include "services/ingest/ports.h"

namespace voc::ingest {
namespace {

using voc::v1::Feedback;

constexpr char kColumns[] =
    "id, channel, external_id, customer_id, customer_tier, account_manager, store, region, "
    "product, text, nps, rating, occurred_ms, received_ms, attributes_json";

using voc::storage::AsInt;

Feedback FromRow(const soci::row& row) {
  Feedback f;
  f.set_id(row.get<std::string>(0));
  f.set_name("feedback/" + f.id());
  f.set_channel(static_cast<voc::v1::Channel>(AsInt(row, 1)));
  f.set_external_id(row.get<std::string>(2));
  voc::v1::Customer customer;
  customer.set_id(row.get<std::string>(3));
  customer.set_value_tier(row.get<std::string>(4));
  customer.set_account_manager(row.get<std::string>(5));
  customer.set_store(row.get<std::string>(6));
  customer.set_region(row.get<std::string>(7));
  // An unknown customer stays unset, as it was submitted.
  if (customer.ByteSizeLong() > 0) *f.mutable_customer() = std::move(customer);
  f.set_product(row.get<std::string>(8));
  f.set_text(row.get<std::string>(9));
  if (row.get_indicator(10) == soci::i_ok) f.set_nps(static_cast<int>(AsInt(row, 10)));
  if (row.get_indicator(11) == soci::i_ok) f.set_rating(static_cast<int>(AsInt(row, 11)));
  *f.mutable_occurred_time() = MillisToProto(AsInt(row, 12));
  *f.mutable_received_time() = MillisToProto(AsInt(row, 13));
  auto attributes = nlohmann::json::parse(row.get<std::string>(14), nullptr, false);
  if (attributes.is_object()) {
    for (const auto& [key, value] : attributes.items()) {
      if (value.is_string()) (*f.mutable_attributes())[key] = value.get<std::string>();
    }
  }
  return f;
}

std::vector<Feedback> ReadAll(soci::rowset<soci::row>& rows) {
  std::vector<Feedback> out;
  for (const auto& row : rows) out.push_back(FromRow(row));
  return out;
}

// Inserts unless the id or the (channel, external_id) exists. Returns whether
// a row was written.
bool InsertIfAbsent(soci::session& s, const Feedback& f, const std::string& id) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [key, value] : f.attributes()) attributes[key] = value;
  std::string attributes_json = attributes.dump();
  int channel = f.channel();
  std::string external_id = f.external_id();
  std::string customer_id = f.customer().id();
  std::string tier = f.customer().value_tier();
  std::string account_manager = f.customer().account_manager();
  std::string store = f.customer().store();
  std::string region = f.customer().region();
  std::string product = f.product();
  std::string text = f.text();
  int nps = f.has_nps() ? f.nps() : 0;
  soci::indicator nps_ind = f.has_nps() ? soci::i_ok : soci::i_null;
  int rating = f.has_rating() ? f.rating() : 0;
  soci::indicator rating_ind = f.has_rating() ? soci::i_ok : soci::i_null;
  long long occurred_ms = ProtoToMillis(f.occurred_time());
  long long received_ms = ProtoToMillis(f.received_time());
  std::string row_id = id;

  soci::statement insert =
      (s.prepare << "INSERT INTO feedback (" << kColumns
                 << ") VALUES (:id, :channel, :external_id, :customer_id, :tier, :manager, "
                    ":store, :region, :product, :text, :nps, :rating, :occurred, :received, "
                    ":attributes) ON CONFLICT DO NOTHING",
       soci::use(row_id), soci::use(channel), soci::use(external_id), soci::use(customer_id),
       soci::use(tier), soci::use(account_manager), soci::use(store), soci::use(region),
       soci::use(product), soci::use(text), soci::use(nps, nps_ind), soci::use(rating, rating_ind),
       soci::use(occurred_ms), soci::use(received_ms), soci::use(attributes_json));
  insert.execute(true);
  return insert.get_affected_rows() > 0;
}

std::optional<Feedback> FindBySource(soci::session& s, int channel, const std::string& external_id) {
  std::string external = external_id;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT " << kColumns
                 << " FROM feedback WHERE channel = :channel AND external_id = :external_id",
       soci::use(channel), soci::use(external));
  for (const auto& row : rows) return FromRow(row);
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::vector<StoreResult>> IngestStore::InsertOrGet(const std::vector<Feedback>& items) {
  return voc::storage::Guarded("storing feedback", [&] {
   return db_.InTransaction([&](soci::session& s) {
    std::vector<StoreResult> results;
    results.reserve(items.size());
    for (const auto& item : items) {
      if (InsertIfAbsent(s, item, item.id())) {
        results.push_back({item, false});
        continue;
      }
      if (auto stored = FindBySource(s, item.channel(), item.external_id())) {
        results.push_back({std::move(*stored), true});
        continue;
      }
      // Not a duplicate, so the stable id collided with another source's id
      // (64-bit hash): store under a random id instead.
      Feedback renamed = item;
      renamed.set_id(NewId());
      renamed.set_name("feedback/" + renamed.id());
      if (!InsertIfAbsent(s, renamed, renamed.id())) {
        throw soci::soci_error("feedback insert conflicted twice for " + item.id());
      }
      results.push_back({std::move(renamed), false});
    }
    return results;
   });
  });
}

absl::StatusOr<std::optional<Feedback>> IngestStore::Get(const std::string& id) {
  return voc::storage::Guarded("reading feedback", [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<Feedback> {
      std::string key = id;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT " << kColumns << " FROM feedback WHERE id = :id", soci::use(key));
      for (const auto& row : rows) return FromRow(row);
      return std::nullopt;
    });
  });
}

absl::StatusOr<std::vector<Feedback>> IngestStore::List(const FeedbackFilter& filter, int limit,
                                                       const std::optional<FeedbackCursor>& after) {
  return voc::storage::Guarded("listing feedback", [&] {
    return db_.WithSession([&](soci::session& s) {
      // Filters and the cursor are always bound (an empty value disables a
      // filter; the first page starts after the greatest key) so the SQL
      // text is fixed and every value goes through a bound parameter.
      std::string customer = filter.customer_id;
      std::string customer_again = filter.customer_id;
      int channel = filter.channel;
      int channel_again = filter.channel;
      long long after_ms = after ? after->received_ms : std::numeric_limits<long long>::max();
      long long after_ms_again = after_ms;
      std::string after_id = after ? after->id : std::string();
      int page_limit = limit;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT " << kColumns
                     << " FROM feedback"
                        " WHERE (:customer = '' OR customer_id = :customer_again)"
                        " AND (:channel = 0 OR channel = :channel_again)"
                        " AND (received_ms < :after_ms OR (received_ms = :after_ms_again AND id < :after_id))"
                        " ORDER BY received_ms DESC, id DESC LIMIT :limit",
           soci::use(customer), soci::use(customer_again), soci::use(channel), soci::use(channel_again),
           soci::use(after_ms), soci::use(after_ms_again), soci::use(after_id), soci::use(page_limit));
      return ReadAll(rows);
    });
  });
}

absl::StatusOr<voc::storage::OutboxBatch> IngestStore::RelayUnqueued(int limit, std::int64_t queued_ms,
                                                                     queue::Publisher& publisher) {
  auto select = [&](soci::session& s, const char* lock_clause) {
    int batch = limit;
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT " << kColumns
                   << " FROM feedback WHERE queued_ms IS NULL ORDER BY received_ms, id LIMIT :limit"
                   << lock_clause,
         soci::use(batch));
    return ReadAll(rows);
  };
  auto mark = [&](soci::session& s, std::span<const Feedback> queued) {
    std::vector<std::string> keys;
    keys.reserve(queued.size());
    for (const auto& f : queued) keys.push_back(f.id());
    std::vector<long long> times(keys.size(), queued_ms);
    s << "UPDATE feedback SET queued_ms = :queued WHERE id = :id", soci::use(times), soci::use(keys);
  };
  auto publish = [&](const std::vector<Feedback>& rows) {
    std::vector<queue::MessageFields> messages;
    messages.reserve(rows.size());
    for (const auto& f : rows) messages.push_back(FeedbackMessage(f));
    return publisher.Publish(messages);
  };
  return voc::storage::Guarded("relaying feedback", [&] {
    return voc::storage::ClaimAndPublish(db_, voc::storage::ClaimOrder::kAnyOrder, select, publish, mark);
  });
}

absl::StatusOr<std::int64_t> IngestStore::CountUnqueued() {
  return voc::storage::Guarded("counting unqueued feedback", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long count = 0;
      s << "SELECT COUNT(*) FROM feedback WHERE queued_ms IS NULL", soci::into(count);
      return static_cast<std::int64_t>(count);
    });
  });
}

}  // namespace voc::ingest
