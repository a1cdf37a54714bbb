#include "services/ingest/store/ingest_store.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <span>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "common/util/ids.h"
#include "common/util/time.h"
#include "services/ingest/ports.h"
#include "services/ingest/store/erasure_store.h"

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
  const std::string& attributes_json = row.get<std::string>(14);
  if (attributes_json == "{}") return f;  // the common case, without a JSON parse
  auto attributes = nlohmann::json::parse(attributes_json, nullptr, false);
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

// The bound values of one row of an insert. SOCI binds references, so a
// row must stay where it is until its statement ran.
struct InsertRow {
  InsertRow() = default;
  explicit InsertRow(const Feedback& f) { Assign(f); }

  void Assign(const Feedback& f) {
    id = f.id();
    channel = f.channel();
    external_id = f.external_id();
    customer_id = f.customer().id();
    tier = f.customer().value_tier();
    account_manager = f.customer().account_manager();
    store = f.customer().store();
    region = f.customer().region();
    product = f.product();
    text = f.text();
    nps = f.has_nps() ? f.nps() : 0;
    nps_ind = f.has_nps() ? soci::i_ok : soci::i_null;
    rating = f.has_rating() ? f.rating() : 0;
    rating_ind = f.has_rating() ? soci::i_ok : soci::i_null;
    occurred_ms = ProtoToMillis(f.occurred_time());
    received_ms = ProtoToMillis(f.received_time());
    attributes_json = AttributesJson(f);
  }

  static std::string AttributesJson(const Feedback& f) {
    if (f.attributes().empty()) return "{}";
    nlohmann::json attributes = nlohmann::json::object();
    for (const auto& [key, value] : f.attributes()) attributes[key] = value;
    return attributes.dump();
  }

  void BindTo(soci::statement& st) {
    st.exchange(soci::use(id));
    st.exchange(soci::use(channel));
    st.exchange(soci::use(external_id));
    st.exchange(soci::use(customer_id));
    st.exchange(soci::use(tier));
    st.exchange(soci::use(account_manager));
    st.exchange(soci::use(store));
    st.exchange(soci::use(region));
    st.exchange(soci::use(product));
    st.exchange(soci::use(text));
    st.exchange(soci::use(nps, nps_ind));
    st.exchange(soci::use(rating, rating_ind));
    st.exchange(soci::use(occurred_ms));
    st.exchange(soci::use(received_ms));
    st.exchange(soci::use(attributes_json));
  }

  std::string id;
  int channel = 0;
  std::string external_id, customer_id, tier, account_manager, store, region, product, text;
  int nps = 0;
  soci::indicator nps_ind = soci::i_null;
  int rating = 0;
  soci::indicator rating_ind = soci::i_null;
  long long occurred_ms = 0, received_ms = 0;
  std::string attributes_json;
};
constexpr int kValuesPerRow = 15;

// Rows per multi-row INSERT (PostgreSQL): a few round trips per batch of
// 500, far below its limit of 65535 bound parameters.
constexpr std::size_t kRowsPerInsert = 100;

// The n-th (from 0) bound parameter of a generated statement. SQLite gets
// plain "?": it looks named parameters up in a list, so a statement with
// thousands of ":pN" costs time quadratic in their number to prepare.
// PostgreSQL gets ":pN", which SOCI turns into "$N".
void AppendPlaceholder(std::string& sql, bool sqlite, int n) {
  if (sqlite) {
    sql += '?';
  } else {
    sql += ":p";
    sql += std::to_string(n);
  }
}

bool IsSqlite(soci::session& s) { return s.get_backend_name() == "sqlite3"; }

// "(?, ..., ?), (?, ...)" for `rows` rows of kValuesPerRow values.
std::string ValuesList(std::size_t rows, bool sqlite) {
  std::string sql;
  sql.reserve(rows * kValuesPerRow * 6);
  int n = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (int v = 0; v < kValuesPerRow; ++v) {
      if (v > 0) sql += ", ";
      AppendPlaceholder(sql, sqlite, n++);
    }
    sql += ")";
  }
  return sql;
}

const std::string kInsertPrefix = std::string("INSERT INTO feedback (") + kColumns + ") VALUES ";
const std::string kInsertSuffix = " ON CONFLICT DO NOTHING RETURNING id";

// SQLite, in process: one prepared single-row INSERT, bound to one row of
// values and run once per item. No parse per row, and no statement with
// thousands of parameters to parse either.
void InsertEachPrepared(soci::session& s, std::span<const Feedback* const> items, std::vector<std::string>& written) {
  InsertRow row;
  std::string id;
  soci::statement st(s);
  row.BindTo(st);
  st.exchange(soci::into(id));
  st.alloc();
  st.prepare(kInsertPrefix + ValuesList(1, true) + kInsertSuffix);
  st.define_and_bind();
  for (const Feedback* f : items) {
    row.Assign(*f);
    if (st.execute(true)) written.push_back(id);
  }
}

// PostgreSQL, a round trip away: one multi-row INSERT per kRowsPerInsert
// items.
void InsertMultiRow(soci::session& s, std::span<const Feedback* const> items, std::vector<std::string>& written) {
  for (std::size_t from = 0; from < items.size(); from += kRowsPerInsert) {
    const auto chunk = items.subspan(from, std::min(kRowsPerInsert, items.size() - from));
    std::vector<InsertRow> rows;
    rows.reserve(chunk.size());
    for (const Feedback* f : chunk) rows.emplace_back(*f);
    // One id at a time: SOCI 4.0's SQLite backend loses a row fetched into
    // a vector of size one, so vectors are not used for RETURNING at all.
    std::string id;
    soci::statement st(s);
    for (auto& row : rows) row.BindTo(st);
    st.exchange(soci::into(id));
    st.alloc();
    st.prepare(kInsertPrefix + ValuesList(rows.size(), false) + kInsertSuffix);
    st.define_and_bind();
    if (st.execute(true)) {
      do written.push_back(id);
      while (st.fetch());
    }
  }
}

