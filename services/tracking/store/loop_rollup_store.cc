#include "services/tracking/store/loop_rollup_store.h"

#include <algorithm>
#include <array>
#include <compare>
#include <stdexcept>
#include <map>
#include <sstream>
#include <tuple>
#include <utility>

#include "common/log/log.h"
#include "common/storage/bound_select.h"
#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "common/util/time.h"
#include "services/tracking/store/histogram_text.h"
#include "services/tracking/store/loop_report_store.h"

namespace voc::tracking {
namespace {

using storage::AsInt;
using storage::AsString;
using storage::BoundSelect;
using storage::Exec;

constexpr char kOffsetSetting[] = "utc_offset_minutes";
// Cases read a statement when rebuilding; the IN lists of a refresh are at
// most its limit.
constexpr int kRebuildChunk = 2000;

// The counters' columns, in LoopField order (kLoopOpened ..).
constexpr std::array<const char*, kLoopCounterCount> kCounterColumns = {
    "opened",   "resolved", "first_response_due", "first_response_met", "resolution_due",
    "resolution_met", "breaches", "escalations", "called_back_within_24h", "reached"};

// loop_open_counts' key: the daily rows without their event day.
struct OpenKey {
  std::int64_t open_day = 0;
  std::string department;
  int kind = 0;
  auto operator<=>(const OpenKey&) const = default;
};

// A block of opening days: (span, block) is the 2^span opening days
// [block << span, ((block + 1) << span) - 1]. loop_block_counts' key.
struct BlockKey {
  int span = 0;
  std::int64_t block = 0;
  std::string department;
  int kind = 0;
  auto operator<=>(const BlockKey&) const = default;
};

// loop_block_histograms' key: one histogram of a block.
struct HistogramKey {
  BlockKey block;
  int clock = 0;
  auto operator<=>(const HistogramKey&) const = default;
};

// One event of a case at day precision: what the roll-up keeps.
struct DayEvent {
  std::int64_t day = 0;
  int field = 0;
  std::int64_t bucket_ms = 0;
};

// What one case adds to the roll-up.
struct CaseContribution {
  std::int64_t open_day = 0;
  std::string department;
  int kind = 0;
  std::vector<DayEvent> events;
};

CaseContribution ContributionOf(const LoopCaseRow& c, std::int64_t known_at_ms, int offset) {
  CaseContribution out;
  out.open_day = LocalDay(c.create_ms, offset);
  out.department = c.department;
  out.kind = c.kind;
  for (const LoopEvent& e : LoopEventsOf(c, known_at_ms)) {
    out.events.push_back({LocalDay(e.time_ms, offset), static_cast<int>(e.field), e.bucket_ms});
  }
  return out;
}

// loop_case_events.events: "open_day kind", the department, then a line
// "day field bucket" per event. Department ids never hold a newline.
std::string Encode(const CaseContribution& c) {
  std::string out = std::to_string(c.open_day) + " " + std::to_string(c.kind) + "\n" + c.department + "\n";
  for (const DayEvent& e : c.events) {
    out += std::to_string(e.day) + " " + std::to_string(e.field) + " " + std::to_string(e.bucket_ms) + "\n";
  }
  return out;
}

std::optional<CaseContribution> Decode(const std::string& text) {
  std::istringstream in(text);
  CaseContribution c;
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  std::istringstream head(line);
  if (!(head >> c.open_day >> c.kind)) return std::nullopt;
  if (!std::getline(in, c.department)) return std::nullopt;
  while (std::getline(in, line)) {
    std::istringstream ev(line);
    DayEvent e;
    if (ev >> e.day >> e.field >> e.bucket_ms) c.events.push_back(e);
  }
  return c;
}

struct RowKey {
  std::int64_t open_day = 0;
  std::string department;
  int kind = 0;
  std::int64_t event_day = 0;
  auto operator<=>(const RowKey&) const = default;
};

// Signed changes to the roll-up's rows, ordered by key so that concurrent
// refreshes on PostgreSQL lock rows in one order (no deadlock).
struct RollupDelta {
  std::map<RowKey, std::array<long long, kLoopCounterCount>> counts;
  std::map<std::tuple<RowKey, int, std::int64_t>, long long> durations;  // (row, clock, bucket)
  // The same events without their event day, and per block of opening
  // days: counters, and histograms (bucket -> clocks).
  std::map<OpenKey, std::array<long long, kLoopCounterCount>> open_counts;
  std::map<BlockKey, std::array<long long, kLoopCounterCount>> block_counts;
  std::map<HistogramKey, std::map<std::int64_t, long long>> block_histograms;

