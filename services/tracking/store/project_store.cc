#include "services/tracking/store/project_store.h"

#include "common/status/status.h"
#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "common/util/time.h"
#include "services/tracking/store/history_rows.h"

namespace voc::tracking {
namespace {

using storage::AsInt;
using storage::AsString;
using storage::Exec;
using storage::IsNull;

constexpr int kSent = 1;
constexpr int kFailed = 2;

}  // namespace

absl::Status ProjectStore::SetProposer(const std::string& project_id, const std::string& actor) {
  return storage::Guarded("recording a proposer", [&] {
    return db_.WithSession([&](soci::session& s) {
      Exec(s, "UPDATE projects SET proposed_by = :a WHERE id = :id AND proposed_by = ''",
           soci::use(actor), soci::use(project_id));
      return absl::OkStatus();
    });
  });
}

absl::StatusOr<ProjectDecision> ProjectStore::LoadDecision(const std::string& project_id) {
  return storage::Guarded("reading a project decision", [&] {
    return db_.WithSession([&](soci::session& s) -> absl::StatusOr<ProjectDecision> {
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT proposed_by, decided_by, decision_reason, decided_ms, started_ms"
                        " FROM projects WHERE id = :id",
           soci::use(project_id));
      for (const soci::row& r : rows) {
        ProjectDecision d;
        d.proposed_by = AsString(r, 0);
        d.decided_by = AsString(r, 1);
        d.reason = AsString(r, 2);
        if (!IsNull(r, 3)) d.decided_ms = AsInt(r, 3);
        if (!IsNull(r, 4)) d.started_ms = AsInt(r, 4);
        return d;
      }
      return status::NotFound("projects/" + project_id);
    });
  });
}

absl::Status ProjectStore::FillDecision(v1::Project& p) {
  VOC_ASSIGN_OR_RETURN(const ProjectDecision d, LoadDecision(p.id()));
  p.set_proposed_by(d.proposed_by);
  p.set_decided_by(d.decided_by);
  p.set_decision_reason(d.reason);
  if (d.decided_ms) *p.mutable_decide_time() = MillisToProto(*d.decided_ms);
  if (d.started_ms) *p.mutable_start_time() = MillisToProto(*d.started_ms);
  return absl::OkStatus();
}

absl::StatusOr<bool> ProjectStore::MoveState(const std::string& project_id, v1::ProjectState from,
                                             v1::ProjectState to,
                                             const std::optional<ProjectDecision>& decision,
                                             const HistoryRecord& history) {
  return storage::Guarded("changing a project's state", [&] {
    return db_.InTransaction([&](soci::session& s) -> bool {
      int from_state = from, to_state = to;
      long long now = history.time_ms;
      long long changed = 0;
      if (decision) {
        changed = Exec(s,
                       "UPDATE projects SET state = :to, update_ms = :t, decided_by = :by,"
                       " decision_reason = :r, decided_ms = :dt WHERE id = :id AND state = :from",
                       soci::use(to_state), soci::use(now), soci::use(decision->decided_by),
                       soci::use(decision->reason), soci::use(now), soci::use(project_id),
                       soci::use(from_state));
      } else {
        const int opening = to == v1::PROJECT_STATE_OPEN ? 1 : 0;
        changed = Exec(s,
                       "UPDATE projects SET state = :to, update_ms = :t,"
                       " started_ms = CASE WHEN :o = 1 THEN :st ELSE started_ms END"
                       " WHERE id = :id AND state = :from",
                       soci::use(to_state), soci::use(now), soci::use(opening), soci::use(now),
                       soci::use(project_id), soci::use(from_state));
      }
      if (changed == 0) return false;
      AppendHistoryRow(s, "project_history", "project_id", project_id, history);
      return true;
    });
  });
}

