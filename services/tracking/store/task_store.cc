#include "services/tracking/store/task_store.h"

#include <deque>

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

constexpr int kCaseResolved = v1::CASE_STATE_RESOLVED;
constexpr int kCaseClosed = v1::CASE_STATE_CLOSED;

// The columns every task read selects, in TaskFromRow's order.
constexpr char kTaskColumns[] =
    "t.case_id, t.task_id, t.title, t.department, t.person, t.due_ms, t.state, t.cancel_reason,"
    " t.sla_policy_id, t.created_by, t.create_ms, t.update_ms, c.title";

v1::Task TaskFromRow(const soci::row& r) {
  v1::Task t;
  t.set_case_id(AsString(r, 0));
  t.set_id(AsString(r, 1));
  t.set_name("cases/" + t.case_id() + "/tasks/" + t.id());
  t.set_title(AsString(r, 2));
  t.mutable_owner()->set_department(AsString(r, 3));
  t.mutable_owner()->set_person(AsString(r, 4));
  if (!IsNull(r, 5)) *t.mutable_due_time() = MillisToProto(AsInt(r, 5));
  t.set_state(static_cast<v1::TaskState>(AsInt(r, 6)));
  t.set_done(t.state() == v1::TASK_STATE_DONE || t.state() == v1::TASK_STATE_CANCELLED);
  t.set_cancel_reason(AsString(r, 7));
  t.set_sla_policy_id(AsString(r, 8));
  t.set_created_by(AsString(r, 9));
  if (AsInt(r, 10) > 0) *t.mutable_create_time() = MillisToProto(AsInt(r, 10));
  if (AsInt(r, 11) > 0) *t.mutable_update_time() = MillisToProto(AsInt(r, 11));
  t.set_case_title(AsString(r, 12));
  return t;
}

std::optional<v1::Task> LoadTaskWith(soci::session& s, const std::string& case_id,
                                     const std::string& task_id) {
  soci::rowset<soci::row> rows =
      (s.prepare << std::string("SELECT ") + kTaskColumns +
                        " FROM case_tasks t JOIN cases c ON c.id = t.case_id"
                        " WHERE t.case_id = :c AND t.task_id = :t",
       soci::use(case_id), soci::use(task_id));
  for (const soci::row& r : rows) return TaskFromRow(r);
  return std::nullopt;
}

// A SELECT whose placeholders are bound in the order they were added
// (strings and integers; integers are compared as BIGINT on both backends).
class TaskQuery {
 public:
  std::string Text(const std::string& v) {
    strings_.push_back(v);
    order_.push_back({true, strings_.size() - 1});
    return ":p" + std::to_string(order_.size());
  }
  std::string Int(long long v) {
    ints_.push_back(v);
    order_.push_back({false, ints_.size() - 1});
    return "CAST(:p" + std::to_string(order_.size()) + " AS BIGINT)";
  }
  std::string sql;
  soci::rowset<soci::row> Run(soci::session& s) const {
    soci::details::prepare_temp_type prepared = (s.prepare << sql);
    for (const auto& [is_string, index] : order_) {
      if (is_string) {
        prepared, soci::use(strings_[index]);
      } else {
        prepared, soci::use(ints_[index]);
      }
    }
    return soci::rowset<soci::row>(prepared);
  }

 private:
  std::deque<std::string> strings_;  // soci binds by reference: values never move
  std::deque<long long> ints_;
  std::vector<std::pair<bool, std::size_t>> order_;
};

}  // namespace