  void Add(const CaseContribution& c, int sign) {
    for (const DayEvent& e : c.events) {
      const RowKey key{c.open_day, c.department, c.kind, e.day};
      if (e.field < kLoopCounterCount) {
        counts[key][e.field] += sign;
        open_counts[{c.open_day, c.department, c.kind}][e.field] += sign;
        for (const int span : kLoopBlockSpans) {
          block_counts[{span, c.open_day >> span, c.department, c.kind}][e.field] += sign;
        }
      } else {
        const int clock = e.field - kLoopCounterCount;
        durations[{key, clock, e.bucket_ms}] += sign;
        for (const int span : kLoopBlockSpans) {
          block_histograms[{{span, c.open_day >> span, c.department, c.kind}, clock}][e.bucket_ms] += sign;
        }
      }
    }
  }
};

struct CountRow {
  long long open_day, event_day;
  std::string department;
  int kind;
  std::array<long long, kLoopCounterCount> n;
};
struct DurationRow {
  long long open_day, event_day;
  std::string department;
  int kind, clock;
  long long bucket_ms, clocks;
};

struct OpenCountRow {
  long long open_day;
  std::string department;
  int kind;
  std::array<long long, kLoopCounterCount> n;
};
struct BlockCountRow {
  int span;
  long long block;
  std::string department;
  int kind;
  std::array<long long, kLoopCounterCount> n;
};
struct BlockHistogramRow {
  int span;
  long long block;
  std::string department;
  int kind, clock;
  std::string buckets;
};

// "INSERT INTO table (key columns, counters)"
std::string CountsUpsertHead(const std::string& table, const std::string& key_columns) {
  std::string head = "INSERT INTO " + table + " (" + key_columns;
  for (const char* c : kCounterColumns) head += std::string(", ") + c;
  return head + ")";
}
// " ON CONFLICT (key) DO UPDATE SET counter = table.counter + excluded.counter, ..."
std::string CountsUpsertTail(const std::string& table, const std::string& key_columns) {
  std::string tail = " ON CONFLICT (" + key_columns + ") DO UPDATE SET ";
  for (std::size_t i = 0; i < kCounterColumns.size(); ++i) {
    const std::string c = kCounterColumns[i];
    tail += (i ? ", " : "") + c + " = " + table + "." + c + " + excluded." + c;
  }
  return tail;
}

// The counters' columns as a migration writes them: ", opened BIGINT NOT
// NULL DEFAULT 0, ..." in a CREATE TABLE, ", opened, ..." in an INSERT and
// ", SUM(opened), ..." in its SELECT.
struct CounterColumnsSql {
  std::string definitions, names, sums;
};
CounterColumnsSql CounterColumnsForMigration() {
  CounterColumnsSql out;
  for (const char* c : kCounterColumns) {
    out.definitions += std::string(", ") + c + " BIGINT NOT NULL DEFAULT 0";
    out.names += std::string(", ") + c;
    out.sums += std::string(", SUM(") + c + ")";
  }
  return out;
}

template <typename Counters>
bool AnyNonZero(const Counters& n) {
  for (long long v : n) {
    if (v != 0) return true;
  }
  return false;
}

// A stored histogram's run; an unreadable text fails the statement's
// transaction with its department and the way out.
void ReadStoredHistogram(const std::string& text, const std::string& department, HistogramRun& run) {
  if (!ParseHistogram(text, run)) {
    throw std::runtime_error("loop_block_histograms holds an unreadable histogram for department " + department +
                             " (rebuild it: voc reports rebuild loop)");
  }
}

// "SELECT <columns> FROM <table> WHERE span = .. AND block = ..": one block
// of opening days of a block table (loop_block_counts, loop_block_histograms).
BoundSelect BlockSelect(const std::string& columns, const std::string& table, int span, std::int64_t block) {
  BoundSelect st;
  st += "SELECT " + columns + " FROM " + table;
  st += " WHERE span = " + st.Param(static_cast<long long>(span));
  st += " AND block = " + st.Param(static_cast<long long>(block));
  return st;
}

// A histogram row holds a whole histogram, so a change is read, added and
// written back (not summed by the upsert as the other rows are). On
// PostgreSQL refreshes may run at once (their marks are taken with SKIP
// LOCKED): a transaction lock makes their histogram writes one at a time,
// so no addition is lost. SQLite has one writer anyway.
void ApplyBlockHistograms(soci::session& s, bool sqlite,
                          const std::map<HistogramKey, std::map<std::int64_t, long long>>& changes,
                          std::size_t per_statement) {
  // The changes per block of days, and the departments they touch.
  std::map<std::pair<int, std::int64_t>, std::set<std::string>> blocks;
  for (const auto& [key, buckets] : changes) {
    for (const auto& [bucket, n] : buckets) {
      if (n != 0) {
        blocks[{key.block.span, key.block.block}].insert(key.block.department);
        break;
      }
    }
  }
  if (blocks.empty()) return;
  if (!sqlite) {
    int locked = 0;
    s << "SELECT 1 FROM pg_advisory_xact_lock(hashtext('tracking.loop_block_histograms'))", soci::into(locked);
  }
  std::map<HistogramKey, HistogramRun> stored;
  for (const auto& [block, departments] : blocks) {
    BoundSelect st = BlockSelect("department, kind, clock, buckets", "loop_block_histograms", block.first, block.second);
    st += " AND department IN " + st.ParamList(departments);
    for (const soci::row& r : st.Run(s)) {
      const std::string department = AsString(r, 0);
      HistogramRun& run =
          stored[{{block.first, block.second, department, static_cast<int>(AsInt(r, 1))}, static_cast<int>(AsInt(r, 2))}];
      ReadStoredHistogram(AsString(r, 3), department, run);
    }
  }
  std::vector<BlockHistogramRow> rows;
  std::vector<HistogramKey> emptied;
  for (const auto& [key, buckets] : changes) {
    HistogramRun change;
    for (const auto& [bucket, n] : buckets) {
      if (n != 0) change.emplace_back(bucket, n);
    }
    if (change.empty()) continue;
    HistogramRun& run = stored[key];
    AddHistogram(run, change);
    if (run.empty()) {
      emptied.push_back(key);
    } else {
      rows.push_back({key.block.span, key.block.block, key.block.department, key.block.kind, key.clock,
                      EncodeHistogram(run)});
    }
  }
  storage::InsertRows(s, "INSERT INTO loop_block_histograms (span, block, department, kind, clock, buckets)", 6,
                      " ON CONFLICT (span, block, department, kind, clock) DO UPDATE SET buckets = excluded.buckets",
                      rows,
                      [](soci::details::prepare_temp_type& q, BlockHistogramRow& r) {
                        q, soci::use(r.span), soci::use(r.block), soci::use(r.department), soci::use(r.kind),
                            soci::use(r.clock), soci::use(r.buckets);
                      },
                      per_statement);
  for (HistogramKey& key : emptied) {
    long long span = key.block.span, block = key.block.block, kind = key.block.kind, clock = key.clock;
    Exec(s,
         "DELETE FROM loop_block_histograms WHERE span = :s AND block = :b AND department = :d AND kind = :k"
         " AND clock = :c",
         soci::use(span), soci::use(block), soci::use(key.block.department), soci::use(kind), soci::use(clock));
  }
}

void Apply(soci::session& s, bool sqlite, RollupDelta& delta) {
  // Long multi-row upserts cost SQLite more than linearly (voice_rollup_store.cc).
  const std::size_t per_statement = sqlite ? 20 : 200;
  std::vector<CountRow> counts;
  for (const auto& [k, n] : delta.counts) {
    if (AnyNonZero(n)) counts.push_back({k.open_day, k.event_day, k.department, k.kind, n});
  }
  static const std::string head = CountsUpsertHead("loop_daily_counts", "open_day, event_day, department, kind"),
                           tail = CountsUpsertTail("loop_daily_counts", "open_day, department, kind, event_day");
  storage::InsertRows(s, head, 4 + kLoopCounterCount, tail, counts,
                      [](soci::details::prepare_temp_type& q, CountRow& r) {
                        q, soci::use(r.open_day), soci::use(r.event_day), soci::use(r.department), soci::use(r.kind);
                        for (long long& v : r.n) q, soci::use(v);
                      },
                      per_statement);
  std::vector<DurationRow> durations;
  for (const auto& [k, n] : delta.durations) {
    const auto& [row, clock, bucket] = k;
    if (n != 0) durations.push_back({row.open_day, row.event_day, row.department, row.kind, clock, bucket, n});
  }
  storage::InsertRows(s,
                      "INSERT INTO loop_daily_durations (open_day, event_day, department, kind, clock,"
                      " bucket_ms, clocks)",
                      7,
                      " ON CONFLICT (open_day, department, kind, event_day, clock, bucket_ms)"
                      " DO UPDATE SET clocks = loop_daily_durations.clocks + excluded.clocks",
                      durations,
                      [](soci::details::prepare_temp_type& q, DurationRow& r) {
                        q, soci::use(r.open_day), soci::use(r.event_day), soci::use(r.department),
                            soci::use(r.kind), soci::use(r.clock), soci::use(r.bucket_ms), soci::use(r.clocks);
                      },
                      per_statement);

  std::vector<OpenCountRow> open_counts;
  for (const auto& [k, n] : delta.open_counts) {
    if (AnyNonZero(n)) open_counts.push_back({k.open_day, k.department, k.kind, n});
  }
  static const std::string open_head = CountsUpsertHead("loop_open_counts", "open_day, department, kind"),
                           open_tail = CountsUpsertTail("loop_open_counts", "open_day, department, kind");
  storage::InsertRows(s, open_head, 3 + kLoopCounterCount, open_tail, open_counts,
                      [](soci::details::prepare_temp_type& q, OpenCountRow& r) {
                        q, soci::use(r.open_day), soci::use(r.department), soci::use(r.kind);
                        for (long long& v : r.n) q, soci::use(v);
                      },
                      per_statement);
  std::vector<BlockCountRow> block_counts;
  for (const auto& [k, n] : delta.block_counts) {
    if (AnyNonZero(n)) block_counts.push_back({k.span, k.block, k.department, k.kind, n});
  }
  static const std::string block_head = CountsUpsertHead("loop_block_counts", "span, block, department, kind"),
                           block_tail = CountsUpsertTail("loop_block_counts", "span, block, department, kind");
  storage::InsertRows(s, block_head, 4 + kLoopCounterCount, block_tail, block_counts,
                      [](soci::details::prepare_temp_type& q, BlockCountRow& r) {
                        q, soci::use(r.span), soci::use(r.block), soci::use(r.department), soci::use(r.kind);
                        for (long long& v : r.n) q, soci::use(v);
                      },
                      per_statement);
  ApplyBlockHistograms(s, sqlite, delta.block_histograms, per_statement);
}

struct EventsRow {
  std::string case_id, events;
};

void SaveEvents(soci::session& s, bool sqlite, std::vector<EventsRow>& rows) {
  storage::InsertRows(s, "INSERT INTO loop_case_events (case_id, events)", 2,
                      " ON CONFLICT (case_id) DO UPDATE SET events = excluded.events", rows,
                      [](soci::details::prepare_temp_type& q, EventsRow& r) {
                        q, soci::use(r.case_id), soci::use(r.events);
                      },
                      sqlite ? 20 : 200);
}

void DeleteByIds(soci::session& s, const std::string& table, const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  soci::details::prepare_temp_type q =
      (s.prepare << "DELETE FROM " + table + " WHERE case_id IN " + storage::Placeholders("i", ids.size()));
  for (const std::string& id : ids) q, soci::use(id);
  soci::statement st(q);
  st.execute(true);
}

// " AND kind = .. AND department IN (..)" of a report.
void KindAndDepartments(BoundSelect& st, const LoopRollupQuery& q) {
  if (q.kind != 0) st += " AND kind = " + st.Param(static_cast<long long>(q.kind));
  if (q.departments) st += " AND department IN " + st.ParamList(*q.departments);
}

// WHERE of a daily table's events that happened after the report's day, of
// cases opened in its range. "+open_day" keeps the planner off the primary
// key (which starts with open_day and would read the whole range) and on
// the event-day index, which for a range ending today holds nothing to read.
void LateEventsOf(BoundSelect& st, const LoopRollupQuery& q) {
  st += " WHERE event_day > " + st.Param(static_cast<long long>(q.as_of_day));
  st += " AND +open_day >= " + st.Param(static_cast<long long>(q.start_day));
  st += " AND +open_day <= " + st.Param(static_cast<long long>(q.end_day));
  KindAndDepartments(st, q);
}

void WriteOffset(soci::session& s, int offset) {
  long long value = offset;
  const std::string name = kOffsetSetting;
  Exec(s, "DELETE FROM loop_rollup_settings WHERE name = :n", soci::use(name));
  Exec(s, "INSERT INTO loop_rollup_settings (name, value) VALUES (:n, :v)", soci::use(name), soci::use(value));
}

}  // namespace

storage::Migration LoopRollupMigration() {
  std::string counts =
      "CREATE TABLE loop_daily_counts ("
      " open_day BIGINT NOT NULL, department TEXT NOT NULL, kind INTEGER NOT NULL, event_day BIGINT NOT NULL";
  for (const char* c : kCounterColumns) counts += std::string(", ") + c + " BIGINT NOT NULL DEFAULT 0";
  counts += ", PRIMARY KEY (open_day, department, kind, event_day))";
  return {8,
          "Loop report roll-up (issue 12): daily sums of the cases' events",
          {
              counts,
              "CREATE TABLE loop_daily_durations ("
              " open_day BIGINT NOT NULL, department TEXT NOT NULL, kind INTEGER NOT NULL,"
              " event_day BIGINT NOT NULL, clock INTEGER NOT NULL, bucket_ms BIGINT NOT NULL,"
              " clocks BIGINT NOT NULL,"
              " PRIMARY KEY (open_day, department, kind, event_day, clock, bucket_ms))",
              // Each case's events as last summed: what a refresh takes back.
              "CREATE TABLE loop_case_events (case_id TEXT PRIMARY KEY, events TEXT NOT NULL)",
              "CREATE TABLE loop_rollup_dirty (case_id TEXT PRIMARY KEY, marks BIGINT NOT NULL)",
              "CREATE TABLE loop_rollup_settings (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
              // A database from before the roll-up: its first refreshes sum every case.
              "INSERT INTO loop_rollup_dirty (case_id, marks) SELECT id, 1 FROM cases",
          }};
}

storage::Migration LoopOpenSumsMigration() {
  const auto [definitions, columns, sums] = CounterColumnsForMigration();
  const std::string open_counts =
      "CREATE TABLE loop_open_counts ("
      " open_day BIGINT NOT NULL, department TEXT NOT NULL, kind INTEGER NOT NULL" +
      definitions + ", PRIMARY KEY (open_day, department, kind))";
  std::vector<std::string> statements = {
      open_counts,
      "CREATE TABLE loop_block_durations ("
      " span INTEGER NOT NULL, block BIGINT NOT NULL, department TEXT NOT NULL, kind INTEGER NOT NULL,"
      " clock INTEGER NOT NULL, bucket_ms BIGINT NOT NULL, clocks BIGINT NOT NULL,"
      " PRIMARY KEY (span, block, department, kind, clock, bucket_ms))",
      // What a report takes back: the events after its day.
      "CREATE INDEX loop_daily_counts_late ON loop_daily_counts (event_day, open_day)",
      "CREATE INDEX loop_daily_durations_late ON loop_daily_durations (event_day, open_day)",
      // The daily rows already summed, without their event day (">>" is a
      // floor division by 2^span on SQLite and PostgreSQL alike).
      "INSERT INTO loop_open_counts (open_day, department, kind" + columns + ")"
      " SELECT open_day, department, kind" + sums + " FROM loop_daily_counts GROUP BY open_day, department, kind",
  };
  for (const int span : kLoopBlockSpans) {
    const std::string block = "open_day >> " + std::to_string(span);
    statements.push_back(
        "INSERT INTO loop_block_durations (span, block, department, kind, clock, bucket_ms, clocks)"
        " SELECT " + std::to_string(span) + ", " + block + ", department, kind, clock, bucket_ms, SUM(clocks)"
        " FROM loop_daily_durations GROUP BY " + block + ", department, kind, clock, bucket_ms");
  }
  // On SQLite the two tables are clustered by their key (WITHOUT ROWID): a
  // block is then one sequential read, not an index read plus a table
  // lookup per row.
  std::vector<std::string> sqlite_statements = statements;
  sqlite_statements[0] += " WITHOUT ROWID";
  sqlite_statements[1] += " WITHOUT ROWID";
  return {11, "Loop report roll-up: sums per opening day and per block of opening days (issue 12)",
          std::move(statements), std::move(sqlite_statements)};
}

storage::Migration LoopBlockHistogramsMigration() {
  const auto [definitions, columns, sums] = CounterColumnsForMigration();
  const std::string block_counts =
      "CREATE TABLE loop_block_counts ("
      " span INTEGER NOT NULL, block BIGINT NOT NULL, department TEXT NOT NULL, kind INTEGER NOT NULL" +
      definitions + ", PRIMARY KEY (span, block, department, kind))";
  const std::string histograms =
      "CREATE TABLE loop_block_histograms ("
      " span INTEGER NOT NULL, block BIGINT NOT NULL, department TEXT NOT NULL, kind INTEGER NOT NULL,"
      " clock INTEGER NOT NULL, buckets TEXT NOT NULL,"
      " PRIMARY KEY (span, block, department, kind, clock))";
  std::vector<std::string> statements = {block_counts, histograms};
  for (const int span : kLoopBlockSpans) {
    const std::string block = "open_day >> " + std::to_string(span);
    statements.push_back("INSERT INTO loop_block_counts (span, block, department, kind" + columns + ")" +
                         " SELECT " + std::to_string(span) + ", " + block + ", department, kind" + sums +
                         " FROM loop_open_counts GROUP BY " + block + ", department, kind");
  }
  // Each histogram's buckets as one text (histogram_text.h); the order
  // within an aggregate is not promised, and the parser does not need it.
  auto fill = [](const std::string& concatenated) {
    return "INSERT INTO loop_block_histograms (span, block, department, kind, clock, buckets)"
           " SELECT span, block, department, kind, clock, " +
           concatenated +
           " FROM loop_block_durations WHERE clocks <> 0 GROUP BY span, block, department, kind, clock";
  };
  const std::string pair = "CAST(bucket_ms AS TEXT) || ':' || CAST(clocks AS TEXT)";
  std::vector<std::string> sqlite_statements = statements;
  sqlite_statements[0] += " WITHOUT ROWID";
  sqlite_statements[1] += " WITHOUT ROWID";
  statements.push_back(fill("string_agg(" + pair + ", ' ' ORDER BY bucket_ms)"));
  sqlite_statements.push_back(fill("group_concat(" + pair + ", ' ')"));
  for (auto* list : {&statements, &sqlite_statements}) {
    list->push_back("DROP TABLE loop_block_durations");
    // The awaiting-callback count: the detractor cases of the last 24
    // hours, and their ids for the owner and callback lookups, from the
    // index alone.
    list->push_back("CREATE INDEX cases_kind_opened ON cases (kind, create_ms, id)");
  }
  return {12, "Loop report roll-up: one row per histogram of a block, counters per block (issue 12)",
          std::move(statements), std::move(sqlite_statements)};
}

void MarkLoopRollupDirty(soci::session& s, const std::string& case_id) {
  MarkLoopRollupDirty(s, std::vector<std::string>{case_id});
}

void MarkLoopRollupDirty(soci::session& s, const std::vector<std::string>& case_ids) {
  // One statement for a batch of new cases. DO UPDATE, not DO NOTHING: on
  // PostgreSQL it waits for a refresh holding the mark and, once the
  // refresh deleted it, inserts it again. Ids once each: one statement may
  // not update a row twice.
  struct Mark {
    std::string case_id;
    long long marks = 1;
  };
  std::set<std::string> unique(case_ids.begin(), case_ids.end());
  std::vector<Mark> marks;
  for (const std::string& id : unique) marks.push_back({id});
  storage::InsertRows(s, "INSERT INTO loop_rollup_dirty (case_id, marks)", 2,
                      " ON CONFLICT (case_id) DO UPDATE SET marks = loop_rollup_dirty.marks + 1", marks,
                      [](soci::details::prepare_temp_type& q, Mark& m) { q, soci::use(m.case_id), soci::use(m.marks); });
}

LoopRollupStore::LoopRollupStore(storage::Database& db, const Clock& clock, int utc_offset_minutes)
    : db_(db), clock_(clock), utc_offset_minutes_(utc_offset_minutes) {}

absl::StatusOr<int> LoopRollupStore::RefreshOnce(int limit) {
  const bool sqlite = db_.backend() == storage::Backend::kSqlite;
  return storage::Guarded("refreshing the loop roll-up", [&] {
    return db_.InTransaction([&](soci::session& s) -> int {
      std::vector<std::string> ids;
      {
        // PostgreSQL: marks another refresh holds are left to it.
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT case_id FROM loop_rollup_dirty ORDER BY case_id LIMIT " + std::to_string(limit) +
                              (sqlite ? "" : " FOR UPDATE SKIP LOCKED"));
        for (const soci::row& r : rows) ids.push_back(AsString(r, 0));
      }
      if (ids.empty()) return 0;
      const std::int64_t now_ms = ToMillis(clock_.Now());
      LoopCaseQuery query;
      query.case_ids = ids;
      RollupDelta delta;
      std::map<std::string, CaseContribution> now_of;
      for (const LoopCaseRow& c : LoopReportStore::ReadCases(s, query)) {
        now_of.emplace(c.case_id, ContributionOf(c, now_ms, utc_offset_minutes_));
      }
      BoundSelect old_st;
      old_st += "SELECT case_id, events FROM loop_case_events WHERE case_id IN ";
      old_st += old_st.ParamList(ids);
      for (const soci::row& r : old_st.Run(s)) {
        if (auto old = Decode(AsString(r, 1))) delta.Add(*old, -1);
      }
      std::vector<EventsRow> saved;
      std::vector<std::string> gone;
      for (const std::string& id : ids) {
        const auto it = now_of.find(id);
        if (it == now_of.end()) {
          gone.push_back(id);  // no such case (any more): its events are taken back only
          continue;
        }
        delta.Add(it->second, +1);
        saved.push_back({id, Encode(it->second)});
      }
      Apply(s, sqlite, delta);
      SaveEvents(s, sqlite, saved);
      DeleteByIds(s, "loop_case_events", gone);
      DeleteByIds(s, "loop_rollup_dirty", ids);
      return static_cast<int>(ids.size());
    });
  });
}

