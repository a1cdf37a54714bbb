#include "services/tracking/store/sla_store.h"

#include <algorithm>

#include "common/status/status.h"
#include "common/storage/errors.h"
#include "common/storage/plan.h"
#include "common/storage/rows.h"
#include "services/tracking/store/loop_rollup_store.h"

namespace voc::tracking {
namespace {

using storage::AsInt;
using storage::AsString;
using storage::Exec;
using storage::IsNull;

constexpr char kClockColumns[] =
    "case_id, clock, policy_id, calendar_id, target_ms, started_ms, due_ms, used_ms,"
    " paused_since_ms, met_ms, breached, next_check_ms";

std::optional<std::int64_t> OptInt(const soci::row& r, std::size_t i) {
  if (IsNull(r, i)) return std::nullopt;
  return AsInt(r, i);
}

ClockRow ReadClock(const soci::row& r) {
  ClockRow row;
  row.case_id = AsString(r, 0);
  row.clock = AsString(r, 1);
  row.policy_id = AsString(r, 2);
  row.calendar_id = AsString(r, 3);
  row.target_ms = AsInt(r, 4);
  row.started_ms = AsInt(r, 5);
  row.due_ms = OptInt(r, 6);
  row.used_ms = AsInt(r, 7);
  row.paused_since_ms = OptInt(r, 8);
  row.met_ms = OptInt(r, 9);
  row.breached = AsInt(r, 10) != 0;
  row.next_check_ms = OptInt(r, 11);
  return row;
}

// The one range of the partial index, in index order. "next_check_ms IS
// NOT NULL" repeats the index's condition so both planners see the query
// is covered by it.
constexpr char kDueClocks[] =
    " FROM case_clocks WHERE next_check_ms IS NOT NULL AND next_check_ms <= :now"
    " ORDER BY next_check_ms LIMIT :n";

// case_history is append-only and numbered per case (as in tracking_store).
void AppendCaseHistory(soci::session& s, const std::string& case_id, const HistoryRecord& h) {
  long long last = 0;
  soci::indicator ind = soci::i_ok;
  s << "SELECT MAX(seq) FROM case_history WHERE case_id = :k", soci::into(last, ind),
      soci::use(case_id);
  const long long seq = (ind == soci::i_null ? 0 : last) + 1;
  long long time_ms = h.time_ms;
  Exec(s,
       "INSERT INTO case_history (case_id, seq, time_ms, actor, action, detail)"
       " VALUES (:k, :seq, :t, :a, :act, :d)",
       soci::use(case_id), soci::use(seq), soci::use(time_ms), soci::use(h.actor),
       soci::use(h.action), soci::use(h.detail));
}

}  // namespace

storage::Migration SlaFiredMigration() {
  return {4,
          "sla_fired: each warning, breach and escalation level of a clock fired once",
          {
              // One row per fired point; the primary key is the exactly-once
              // guarantee (INSERT ... ON CONFLICT DO NOTHING wins once).
              // notify_state: 0 = being sent since notify_claim_ms, 1 = sent
              // (or nothing to send), 2 = failed.
              "CREATE TABLE sla_fired ("
              " case_id TEXT NOT NULL,"
              " clock TEXT NOT NULL,"
              " point TEXT NOT NULL,"
              " fired_ms BIGINT NOT NULL,"
              " target TEXT NOT NULL,"
              " notify_state INTEGER NOT NULL DEFAULT 0,"
              " notify_claim_ms BIGINT,"
              " PRIMARY KEY (case_id, clock, point))",
              // Only the few rows not sent yet: the retry scan stays small
              // however many points have fired.
              "CREATE INDEX sla_fired_unsent ON sla_fired (notify_claim_ms) WHERE notify_state <> 1",
          }};
}

absl::StatusOr<std::vector<ClockRow>> SlaStore::DueClocks(std::int64_t now_ms, int limit) {
  return storage::Guarded("finding SLA clocks due", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long now = now_ms;
      int n = limit;
      soci::rowset<soci::row> rows =
          (s.prepare << std::string("SELECT ") + kClockColumns + kDueClocks, soci::use(now),
           soci::use(n));
      std::vector<ClockRow> out;
      for (const soci::row& r : rows) out.push_back(ReadClock(r));
      return out;
    });
  });
}

absl::StatusOr<std::string> SlaStore::ExplainDueClocks(std::int64_t now_ms, int limit) {
  return storage::Guarded("explaining the SLA due-clock query", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long now = now_ms;
      int n = limit;
      return storage::PlanText(storage::ExplainPlan(s, std::string("SELECT ") + kClockColumns + kDueClocks,
                                                    [&](auto& query) { query, soci::use(now), soci::use(n); }));
    });
  });
}

