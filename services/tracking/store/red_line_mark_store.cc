#include "services/tracking/store/red_line_mark_store.h"

#include "common/erasure/privacy_service.h"
#include "common/util/time.h"

namespace voc::tracking {

storage::Migration RedLineMarkMigration() {
  return {
      10,
      "red-line marks: confirmed or false alarm, with a reason (issue 10)",
      {
          // verdict: voc.v1.RedLineVerdict (1 confirmed, 2 false alarm).
          // Read with the case's history (GetCase and a change's answer) and
          // with the red_line_marked event's snapshot; no list reads it.
          "CREATE TABLE case_red_line_marks ("
          " case_id TEXT PRIMARY KEY,"
          " verdict INTEGER NOT NULL,"
          " reason TEXT NOT NULL,"
          " actor TEXT NOT NULL,"
          " marked_ms BIGINT NOT NULL)",
      },
  };
}

void WriteRedLineMark(soci::session& s, const std::string& case_id, const v1::RedLineMark& mark) {
  int verdict = mark.verdict();
  long long marked_ms = ProtoToMillis(mark.mark_time());
  // Portable upsert (SQLite 3.24+ and PostgreSQL 9.5+ both take it).
  s << "INSERT INTO case_red_line_marks (case_id, verdict, reason, actor, marked_ms)"
       " VALUES (:id, :v, :r, :a, :t) ON CONFLICT (case_id) DO UPDATE SET verdict = excluded.verdict,"
       " reason = excluded.reason, actor = excluded.actor, marked_ms = excluded.marked_ms",
      soci::use(case_id), soci::use(verdict), soci::use(mark.reason()), soci::use(mark.actor()),
      soci::use(marked_ms);
}

void EraseRedLineMarkReason(soci::session& s, const std::string& case_id) {
  const std::string erased = erasure::kErasedText;
  s << "UPDATE case_red_line_marks SET reason = :e WHERE case_id = :c AND reason <> ''", soci::use(erased),
      soci::use(case_id);
}

void ReadRedLineMark(soci::session& s, v1::Case& c) {
  int verdict = 0;
  std::string reason, actor;
  long long marked_ms = 0;
  s << "SELECT verdict, reason, actor, marked_ms FROM case_red_line_marks WHERE case_id = :id",
      soci::into(verdict), soci::into(reason), soci::into(actor), soci::into(marked_ms), soci::use(c.id());
  if (!s.got_data()) return;
  v1::RedLineMark* mark = c.mutable_red_line_mark();
  mark->set_verdict(static_cast<v1::RedLineVerdict>(verdict));
  mark->set_reason(reason);
  mark->set_actor(actor);
  *mark->mutable_mark_time() = MillisToProto(marked_ms);
}

}  // namespace voc::tracking