absl::StatusOr<std::int64_t> LoopRollupStore::RefreshAll(int max_batches) {
  std::int64_t total = 0;
  for (int i = 0; i < max_batches; ++i) {
    const absl::StatusOr<int> n = RefreshOnce();
    if (!n.ok()) return n.status();
    total += *n;
    if (*n == 0) break;
  }
  return total;
}

absl::StatusOr<std::int64_t> LoopRollupStore::MarkedCases() {
  return storage::Guarded("counting the loop roll-up's marked cases", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long n = 0;
      s << "SELECT COUNT(*) FROM loop_rollup_dirty", soci::into(n);
      return static_cast<std::int64_t>(n);
    });
  });
}

absl::StatusOr<LoopRollupRebuilt> LoopRollupStore::Rebuild() {
  const bool sqlite = db_.backend() == storage::Backend::kSqlite;
  return storage::Guarded("rebuilding the loop roll-up", [&] {
    return db_.InTransaction([&](soci::session& s) {
      // Marks first: a writer that commits after this marks its case again,
      // and one that marked before has committed by the time it is read.
      s << "DELETE FROM loop_rollup_dirty";
      s << "DELETE FROM loop_daily_counts";
      s << "DELETE FROM loop_daily_durations";
      s << "DELETE FROM loop_open_counts";
      s << "DELETE FROM loop_block_counts";
      s << "DELETE FROM loop_block_histograms";
      s << "DELETE FROM loop_case_events";
      const std::int64_t now_ms = ToMillis(clock_.Now());
      LoopRollupRebuilt out;
      RollupDelta delta;
      std::string after;  // keyset over case ids
      for (;;) {
        std::vector<std::string> ids;
        {
          soci::rowset<soci::row> rows =
              (s.prepare << "SELECT id FROM cases WHERE id > :a ORDER BY id LIMIT " + std::to_string(kRebuildChunk),
               soci::use(after));
          for (const soci::row& r : rows) ids.push_back(AsString(r, 0));
        }
        if (ids.empty()) break;
        after = ids.back();
        LoopCaseQuery query;
        query.case_ids = ids;
        std::vector<EventsRow> saved;
        for (const LoopCaseRow& c : LoopReportStore::ReadCases(s, query)) {
          const CaseContribution contribution = ContributionOf(c, now_ms, utc_offset_minutes_);
          delta.Add(contribution, +1);
          saved.push_back({c.case_id, Encode(contribution)});
        }
        SaveEvents(s, sqlite, saved);
        out.cases += static_cast<std::int64_t>(saved.size());
      }
      Apply(s, sqlite, delta);
      out.count_rows = static_cast<std::int64_t>(delta.counts.size());
      out.duration_rows = static_cast<std::int64_t>(delta.durations.size());
      WriteOffset(s, utc_offset_minutes_);
      return out;
    });
  });
}