absl::StatusOr<std::optional<ClockRow>> SlaStore::LoadClock(const ClockKey& key) {
  return storage::Guarded("loading an SLA clock", [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<ClockRow> {
      soci::rowset<soci::row> rows =
          (s.prepare << std::string("SELECT ") + kClockColumns +
                            " FROM case_clocks WHERE case_id = :c AND clock = :k",
           soci::use(key.case_id), soci::use(key.clock));
      for (const soci::row& r : rows) return ReadClock(r);
      return std::nullopt;
    });
  });
}

absl::StatusOr<std::set<std::string>> SlaStore::FiredPoints(const ClockKey& key) {
  return storage::Guarded("reading fired SLA points", [&] {
    return db_.WithSession([&](soci::session& s) {
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT point FROM sla_fired WHERE case_id = :c AND clock = :k",
           soci::use(key.case_id), soci::use(key.clock));
      std::set<std::string> out;
      for (const soci::row& r : rows) out.insert(AsString(r, 0));
      return out;
    });
  });
}

absl::StatusOr<std::optional<SlaCaseInfo>> SlaStore::LoadCaseInfo(const std::string& case_id) {
  return storage::Guarded("loading a case for the SLA sweep", [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<SlaCaseInfo> {
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT c.title, c.kind, c.priority, c.state, o.department, o.person"
                        " FROM cases c LEFT JOIN case_owners o ON o.case_id = c.id"
                        " WHERE c.id = :id ORDER BY o.ordinal",
           soci::use(case_id));
      std::optional<SlaCaseInfo> info;
      for (const soci::row& r : rows) {
        if (!info) {
          info.emplace();
          info->id = case_id;
          info->title = AsString(r, 0);
          info->kind = static_cast<int>(AsInt(r, 1));
          info->priority = static_cast<int>(AsInt(r, 2));
          info->state = static_cast<int>(AsInt(r, 3));
        }
        if (!IsNull(r, 4)) info->owners.emplace_back(AsString(r, 4), AsString(r, 5));
      }
      return info;
    });
  });
}

absl::StatusOr<FireOutcome> SlaStore::FirePoint(const PointFiring& f) {
  VOC_ASSIGN_OR_RETURN(const std::vector<FireOutcome> outcomes, FirePoints({f}));
  return outcomes.front();
}

absl::StatusOr<std::vector<FireOutcome>> SlaStore::FirePoints(const std::vector<PointFiring>& firings) {
  if (firings.empty()) return std::vector<FireOutcome>{};
  return storage::Guarded("firing SLA points", [&] {
    return db_.InTransaction([&](soci::session& s) {
      const PointFiring& first = firings.front();
      const PointFiring& last = firings.back();
      const bool breach = std::any_of(firings.begin(), firings.end(),
                                      [](const PointFiring& f) { return f.is_breach; });
      long long expected_next = first.expected_next_check_ms, expected_due = first.expected_due_ms;
      long long next = last.next_check_ms.value_or(0);
      soci::indicator next_ind = last.next_check_ms ? soci::i_ok : soci::i_null;
      // (1) The clock is still as read (not met, paused, re-targeted or
      // moved on by another sweeper); this also locks the row on PostgreSQL
      // so concurrent sweepers of one clock queue here.
      const long long moved =
          Exec(s,
               std::string("UPDATE case_clocks SET next_check_ms = :next") +
                   (breach ? ", breached = 1" : "") +
                   " WHERE case_id = :c AND clock = :k AND next_check_ms = :old AND due_ms = :due"
                   " AND met_ms IS NULL",
               soci::use(next, next_ind), soci::use(first.key.case_id),
               soci::use(first.key.clock), soci::use(expected_next), soci::use(expected_due));
      std::vector<FireOutcome> outcomes;
      if (moved == 0) return std::vector<FireOutcome>(firings.size(), FireOutcome::kClockMoved);
      for (const PointFiring& f : firings) {
        // (2) The point itself: only the first INSERT ever wins.
        long long fired = f.fired_ms;
        int state = f.notify ? 0 : 1;
        const long long inserted =
            Exec(s,
                 "INSERT INTO sla_fired (case_id, clock, point, fired_ms, target, notify_state,"
                 " notify_claim_ms) VALUES (:c, :k, :p, :t, :to, :s, :claim)"
                 " ON CONFLICT DO NOTHING",
                 soci::use(f.key.case_id), soci::use(f.key.clock), soci::use(f.point),
                 soci::use(fired), soci::use(f.target), soci::use(state), soci::use(fired));
        if (inserted == 0) {
          outcomes.push_back(FireOutcome::kAlreadyFired);
          continue;
        }
        if (f.history) AppendCaseHistory(s, f.key.case_id, *f.history);
        // The case's own summary columns (Case.escalate_time, the overdue
        // mark) keep saying when it first breached and was first escalated.
        if (f.is_breach) {
          Exec(s, "UPDATE cases SET overdue_ms = :t WHERE id = :id AND overdue_ms IS NULL",
               soci::use(fired), soci::use(f.key.case_id));
        }
        if (f.first_escalation) {
          Exec(s,
               "UPDATE cases SET escalated_ms = :t, escalated_to = :to, notify_state = 1,"
               " update_ms = :t2 WHERE id = :id AND escalated_ms IS NULL",
               soci::use(fired), soci::use(f.target), soci::use(fired), soci::use(f.key.case_id));
        }
        outcomes.push_back(FireOutcome::kFired);
      }
      // A breach or escalation is in the Loop report's figures.
      if (std::find(outcomes.begin(), outcomes.end(), FireOutcome::kFired) != outcomes.end()) {
        MarkLoopRollupDirty(s, first.key.case_id);
      }
      return outcomes;
    });
  });
}