// Inserts the items that conflict with nothing stored (id or (channel,
// external_id)); returns the ids written (ON CONFLICT DO NOTHING RETURNING:
// no re-read for the rows that went in).
std::vector<std::string> InsertReturningIds(soci::session& s, std::span<const Feedback* const> items) {
  std::vector<std::string> written;
  written.reserve(items.size());
  if (IsSqlite(s)) {
    InsertEachPrepared(s, items, written);
  } else {
    InsertMultiRow(s, items, written);
  }
  return written;
}

// One row, for the rare renamed insert after an id collision. Returns
// whether it was written.
bool InsertIfAbsent(soci::session& s, const Feedback& f) {
  const Feedback* one = &f;
  return !InsertReturningIds(s, std::span(&one, 1)).empty();
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

// The erased feedback of this item's source: its row keeps the id (the
// hash of the source) with the external id hashed (erasure_store.h).
std::optional<Feedback> FindErased(soci::session& s, const Feedback& item) {
  std::string id = item.id();
  std::string erased_external_id = ErasedExternalId(item.external_id());
  int channel = item.channel();
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT " << kColumns
                 << " FROM feedback WHERE id = :id AND channel = :channel AND external_id = :external_id",
       soci::use(id), soci::use(channel), soci::use(erased_external_id));
  for (const auto& row : rows) return FromRow(row);
  return std::nullopt;
}

// The item's result when the insert did not write it: the row stored for
// its source (a duplicate, erased or not), or - when another source's row
// holds its id (64-bit hash collision) - the item stored under a random id.
StoreResult ResolveConflict(soci::session& s, const Feedback& item) {
  if (auto stored = FindBySource(s, item.channel(), item.external_id())) return {std::move(*stored), true};
  if (auto erased = FindErased(s, item)) return {std::move(*erased), true};
  Feedback renamed = item;
  renamed.set_id(NewId());
  renamed.set_name("feedback/" + renamed.id());
  if (!InsertIfAbsent(s, renamed)) throw soci::soci_error("feedback insert conflicted twice for " + item.id());
  return {std::move(renamed), false};
}

bool SameSource(const Feedback& a, const Feedback& b) {
  return a.channel() == b.channel() && a.external_id() == b.external_id();
}

}  // namespace

absl::StatusOr<std::vector<StoreResult>> IngestStore::InsertOrGet(const std::vector<Feedback>& items) {
  return voc::storage::Guarded("storing feedback", [&] {
   return db_.InTransaction([&](soci::session& s) {
    // A source twice in one batch: the first occurrence is inserted, the
    // later ones answer with what it stored. first_of[i] is that first index.
    std::unordered_map<std::string_view, std::size_t> first_by_id;
    first_by_id.reserve(items.size());
    std::vector<std::size_t> first_of(items.size());
    std::vector<std::size_t> unique_index;  // the first item of each id
    std::vector<std::size_t> collided;      // same id as an earlier item, another source
    unique_index.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto [it, fresh] = first_by_id.try_emplace(items[i].id(), i);
      first_of[i] = it->second;
      if (fresh) {
        unique_index.push_back(i);
        continue;
      }
      if (!SameSource(items[it->second], items[i])) {
        first_of[i] = i;
        collided.push_back(i);
      }
    }

    std::vector<std::optional<StoreResult>> results(items.size());
    std::vector<const Feedback*> to_insert;
    to_insert.reserve(unique_index.size());
    for (std::size_t i : unique_index) to_insert.push_back(&items[i]);
    std::unordered_set<std::string> written;
    for (auto& id : InsertReturningIds(s, to_insert)) written.insert(std::move(id));
    for (std::size_t i : unique_index) {
      if (written.count(items[i].id()) > 0) {
        results[i] = StoreResult{items[i], false};
      } else {
        results[i] = ResolveConflict(s, items[i]);
      }
    }
    for (std::size_t i : collided) results[i] = ResolveConflict(s, items[i]);

    for (std::size_t i = 0; i < items.size(); ++i) {
      if (first_of[i] != i) results[i] = StoreResult{results[first_of[i]]->feedback, true};
    }
    std::vector<StoreResult> out;
    out.reserve(items.size());
    for (auto& result : results) out.push_back(std::move(*result));
    return out;
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
    // One statement for the batch (ids bound one by one in an IN list), not
    // one execution per row.
    std::vector<std::string> keys;
    keys.reserve(queued.size());
    for (const auto& f : queued) keys.push_back(f.id());
    long long at = queued_ms;
    const bool sqlite = IsSqlite(s);
    std::string sql = "UPDATE feedback SET queued_ms = ";
    AppendPlaceholder(sql, sqlite, 0);
    sql += " WHERE id IN (";
    soci::statement st(s);
    st.exchange(soci::use(at));
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i > 0) sql += ", ";
      AppendPlaceholder(sql, sqlite, static_cast<int>(i) + 1);
      st.exchange(soci::use(keys[i]));
    }
    sql += ")";
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    st.execute(true);
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
