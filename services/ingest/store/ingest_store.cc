#include "services/ingest/store/ingest_store.h"

#include <nlohmann/json.hpp>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <limits>
#include <span>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/log/log.h"
#include "common/storage/backend.h"
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

// "(?, ..., ?), (?, ...)" for `rows` rows of kValuesPerRow values.
std::string ValuesList(std::size_t rows, bool sqlite) {
  std::string sql;
  sql.reserve(rows * kValuesPerRow * 6);
  std::size_t n = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (int v = 0; v < kValuesPerRow; ++v) {
      if (v > 0) sql += ", ";
      storage::AppendPlaceholder(sql, sqlite, n++);
    }
    sql += ")";
  }
  return sql;
}

const std::string kInsertPrefix = std::string("INSERT INTO feedback (") + kColumns + ") VALUES ";
const std::string kInsertSuffix = " ON CONFLICT DO NOTHING RETURNING id";

// A row the insert wrote: its id and, on SQLite, its rowid (0 on PostgreSQL).
struct Written {
  std::string id;
  std::int64_t rowid = 0;
};

// PostgreSQL, a round trip away: one multi-row INSERT per kRowsPerInsert
// items.

void InsertMultiRow(soci::session& s, std::span<const Feedback* const> items, std::vector<Written>& written) {
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
      do written.push_back({id, 0});
      while (st.fetch());
    }
  }
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

bool SameSource(const Feedback& a, const Feedback& b) {
  return a.channel() == b.channel() && a.external_id() == b.external_id();
}

}  // namespace

// SQLite, in process: one INSERT per pooled connection, prepared once for
// the store's life (SQLITE_PREPARE_PERSISTENT) and run once per item with
// the feedback's own strings bound in place (SQLITE_STATIC, no copies), the
// rowid read back from the connection. SOCI would prepare it again per
// batch and copy every bound string per row.
struct SqliteFeedbackInserts {
  std::mutex mu;
  std::unordered_map<sqlite_api::sqlite3*, sqlite_api::sqlite3_stmt*> by_connection;

  ~SqliteFeedbackInserts() {
    for (auto& [connection, statement] : by_connection) sqlite_api::sqlite3_finalize(statement);
  }

  static sqlite_api::sqlite3* ConnectionOf(soci::session& s) {
    // static_cast: SOCI exports no typeinfo for its backends to dynamic_cast with.
    if (!storage::IsSqlite(s)) throw soci::soci_error("not a SQLite session");
    return static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
  }

  [[noreturn]] static void Fail(sqlite_api::sqlite3* connection, const char* what) {
    throw soci::sqlite3_soci_error(std::string(what) + ": " + sqlite_api::sqlite3_errmsg(connection),
                                   sqlite_api::sqlite3_extended_errcode(connection));
  }