absl::StatusOr<std::string> ProjectStore::AddActionItem(const std::string& project_id,
                                                        const v1::ActionItem& item,
                                                        const HistoryRecord& history) {
  return storage::Guarded("adding an action item", [&] {
    return RunRollingBack([&] {
     return db_.InTransaction([&](soci::session& s) -> absl::StatusOr<std::string> {
      long long now = history.time_ms;
      const int closed = v1::PROJECT_STATE_CLOSED, rejected = v1::PROJECT_STATE_REJECTED;
      // The row lock on the project serialises adds (ordinals, ids).
      const long long touched =
          Exec(s, "UPDATE projects SET update_ms = :t WHERE id = :id AND state <> :c AND state <> :r",
               soci::use(now), soci::use(project_id), soci::use(closed), soci::use(rejected));
      if (touched == 0) {
        long long exists = 0;
        s << "SELECT COUNT(*) FROM projects WHERE id = :id", soci::into(exists),
            soci::use(project_id);
        if (!exists) return status::NotFound("projects/" + project_id);
        return absl::FailedPreconditionError("projects/" + project_id +
                                             " is closed or rejected: no action items can be added");
      }
      long long last = 0;
      soci::indicator last_ind = soci::i_null;
      s << "SELECT MAX(ordinal) FROM action_items WHERE project_id = :p", soci::into(last, last_ind),
          soci::use(project_id);
      const int ordinal = static_cast<int>(last_ind == soci::i_null ? 0 : last + 1);
      auto taken = [&](const std::string& id) {
        long long n = 0;
        s << "SELECT COUNT(*) FROM action_items WHERE project_id = :p AND item_id = :i",
            soci::into(n), soci::use(project_id), soci::use(id);
        return n > 0;
      };
      std::string item_id = item.id();
      if (!item_id.empty() && taken(item_id)) {
        throw RollbackWith(
            status::InvalidArgument("item.id", item_id + " is taken in projects/" + project_id));
      }
      for (int n = ordinal + 1; item_id.empty(); ++n) {
        if (!taken("item-" + std::to_string(n))) item_id = "item-" + std::to_string(n);
      }
      long long due = IsUnset(item.due_time()) ? 0 : ProtoToMillis(item.due_time());
      soci::indicator due_ind = IsUnset(item.due_time()) ? soci::i_null : soci::i_ok;
      Exec(s,
           "INSERT INTO action_items (project_id, item_id, ordinal, title, department, person,"
           " due_ms, done) VALUES (:p, :i, :o, :t, :d, :per, :due, 0)",
           soci::use(project_id), soci::use(item_id), soci::use(ordinal), soci::use(item.title()),
           soci::use(item.owner().department()), soci::use(item.owner().person()),
           soci::use(due, due_ind));
      HistoryRecord h = history;
      h.detail = item_id + ": " + h.detail;
      AppendHistoryRow(s, "project_history", "project_id", project_id, h);
      return item_id;
     });
    });
  });
}

absl::Status ProjectStore::EditActionItem(const ActionItemEdit& e) {
  return storage::Guarded("editing an action item", [&] {
    return RunRollingBack([&] {
     return db_.InTransaction([&](soci::session& s) -> absl::Status {
      long long now = e.history.time_ms;
      const long long touched = Exec(s, "UPDATE projects SET update_ms = :t WHERE id = :id",
                                     soci::use(now), soci::use(e.project_id));
      if (touched == 0) return status::NotFound("projects/" + e.project_id);
      const int set_title = e.title ? 1 : 0, set_owner = e.owner ? 1 : 0, set_due = e.due_ms ? 1 : 0;
      const std::string title = e.title.value_or("");
      const std::string department = e.owner ? e.owner->department() : "";
      const std::string person = e.owner ? e.owner->person() : "";
      long long due = e.due_ms.value_or(0);
      const long long changed = Exec(
          s,
          "UPDATE action_items SET"
          " title = CASE WHEN :st = 1 THEN :title ELSE title END,"
          " department = CASE WHEN :so = 1 THEN :d ELSE department END,"
          " person = CASE WHEN :so2 = 1 THEN :p ELSE person END,"
          " due_ms = CASE WHEN :sd = 1 THEN :due ELSE due_ms END"
          " WHERE project_id = :pid AND item_id = :iid AND done = 0",
          soci::use(set_title), soci::use(title), soci::use(set_owner), soci::use(department),
          soci::use(set_owner), soci::use(person), soci::use(set_due), soci::use(due),
          soci::use(e.project_id), soci::use(e.item_id));
      if (changed == 0) {
        long long exists = 0;
        s << "SELECT COUNT(*) FROM action_items WHERE project_id = :p AND item_id = :i",
            soci::into(exists), soci::use(e.project_id), soci::use(e.item_id);
        // Nothing was written but update_ms: roll it back with the error.
        if (!exists) {
          throw RollbackWith(
              status::NotFound("projects/" + e.project_id + "/actionItems/" + e.item_id));
        }
        throw RollbackWith(absl::FailedPreconditionError(
            "projects/" + e.project_id + "/actionItems/" + e.item_id + " is done"));
      }
      HistoryRecord h = e.history;
      h.detail = e.item_id + ": " + h.detail;
      AppendHistoryRow(s, "project_history", "project_id", e.project_id, h);
      return absl::OkStatus();
     });
    });
  });
}

// ---------------------------------------------------------------- the watcher