absl::StatusOr<bool> SlaStore::SetNextCheck(const ClockKey& key, std::int64_t expected_next_check_ms,
                                            std::optional<std::int64_t> next_check_ms) {
  return storage::Guarded("moving an SLA clock's next check", [&] {
    return db_.InTransaction([&](soci::session& s) {
      long long expected = expected_next_check_ms;
      long long next = next_check_ms.value_or(0);
      soci::indicator next_ind = next_check_ms ? soci::i_ok : soci::i_null;
      return Exec(s,
                  "UPDATE case_clocks SET next_check_ms = :next"
                  " WHERE case_id = :c AND clock = :k AND next_check_ms = :old",
                  soci::use(next, next_ind), soci::use(key.case_id), soci::use(key.clock),
                  soci::use(expected)) > 0;
    });
  });
}

absl::StatusOr<std::vector<FiredPoint>> SlaStore::RetryableNotifications(
    std::int64_t stale_before_ms, int limit) {
  return storage::Guarded("finding SLA notifications to retry", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long stale = stale_before_ms;
      int n = limit;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT case_id, clock, point, fired_ms, target FROM sla_fired"
                        " WHERE notify_state <> 1 AND (notify_state = 2 OR notify_claim_ms < :stale)"
                        " ORDER BY notify_claim_ms LIMIT :n",
           soci::use(stale), soci::use(n));
      std::vector<FiredPoint> out;
      for (const soci::row& r : rows) {
        out.push_back({{AsString(r, 0), AsString(r, 1)}, AsString(r, 2), AsInt(r, 3), AsString(r, 4)});
      }
      return out;
    });
  });
}

absl::StatusOr<bool> SlaStore::ClaimNotificationRetry(const ClockKey& key, const std::string& point,
                                                      std::int64_t now_ms,
                                                      std::int64_t stale_before_ms) {
  return storage::Guarded("claiming an SLA notification retry", [&] {
    return db_.InTransaction([&](soci::session& s) {
      long long now = now_ms, stale = stale_before_ms;
      return Exec(s,
                  "UPDATE sla_fired SET notify_state = 0, notify_claim_ms = :now"
                  " WHERE case_id = :c AND clock = :k AND point = :p"
                  " AND (notify_state = 2 OR (notify_state = 0 AND notify_claim_ms < :stale))",
                  soci::use(now), soci::use(key.case_id), soci::use(key.clock), soci::use(point),
                  soci::use(stale)) > 0;
    });
  });
}

absl::Status SlaStore::RecordNotification(const ClockKey& key, const std::string& point, bool sent) {
  return storage::Guarded("recording an SLA notification", [&] {
    db_.InTransaction([&](soci::session& s) {
      int state = sent ? 1 : 2;
      Exec(s,
           "UPDATE sla_fired SET notify_state = :s"
           " WHERE case_id = :c AND clock = :k AND point = :p AND notify_state = 0",
           soci::use(state), soci::use(key.case_id), soci::use(key.clock), soci::use(point));
    });
  });
}

absl::Status SlaStore::RecordNotifications(const std::vector<SendResult>& results) {
  if (results.empty()) return absl::OkStatus();
  return storage::Guarded("recording SLA notifications", [&] {
    db_.InTransaction([&](soci::session& s) {
      for (const SendResult& r : results) {
        int state = r.sent ? 1 : 2;
        Exec(s,
             "UPDATE sla_fired SET notify_state = :s"
             " WHERE case_id = :c AND clock = :k AND point = :p AND notify_state = 0",
             soci::use(state), soci::use(r.key.case_id), soci::use(r.key.clock), soci::use(r.point));
      }
    });
  });
}

}  // namespace voc::tracking
