#include "services/triage/store/red_line_marks_store.h"

#include <set>
#include <tuple>

#include "common/erasure/privacy_service.h"
#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "common/util/time.h"

namespace voc::triage {

storage::Migration RedLineMarksMigration() {
  return {8,
          "red-line hits by term and the case owners' marks (issue 10)",
          {
              // category: voc.v1.RedLineCategory. The report reads a period
              // by occurred time and joins the marks by feedback.
              "CREATE TABLE red_line_hits ("
              " feedback_id TEXT NOT NULL,"
              " category INTEGER NOT NULL,"
              " term TEXT NOT NULL,"
              " occurred_ms BIGINT NOT NULL,"
              " PRIMARY KEY (feedback_id, category, term))",
              "CREATE INDEX red_line_hits_occurred ON red_line_hits (occurred_ms)",
              // verdict: voc.v1.RedLineVerdict (1 confirmed, 2 false alarm);
              // the newest mark by marked_ms wins.
              "CREATE TABLE red_line_marks ("
              " feedback_id TEXT PRIMARY KEY,"
              " case_id TEXT NOT NULL,"
              " verdict INTEGER NOT NULL,"
              " reason TEXT NOT NULL,"
              " actor TEXT NOT NULL,"
              " marked_ms BIGINT NOT NULL)",
          }};
}

namespace {

struct HitRow {
  std::string feedback_id;
  int category = 0;
  std::string term;
  long long occurred_ms = 0;
};

}  // namespace

void InsertRedLineHits(soci::session& s, const std::vector<const v1::TriagedFeedback*>& results) {
  std::vector<HitRow> rows;
  for (const v1::TriagedFeedback* t : results) {
    std::set<std::pair<int, std::string>> seen;
    for (const v1::RedLineHit& hit : t->result().red_lines()) {
      if (hit.level() == v1::RED_LINE_LEVEL_WATCH) continue;
      if (!seen.insert({hit.category(), hit.term()}).second) continue;
      rows.push_back({t->feedback().id(), hit.category(), hit.term(), ProtoToMillis(t->feedback().occurred_time())});
    }
  }
  storage::InsertRows(s, "INSERT INTO red_line_hits (feedback_id, category, term, occurred_ms)", 4,
                      " ON CONFLICT DO NOTHING", rows, [](soci::details::prepare_temp_type& q, HitRow& r) {
                        q, soci::use(r.feedback_id), soci::use(r.category), soci::use(r.term),
                            soci::use(r.occurred_ms);
                      });
}

void EraseRedLineMarkReason(soci::session& s, const std::string& feedback_id) {
  const std::string erased = erasure::kErasedText;
  s << "UPDATE red_line_marks SET reason = :e WHERE feedback_id = :f AND reason <> ''", soci::use(erased),
      soci::use(feedback_id);
}

absl::StatusOr<bool> RedLineMarkStore::RecordMark(const RedLineMarkRecord& m) {
  return storage::Guarded("recording a red-line mark", [&] {
    return db_.InTransaction([&](soci::session& s) {
      long long marked = m.marked_ms;
      soci::statement st =
          (s.prepare << "INSERT INTO red_line_marks (feedback_id, case_id, verdict, reason, actor, marked_ms)"
                        " VALUES (:f, :c, :v, :r, :a, :t) ON CONFLICT (feedback_id) DO UPDATE SET"
                        " case_id = excluded.case_id, verdict = excluded.verdict, reason = excluded.reason,"
                        " actor = excluded.actor, marked_ms = excluded.marked_ms"
                        // An older mark delivered late, or the same one again, leaves the row.
                        " WHERE excluded.marked_ms > red_line_marks.marked_ms",
           soci::use(m.feedback_id), soci::use(m.case_id), soci::use(m.verdict), soci::use(m.reason),
           soci::use(m.actor), soci::use(marked));
      st.execute(true);
      return st.get_affected_rows() > 0;
    });
  });
}

absl::StatusOr<std::optional<RedLineMarkRecord>> RedLineMarkStore::GetMark(const std::string& feedback_id) {
  return storage::Guarded("reading a red-line mark", [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<RedLineMarkRecord> {
      RedLineMarkRecord m;
      long long marked = 0;
      s << "SELECT feedback_id, case_id, verdict, reason, actor, marked_ms FROM red_line_marks"
           " WHERE feedback_id = :f",
          soci::into(m.feedback_id), soci::into(m.case_id), soci::into(m.verdict), soci::into(m.reason),
          soci::into(m.actor), soci::into(marked), soci::use(feedback_id);
      if (!s.got_data()) return std::nullopt;
      m.marked_ms = marked;
      return m;
    });
  });
}

absl::StatusOr<std::vector<RedLineTermCount>> RedLineMarkStore::CountTerms(std::int64_t start_ms,
                                                                           std::int64_t end_ms) {
  return storage::Guarded("counting red-line marks by term", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<RedLineTermCount> out;
      long long start = start_ms, end = end_ms;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT h.category, h.term, COUNT(*),"
                        " SUM(CASE WHEN m.verdict = 1 THEN 1 ELSE 0 END),"
                        " SUM(CASE WHEN m.verdict = 2 THEN 1 ELSE 0 END)"
                        " FROM red_line_hits h LEFT JOIN red_line_marks m ON m.feedback_id = h.feedback_id"
                        " WHERE h.occurred_ms >= :s AND h.occurred_ms < :e GROUP BY h.category, h.term",
           soci::use(start), soci::use(end));
      for (const soci::row& r : rows) {
        out.push_back({static_cast<int>(storage::AsInt(r, 0)), storage::AsString(r, 1), storage::AsInt(r, 2),
                       storage::AsInt(r, 3), storage::AsInt(r, 4)});
      }
      return out;
    });
  });
}

absl::StatusOr<RedLineMarkTotals> RedLineMarkStore::CountFeedback(std::int64_t start_ms, std::int64_t end_ms) {
  return storage::Guarded("counting red-line marks", [&] {
    return db_.WithSession([&](soci::session& s) {
      RedLineMarkTotals t;
      long long start = start_ms, end = end_ms;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT COUNT(*), SUM(CASE WHEN m.verdict = 1 THEN 1 ELSE 0 END),"
                        " SUM(CASE WHEN m.verdict = 2 THEN 1 ELSE 0 END)"
                        " FROM (SELECT DISTINCT feedback_id FROM red_line_hits"
                        " WHERE occurred_ms >= :s AND occurred_ms < :e) f"
                        " LEFT JOIN red_line_marks m ON m.feedback_id = f.feedback_id",
           soci::use(start), soci::use(end));
      for (const soci::row& r : rows) {
        t.flagged = storage::AsInt(r, 0);
        t.confirmed = storage::AsInt(r, 1);
        t.false_alarms = storage::AsInt(r, 2);
      }
      return t;
    });
  });
}

}  // namespace voc::triage