absl::StatusOr<std::vector<WatchedItem>> ProjectStore::FindWatchedItems(
    std::int64_t horizon_ms, const std::string& last_point, int limit) {
  return storage::Guarded("finding watched action items", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long horizon = horizon_ms;
      const int open = v1::PROJECT_STATE_OPEN;
      const std::string last = last_point + "@";
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT i.project_id, p.title, i.item_id, i.title, i.department, i.person,"
                        " i.due_ms FROM action_items i JOIN projects p ON p.id = i.project_id"
                        " WHERE i.done = 0 AND i.due_ms IS NOT NULL AND i.due_ms <= :h"
                        " AND p.state = :open"
                        " AND NOT EXISTS (SELECT 1 FROM action_item_fired f"
                        "  WHERE f.project_id = i.project_id AND f.item_id = i.item_id"
                        "  AND f.point = :last || CAST(i.due_ms AS TEXT))"
                        " ORDER BY i.due_ms, i.project_id, i.item_id LIMIT " +
                            std::to_string(limit),
           soci::use(horizon), soci::use(open), soci::use(last));
      std::vector<WatchedItem> out;
      for (const soci::row& r : rows) {
        out.push_back({AsString(r, 0), AsString(r, 1), AsString(r, 2), AsString(r, 3),
                       AsString(r, 4), AsString(r, 5), AsInt(r, 6)});
      }
      return out;
    });
  });
}

absl::StatusOr<std::set<std::string>> ProjectStore::FiredPoints(const std::string& project_id,
                                                                const std::string& item_id) {
  return storage::Guarded("reading fired points", [&] {
    return db_.WithSession([&](soci::session& s) {
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT point FROM action_item_fired WHERE project_id = :p AND item_id = :i",
           soci::use(project_id), soci::use(item_id));
      std::set<std::string> out;
      for (const soci::row& r : rows) out.insert(AsString(r, 0));
      return out;
    });
  });
}

absl::StatusOr<bool> ProjectStore::FirePoint(const std::string& project_id,
                                             const std::string& item_id, const std::string& point,
                                             const std::string& target,
                                             const HistoryRecord& history) {
  return storage::Guarded("firing an action-item point", [&] {
    return db_.InTransaction([&](soci::session& s) {
      long long now = history.time_ms;
      const long long inserted =
          Exec(s,
               "INSERT INTO action_item_fired (project_id, item_id, point, fired_ms, target,"
               " notify_state, notify_claim_ms) VALUES (:p, :i, :pt, :t, :tg, 0, :c)"
               " ON CONFLICT DO NOTHING",
               soci::use(project_id), soci::use(item_id), soci::use(point), soci::use(now),
               soci::use(target), soci::use(now));
      if (inserted == 0) return false;
      AppendHistoryRow(s, "project_history", "project_id", project_id, history);
      return true;
    });
  });
}

absl::Status ProjectStore::RecordNotification(const std::string& project_id,
                                              const std::string& item_id, const std::string& point,
                                              bool sent) {
  return storage::Guarded("recording an action-item notification", [&] {
    return db_.WithSession([&](soci::session& s) {
      const int state = sent ? kSent : kFailed;
      Exec(s,
           "UPDATE action_item_fired SET notify_state = :s"
           " WHERE project_id = :p AND item_id = :i AND point = :pt",
           soci::use(state), soci::use(project_id), soci::use(item_id), soci::use(point));
      return absl::OkStatus();
    });
  });
}

absl::StatusOr<std::vector<UnsentPoint>> ProjectStore::FindUnsentPoints(
    std::int64_t stale_before_ms) {
  return storage::Guarded("finding unsent action-item points", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long stale = stale_before_ms;
      const int failed = kFailed;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT project_id, item_id, point, target FROM action_item_fired"
                        " WHERE notify_state = :f OR (notify_state = 0 AND notify_claim_ms < :s)"
                        " ORDER BY fired_ms LIMIT 1000",
           soci::use(failed), soci::use(stale));
      std::vector<UnsentPoint> out;
      for (const soci::row& r : rows) {
        out.push_back({AsString(r, 0), AsString(r, 1), AsString(r, 2), AsString(r, 3)});
      }
      return out;
    });
  });
}

absl::StatusOr<bool> ProjectStore::ClaimRetry(const UnsentPoint& point, std::int64_t now_ms,
                                              std::int64_t stale_before_ms) {
  return storage::Guarded("claiming an action-item notification retry", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long now = now_ms, stale = stale_before_ms;
      const int failed = kFailed;
      return Exec(s,
                  "UPDATE action_item_fired SET notify_state = 0, notify_claim_ms = :n"
                  " WHERE project_id = :p AND item_id = :i AND point = :pt"
                  " AND (notify_state = :f OR (notify_state = 0 AND notify_claim_ms < :s))",
                  soci::use(now), soci::use(point.project_id), soci::use(point.item_id),
                  soci::use(point.point), soci::use(failed), soci::use(stale)) > 0;
    });
  });
}

}  // namespace voc::tracking