  sqlite_api::sqlite3_stmt* StatementFor(sqlite_api::sqlite3* connection) {
    std::lock_guard lock(mu);
    auto& statement = by_connection[connection];
    if (statement != nullptr) return statement;
    const std::string sql = kInsertPrefix + ValuesList(1, true) + " ON CONFLICT DO NOTHING";
    if (sqlite_api::sqlite3_prepare_v3(connection, sql.c_str(), static_cast<int>(sql.size()),
                                       SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
      statement = nullptr;
      Fail(connection, "preparing the feedback insert");
    }
    return statement;
  }

  // Inserts each item unless it conflicts (id or source); appends what it wrote.
  void Insert(soci::session& s, std::span<const Feedback* const> items, std::vector<Written>& written) {
    using namespace sqlite_api;
    sqlite3* connection = ConnectionOf(s);
    sqlite3_stmt* st = StatementFor(connection);
    std::string attributes_json;
    const auto text = [st](int column, const std::string& value) {
      sqlite3_bind_text(st, column, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    };
    for (const Feedback* f : items) {
      const auto& customer = f->customer();
      text(1, f->id());
      sqlite3_bind_int(st, 2, f->channel());
      text(3, f->external_id());
      text(4, customer.id());
      text(5, customer.value_tier());
      text(6, customer.account_manager());
      text(7, customer.store());
      text(8, customer.region());
      text(9, f->product());
      text(10, f->text());
      if (f->has_nps()) sqlite3_bind_int(st, 11, f->nps()); else sqlite3_bind_null(st, 11);
      if (f->has_rating()) sqlite3_bind_int(st, 12, f->rating()); else sqlite3_bind_null(st, 12);
      sqlite3_bind_int64(st, 13, ProtoToMillis(f->occurred_time()));
      sqlite3_bind_int64(st, 14, ProtoToMillis(f->received_time()));
      attributes_json = InsertRow::AttributesJson(*f);
      text(15, attributes_json);
      const int rc = sqlite3_step(st);
      if (rc != SQLITE_DONE) {
        // The error before reset clears it; reset returns the same code.
        const std::string message = sqlite3_errmsg(connection);
        const int code = sqlite3_extended_errcode(connection);
        sqlite3_reset(st);
        throw soci::sqlite3_soci_error("storing feedback: " + message, code);
      }
      const bool inserted = sqlite3_changes(connection) > 0;
      sqlite3_reset(st);
      if (inserted) written.push_back({f->id(), sqlite3_last_insert_rowid(connection)});
    }
  }
};

namespace {

// Inserts the items that conflict with nothing stored (id or (channel,
// external_id)); returns the rows written (no re-read for them).
std::vector<Written> InsertReturningIds(soci::session& s, SqliteFeedbackInserts* sqlite,
                                        std::span<const Feedback* const> items) {
  std::vector<Written> written;
  written.reserve(items.size());
  if (sqlite != nullptr) {
    sqlite->Insert(s, items, written);
  } else {
    InsertMultiRow(s, items, written);
  }
  return written;
}

// The item's result when the insert did not write it: the row stored for
// its source (a duplicate, erased or not), or - when another source's row
// holds its id (64-bit hash collision) - the item stored under a random id
// (`renamed` is set then).
StoreResult ResolveConflict(soci::session& s, SqliteFeedbackInserts* sqlite, const Feedback& item,
                            bool& renamed) {
  if (auto stored = FindBySource(s, item.channel(), item.external_id())) return {std::move(*stored), true};
  if (auto erased = FindErased(s, item)) return {std::move(*erased), true};
  Feedback other = item;
  other.set_id(NewId());
  other.set_name("feedback/" + other.id());
  const Feedback* one = &other;
  if (InsertReturningIds(s, sqlite, std::span(&one, 1)).empty()) {
    throw soci::soci_error("feedback insert conflicted twice for " + item.id());
  }
  renamed = true;
  return {std::move(other), false};
}

}  // namespace

IngestStore::IngestStore(voc::storage::Database& db, std::size_t relay_feed_max_rows)
    : db_(db),
      sqlite_inserts_(db.backend() == voc::storage::Backend::kSqlite ? std::make_unique<SqliteFeedbackInserts>() : nullptr),
      feed_(relay_feed_max_rows, kRelayFeedMaxBytes) {}

IngestStore::~IngestStore() = default;

absl::StatusOr<std::vector<StoreResult>> IngestStore::InsertOrGet(std::vector<Feedback>& items) {
  // Read before the transaction: an erasure that commits after this point
  // makes the feed drop what this call pushes (relay_feed.h).
  const std::uint64_t erasure_generation = ErasuresCommitted();
  // What the transaction decided per item: written as given (results[i]
  // empty, the item itself is the answer), or the stored row (a duplicate,
  // or a renamed insert). Items are moved into the answers only once
  // committed, so on an error the caller still has them.
  std::vector<std::optional<StoreResult>> results;
  std::vector<std::size_t> first_of;
  std::vector<std::pair<std::int64_t, std::size_t>> fresh_rows;  // (rowid, item) of the rows written
  bool renamed = false;
  absl::Status committed = voc::storage::Guarded("storing feedback", [&] {
   db_.InTransaction([&](soci::session& s) {
    results.assign(items.size(), std::nullopt);
    fresh_rows.clear();
    renamed = false;
    // A source twice in one batch: the first occurrence is inserted, the
    // later ones answer with what it stored. first_of[i] is that first index.
    std::unordered_map<std::string_view, std::size_t> first_by_id;
    first_by_id.reserve(items.size());
    first_of.assign(items.size(), 0);
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

    std::vector<const Feedback*> to_insert;
    to_insert.reserve(unique_index.size());
    for (std::size_t i : unique_index) to_insert.push_back(&items[i]);
    const std::vector<Written> written = InsertReturningIds(s, sqlite_inserts_.get(), to_insert);
    std::unordered_map<std::string_view, std::int64_t> rowid_of;
    rowid_of.reserve(written.size());
    for (const auto& w : written) rowid_of.emplace(w.id, w.rowid);
    fresh_rows.reserve(written.size());
    for (std::size_t i : unique_index) {
      if (auto w = rowid_of.find(items[i].id()); w != rowid_of.end()) {
        fresh_rows.emplace_back(w->second, i);  // results[i] stays empty: written as given
      } else {
        results[i] = ResolveConflict(s, sqlite_inserts_.get(), items[i], renamed);
      }
    }
    for (std::size_t i : collided) results[i] = ResolveConflict(s, sqlite_inserts_.get(), items[i], renamed);
   });
  });
  if (!committed.ok()) return committed;

  // Committed: hand the rows to the relay (SQLite; a renamed row has a
  // rowid out of this list, so such a commit leaves all to the table).
  if (sqlite_inserts_ != nullptr && !renamed && !fresh_rows.empty()) {
    std::sort(fresh_rows.begin(), fresh_rows.end());
    std::vector<RelayFeed::Row> rows;
    rows.reserve(fresh_rows.size());
    for (const auto& [rowid, i] : fresh_rows) rows.push_back({rowid, FeedbackMessage(items[i])});
    feed_.Push(std::move(rows), erasure_generation);
  }
  // A later occurrence of a source answers with a copy of what its first
  // one stored; copy those before the first ones are moved out.
  std::vector<StoreResult> out(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (first_of[i] == i) continue;
    const std::size_t first = first_of[i];
    out[i] = StoreResult{results[first] ? results[first]->feedback : items[first], true};
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (first_of[i] != i) continue;
    out[i] = results[i] ? std::move(*results[i]) : StoreResult{std::move(items[i]), false};
  }
  return out;
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
  if (sqlite_inserts_ != nullptr) return RelayByWatermark(limit, publisher);
  return RelayByMarker(limit, queued_ms, publisher);
}

std::int64_t IngestStore::LoadWatermarkLocked(soci::session& s) {
  long long rowid = 0;
  std::string id;
  s << "SELECT relayed_rowid, relayed_id FROM feedback_relay_mark WHERE id = 1", soci::into(rowid), soci::into(id);
  if (!s.got_data()) return 0;
  if (id.empty()) return rowid;
  // Rowids are only ever renumbered by a VACUUM, which keeps their order:
  // the last relayed feedback's rowid now is the watermark.
  long long now = 0;
  s << "SELECT rowid FROM feedback WHERE id = :id", soci::use(id), soci::into(now);
  if (s.got_data() && now != rowid) {
    log::Warn("feedback_relay_mark_moved", {{"feedback_id", id}, {"was", rowid}, {"now", now}});
    return now;
  }
  return rowid;
}

absl::StatusOr<voc::storage::OutboxBatch> IngestStore::RelayByWatermark(int limit, queue::Publisher& publisher) {
  return voc::storage::Guarded("relaying feedback", [&] {
    std::lock_guard lock(relay_mu_);
    if (!watermark_) {
      watermark_ = db_.WithSession([&](soci::session& s) { return LoadWatermarkLocked(s); });
      known_watermark_ = *watermark_;
    }
    const std::size_t want = static_cast<std::size_t>(std::max(1, limit));
    RelayFeed::Taken taken = feed_.Take(*watermark_, want, ErasuresCommitted());
    std::vector<std::int64_t> rowids;
    std::vector<queue::MessageFields> messages;
    rowids.reserve(taken.rows.size());
    messages.reserve(taken.rows.size());
    for (auto& row : taken.rows) {
      rowids.push_back(row.rowid);
      messages.push_back(std::move(row.message));
    }
    // What the feed does not have (a restart, a failed pass, a full feed, a
    // commit that pushed late) the table has.
    if (messages.size() < want && (messages.empty() || taken.gap)) {
      long long after = rowids.empty() ? *watermark_ : rowids.back();
      int more = static_cast<int>(want - messages.size());
      db_.WithSession([&](soci::session& s) {
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT " << kColumns << ", rowid FROM feedback WHERE rowid > :after ORDER BY rowid LIMIT :n",
             soci::use(after), soci::use(more));
        for (const auto& row : rows) {
          rowids.push_back(AsInt(row, kValuesPerRow));
          messages.push_back(FeedbackMessage(FromRow(row)));
        }
      });
    }
    voc::storage::OutboxBatch batch;
    batch.claimed = messages.size();
    if (messages.empty()) return batch;
    batch.published = std::min(publisher.Publish(messages), messages.size());
    if (batch.published == 0) return batch;
    long long mark = rowids[batch.published - 1];
    std::string mark_id = messages[batch.published - 1].at("feedback_id");
    watermark_ = mark;
    known_watermark_ = mark;
    db_.InTransaction([&](soci::session& s) {
      s << "UPDATE feedback_relay_mark SET relayed_rowid = :rowid, relayed_id = :id WHERE id = 1", soci::use(mark),
          soci::use(mark_id);
    });
    return batch;
  });
}

absl::StatusOr<voc::storage::OutboxBatch> IngestStore::RelayByMarker(int limit, std::int64_t queued_ms,
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
    const bool sqlite = storage::IsSqlite(s);
    std::string sql = "UPDATE feedback SET queued_ms = ";
    storage::AppendPlaceholder(sql, sqlite, 0);
    sql += " WHERE id IN (";
    soci::statement st(s);
    st.exchange(soci::use(at));
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i > 0) sql += ", ";
      storage::AppendPlaceholder(sql, sqlite, i + 1);
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
      if (sqlite_inserts_ == nullptr) {
        s << "SELECT COUNT(*) FROM feedback WHERE queued_ms IS NULL", soci::into(count);
      } else if (long long mark = known_watermark_.load(); mark >= 0) {
        s << "SELECT COUNT(*) FROM feedback WHERE rowid > :mark", soci::use(mark), soci::into(count);
      } else {
        s << "SELECT COUNT(*) FROM feedback WHERE rowid > "
             "(SELECT relayed_rowid FROM feedback_relay_mark WHERE id = 1)",
            soci::into(count);
      }
      return static_cast<std::int64_t>(count);
    });
  });
}

}  // namespace voc::ingest