absl::Status LoopRollupStore::EnsureOffset() {
  const absl::StatusOr<std::optional<long long>> stored =
      storage::Guarded("reading the loop roll-up's offset", [&] {
        return db_.WithSession([&](soci::session& s) -> std::optional<long long> {
          long long value = 0;
          soci::indicator ind = soci::i_null;
          const std::string name = kOffsetSetting;
          s << "SELECT value FROM loop_rollup_settings WHERE name = :n", soci::into(value, ind), soci::use(name);
          if (!s.got_data() || ind == soci::i_null) return std::nullopt;
          return value;
        });
      });
  if (!stored.ok()) return stored.status();
  if (*stored && **stored == utc_offset_minutes_) return absl::OkStatus();
  if (!*stored) {
    // A new roll-up: every case is marked (migration 8) or none exists yet,
    // so the refreshes build its rows at this offset.
    return storage::Guarded("writing the loop roll-up's offset", [&] {
      return db_.InTransaction([&](soci::session& s) {
        WriteOffset(s, utc_offset_minutes_);
        return absl::OkStatus();
      });
    });
  }
  log::Info("loop_rollup_rebuild", {{"reason", "report offset changed"},
                                    {"from_minutes", std::to_string(**stored)},
                                    {"to_minutes", std::to_string(utc_offset_minutes_)}});
  const absl::StatusOr<LoopRollupRebuilt> rebuilt = Rebuild();
  return rebuilt.ok() ? absl::OkStatus() : rebuilt.status();
}