absl::StatusOr<v1::Task> TaskStore::AddTask(const std::string& case_id, const v1::Task& task,
                                            const std::string& actor,
                                            const HistoryRecord& history) {
  return storage::Guarded("adding a task", [&] {
    return db_.InTransaction([&](soci::session& s) -> absl::StatusOr<v1::Task> {
      long long now = history.time_ms;
      // Touching the case row first serialises task changes of one case on
      // PostgreSQL (row lock), so two adds never pick the same ordinal, and
      // an add waits for a concurrent resolve of the case.
      const long long touched =
          Exec(s, "UPDATE cases SET update_ms = :t WHERE id = :id AND state <> :r AND state <> :cl",
               soci::use(now), soci::use(case_id), soci::use(kCaseResolved), soci::use(kCaseClosed));
      if (touched == 0) {
        long long exists = 0;
        s << "SELECT COUNT(*) FROM cases WHERE id = :id", soci::into(exists), soci::use(case_id);
        if (!exists) return status::NotFound("cases/" + case_id);
        return absl::FailedPreconditionError("cases/" + case_id +
                                             " is resolved or closed: no tasks can be added");
      }
      long long last = 0;
      soci::indicator last_ind = soci::i_null;
      s << "SELECT MAX(ordinal) FROM case_tasks WHERE case_id = :id", soci::into(last, last_ind),
          soci::use(case_id);
      int ordinal = static_cast<int>(last_ind == soci::i_null ? 0 : last + 1);
      // Ids given at case creation ("task-1", ...) may already use a number:
      // take the next free one.
      std::string task_id;
      for (int n = ordinal + 1;; ++n) {
        task_id = "task-" + std::to_string(n);
        long long taken = 0;
        s << "SELECT COUNT(*) FROM case_tasks WHERE case_id = :c AND task_id = :t",
            soci::into(taken), soci::use(case_id), soci::use(task_id);
        if (!taken) break;
      }
      long long due = IsUnset(task.due_time()) ? 0 : ProtoToMillis(task.due_time());
      soci::indicator due_ind = IsUnset(task.due_time()) ? soci::i_null : soci::i_ok;
      const int open = v1::TASK_STATE_OPEN;
      Exec(s,
           "INSERT INTO case_tasks (case_id, task_id, ordinal, title, department, person, due_ms,"
           " done, state, cancel_reason, sla_policy_id, created_by, create_ms, update_ms)"
           " VALUES (:c, :t, :o, :title, :d, :p, :due, 0, :s, '', :pol, :by, :cr, :up)",
           soci::use(case_id), soci::use(task_id), soci::use(ordinal), soci::use(task.title()),
           soci::use(task.owner().department()), soci::use(task.owner().person()),
           soci::use(due, due_ind), soci::use(open), soci::use(task.sla_policy_id()),
           soci::use(actor), soci::use(now), soci::use(now));
      HistoryRecord h = history;
      h.detail = task_id + ": " + h.detail;
      AppendHistoryRow(s, "case_history", "case_id", case_id, h);
      return *LoadTaskWith(s, case_id, task_id);
    });
  });
}

absl::StatusOr<v1::Task> TaskStore::LoadTask(const std::string& case_id,
                                             const std::string& task_id) {
  return storage::Guarded("reading a task", [&]() -> absl::StatusOr<v1::Task> {
    auto task = db_.WithSession([&](soci::session& s) { return LoadTaskWith(s, case_id, task_id); });
    if (!task) return status::NotFound("cases/" + case_id + "/tasks/" + task_id);
    return *std::move(task);
  });
}

absl::Status TaskStore::ApplyTaskChange(const TaskChange& c) {
  return storage::Guarded("changing a task", [&] {
    return db_.InTransaction([&](soci::session& s) -> absl::Status {
      long long now = c.now_ms;
      int expected = c.expected_state;
      int new_state = c.new_state == v1::TASK_STATE_UNSPECIFIED ? expected : c.new_state;
      int done = (new_state == v1::TASK_STATE_DONE || new_state == v1::TASK_STATE_CANCELLED) ? 1 : 0;
      // Only the set parts change: the rest is written back as it is.
      const int set_owner = c.owner ? 1 : 0;
      const std::string department = c.owner ? c.owner->department() : "";
      const std::string person = c.owner ? c.owner->person() : "";
      const int set_due = c.due_ms ? 1 : 0;
      long long due = c.due_ms.value_or(0);
      const long long changed = Exec(
          s,
          "UPDATE case_tasks SET state = :s, done = :done,"
          " cancel_reason = CASE WHEN :s2 = 4 THEN :reason ELSE cancel_reason END,"
          " department = CASE WHEN :so = 1 THEN :d ELSE department END,"
          " person = CASE WHEN :so2 = 1 THEN :p ELSE person END,"
          " due_ms = CASE WHEN :sd = 1 THEN :due ELSE due_ms END,"
          " update_ms = :t"
          " WHERE case_id = :c AND task_id = :id AND state = :e",
          soci::use(new_state), soci::use(done), soci::use(new_state), soci::use(c.cancel_reason),
          soci::use(set_owner), soci::use(department), soci::use(set_owner), soci::use(person),
          soci::use(set_due), soci::use(due), soci::use(now), soci::use(c.case_id),
          soci::use(c.task_id), soci::use(expected));
      if (changed == 0) {
        if (!LoadTaskWith(s, c.case_id, c.task_id)) {
          return status::NotFound("cases/" + c.case_id + "/tasks/" + c.task_id);
        }
        return absl::AbortedError("cases/" + c.case_id + "/tasks/" + c.task_id +
                                  " changed concurrently");
      }
      Exec(s, "UPDATE cases SET update_ms = :t WHERE id = :id", soci::use(now),
           soci::use(c.case_id));
      HistoryRecord h = c.history;
      h.detail = c.task_id + ": " + h.detail;
      AppendHistoryRow(s, "case_history", "case_id", c.case_id, h);
      return absl::OkStatus();
    });
  });
}