std::vector<LoopDayBlocks> LoopDayBlocksCovering(std::int64_t first_day, std::int64_t last_day) {
  std::vector<LoopDayBlocks> out;
  for (std::int64_t day = first_day; day <= last_day;) {
    // The largest block that starts here and ends inside the range.
    int span = 0;
    for (auto it = kLoopBlockSpans.rbegin(); it != kLoopBlockSpans.rend(); ++it) {
      const std::int64_t length = std::int64_t{1} << *it;
      if ((day & (length - 1)) == 0 && day + length - 1 <= last_day) {
        span = *it;
        break;
      }
    }
    const std::int64_t block = day >> span;
    if (!out.empty() && out.back().span == span && out.back().last_block + 1 == block) {
      out.back().last_block = block;
    } else {
      out.push_back({span, block, block});
    }
    day += std::int64_t{1} << span;
  }
  return out;
}

absl::StatusOr<LoopTally> LoopRollupStore::Tally(const LoopRollupQuery& query) {
  if (query.departments && query.departments->empty()) return LoopTally{};
  return storage::Guarded("reading the loop roll-up", [&] {
    return db_.WithSession([&](soci::session& s) {
      LoopTally tally;
      std::string sums;
      for (const char* c : kCounterColumns) sums += std::string(", CAST(SUM(") + c + ") AS BIGINT)";

      // Counters: the range's opening days as at most thirteen blocks (each
      // a sum kept as cases change), less the events after the report's
      // day. The backlog (opened less resolved) is aged by opening day, so
      // it is summed per day, in the database.
      const std::vector<LoopDayBlocks> covering = LoopDayBlocksCovering(query.start_day, query.end_day);
      for (const LoopDayBlocks& blocks : covering) {
        for (std::int64_t block = blocks.first_block; block <= blocks.last_block; ++block) {
          std::string columns = "department, kind";
          for (const char* c : kCounterColumns) columns += std::string(", ") + c;
          BoundSelect st = BlockSelect(columns, "loop_block_counts", blocks.span, block);
          KindAndDepartments(st, query);
          for (const soci::row& r : st.Run(s)) {
            LoopRowTally& row = tally.rows[{AsString(r, 0), static_cast<int>(AsInt(r, 1))}];
            for (std::size_t i = 0; i < kCounterColumns.size(); ++i) row.counters[i] += AsInt(r, 2 + i);
          }
        }
      }
      BoundSelect open;
      open += "SELECT open_day, CAST(SUM(opened) - SUM(resolved) AS BIGINT) FROM loop_open_counts";
      open += " WHERE open_day >= " + open.Param(static_cast<long long>(query.start_day));
      open += " AND open_day <= " + open.Param(static_cast<long long>(query.end_day));
      KindAndDepartments(open, query);
      open += " GROUP BY open_day";
      for (const soci::row& r : open.Run(s)) {
        tally.backlog[BacklogBucketOfDays(query.as_of_day - AsInt(r, 0))] += AsInt(r, 1);
      }
      BoundSelect late;
      late += "SELECT open_day, department, kind" + sums + " FROM loop_daily_counts";
      LateEventsOf(late, query);
      late += " GROUP BY open_day, department, kind";
      for (const soci::row& r : late.Run(s)) {
        LoopRowTally& row = tally.rows[{AsString(r, 1), static_cast<int>(AsInt(r, 2))}];
        for (std::size_t i = 0; i < kCounterColumns.size(); ++i) row.counters[i] -= AsInt(r, 3 + i);
        tally.backlog[BacklogBucketOfDays(query.as_of_day - AsInt(r, 0))] -=
            AsInt(r, 3 + kLoopOpened) - AsInt(r, 3 + kLoopResolved);
      }

      // Durations: the same blocks' histograms, one row each, merged per
      // report row as runs (linear merges, no map per bucket), less the
      // clocks met after the report's day.
      std::map<std::pair<std::string, int>, std::array<HistogramRun, 2>> runs;
      HistogramRun parsed;
      for (const LoopDayBlocks& blocks : covering) {
        for (std::int64_t block = blocks.first_block; block <= blocks.last_block; ++block) {
          BoundSelect st = BlockSelect("department, kind, clock, buckets", "loop_block_histograms", blocks.span, block);
          KindAndDepartments(st, query);
          for (const soci::row& r : st.Run(s)) {
            const std::string department = AsString(r, 0);
            ReadStoredHistogram(AsString(r, 3), department, parsed);
            const int clock = static_cast<int>(AsInt(r, 2));
            if (clock != 0 && clock != 1) continue;
            AddHistogram(runs[{department, static_cast<int>(AsInt(r, 1))}][clock], parsed);
          }
        }
      }
      BoundSelect late_durations;
      late_durations += "SELECT department, kind, clock, bucket_ms, CAST(SUM(clocks) AS BIGINT) FROM loop_daily_durations";
      LateEventsOf(late_durations, query);
      late_durations += " GROUP BY department, kind, clock, bucket_ms";
      std::map<std::tuple<std::string, int, int>, HistogramRun> late_runs;
      for (const soci::row& r : late_durations.Run(s)) {
        late_runs[{AsString(r, 0), static_cast<int>(AsInt(r, 1)), static_cast<int>(AsInt(r, 2))}].emplace_back(
            AsInt(r, 3), AsInt(r, 4));
      }
      for (auto& [key, run] : late_runs) {
        const auto& [department, kind, clock] = key;
        if (clock != 0 && clock != 1) continue;
        std::sort(run.begin(), run.end());
        AddHistogram(runs[{department, kind}][clock], run, -1);
      }
      for (const auto& [key, pair] : runs) {
        LoopRowTally& row = tally.rows[key];
        for (int clock = 0; clock < 2; ++clock) {
          auto& histogram = clock == 0 ? row.first_response_used : row.resolution_used;
          for (const auto& [bucket, n] : pair[clock]) histogram.emplace_hint(histogram.end(), bucket, n);
        }
      }
      // The runs hold no zero counts (AddHistogram drops them), so neither do
      // the histograms.
      return tally;
    });
  });
}

}  // namespace voc::tracking