absl::StatusOr<std::vector<std::pair<v1::Task, TaskListKey>>> TaskStore::ListTasks(
    const TaskFilter& filter, int limit, const std::optional<TaskListKey>& after) {
  return storage::Guarded("listing tasks", [&] {
    return db_.WithSession([&](soci::session& s) {
      TaskQuery q;
      const std::string due_key = "COALESCE(t.due_ms, " + std::to_string(kNoDueKey) + ")";
      q.sql = std::string("SELECT ") + kTaskColumns + ", " + due_key +
              " AS due_key FROM case_tasks t JOIN cases c ON c.id = t.case_id WHERE 1 = 1";
      if (!filter.department.empty()) q.sql += " AND t.department = " + q.Text(filter.department);
      if (!filter.person.empty()) q.sql += " AND t.person = " + q.Text(filter.person);
      if (!filter.case_id.empty()) q.sql += " AND t.case_id = " + q.Text(filter.case_id);
      if (filter.state != 0) q.sql += " AND t.state = " + q.Int(filter.state);
      if (filter.visible) {
        const CaseView& v = *filter.visible;
        if (v.departments.empty() && v.person.empty()) return std::vector<std::pair<v1::Task, TaskListKey>>{};
        // The view's condition on one table alias's (department, person).
        const auto in_view = [&](const std::string& alias) {
          std::string cond;
          if (!v.departments.empty()) {
            cond += alias + ".department IN (";
            for (std::size_t i = 0; i < v.departments.size(); ++i) {
              cond += (i ? ", " : "") + q.Text(v.departments[i]);
            }
            cond += ")";
          }
          if (!v.person.empty()) cond += (cond.empty() ? "" : " OR ") + alias + ".person = " + q.Text(v.person);
          return cond;
        };
        q.sql += " AND (" + in_view("t");
        q.sql += " OR (SELECT COUNT(*) FROM case_owners ov WHERE ov.case_id = t.case_id AND (" +
                 in_view("ov") + ")) > 0)";
      }
      if (filter.open_only) {
        q.sql += " AND t.state IN (" + std::to_string(v1::TASK_STATE_OPEN) + ", " +
                 std::to_string(v1::TASK_STATE_IN_PROGRESS) + ")";
      }
      if (after) {
        // One statement per placeholder: both backends bind by position, so
        // the placeholders must be made in the order they appear.
        q.sql += " AND (" + due_key + " > " + q.Int(after->due_key);
        q.sql += " OR (" + due_key + " = " + q.Int(after->due_key);
        q.sql += " AND (t.case_id > " + q.Text(after->case_id);
        q.sql += " OR (t.case_id = " + q.Text(after->case_id);
        q.sql += " AND t.task_id > " + q.Text(after->task_id) + "))))";
      }
      q.sql += " ORDER BY due_key, t.case_id, t.task_id LIMIT " + std::to_string(limit);
      std::vector<std::pair<v1::Task, TaskListKey>> out;
      for (const soci::row& r : q.Run(s)) {
        v1::Task t = TaskFromRow(r);
        TaskListKey key{AsInt(r, 13), t.case_id(), t.id()};
        out.emplace_back(std::move(t), std::move(key));
      }
      return out;
    });
  });
}

}  // namespace voc::tracking
