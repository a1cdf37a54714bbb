#include "services/verification/goals/goal_store.h"

#include <soci/soci.h>

#include <sstream>

#include "common/status/status.h"
#include "common/storage/errors.h"
#include "common/util/time.h"
#include "voc/v1/verification.pb.h"

namespace voc::verification {
namespace {

constexpr char kGoalColumns[] =
    "id, title, metric, product, region, department, topic, projects, baseline, target, start_day, "
    "deadline_day, window_days, state, created_by, create_ms";

std::string JoinLines(const google::protobuf::RepeatedPtrField<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    // Stored as ids: the resource name is rebuilt when read.
    const std::string id = name.rfind("projects/", 0) == 0 ? name.substr(9) : name;
    out.append(out.empty() ? "" : "\n").append(id);
  }
  return out;
}

// SOCI exchange buffers for one goals row.
struct GoalRow {
  std::string id, title, product, region, department, topic, projects, created_by;
  int metric = 0, window_days = 0, state = 0;
  double baseline = 0, target = 0;
  long long start_day = 0, deadline_day = 0, create_ms = 0;

  void BindInto(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(title));
    st.exchange(soci::into(metric));
    st.exchange(soci::into(product));
    st.exchange(soci::into(region));
    st.exchange(soci::into(department));
    st.exchange(soci::into(topic));
    st.exchange(soci::into(projects));
    st.exchange(soci::into(baseline));
    st.exchange(soci::into(target));
    st.exchange(soci::into(start_day));
    st.exchange(soci::into(deadline_day));
    st.exchange(soci::into(window_days));
    st.exchange(soci::into(state));
    st.exchange(soci::into(created_by));
    st.exchange(soci::into(create_ms));
  }

  v1::Goal ToProto() const {
    v1::Goal g;
    g.set_id(id);
    g.set_name("goals/" + id);
    g.set_title(title);
    g.set_metric(static_cast<v1::GoalMetric>(metric));
    auto& scope = *g.mutable_scope();
    scope.set_product(product);
    scope.set_region(region);
    scope.set_department(department);
    scope.set_topic(topic);
    std::istringstream lines(projects);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) scope.add_projects("projects/" + line);
    }
    g.set_baseline(baseline);
    g.set_target(target);
    g.set_start_day(reports::FormatDay(start_day));
    g.set_deadline_day(reports::FormatDay(deadline_day));
    g.set_window_days(window_days);
    g.set_state(static_cast<v1::GoalState>(state));
    g.set_created_by(created_by);
    *g.mutable_create_time() = MillisToProto(create_ms);
    return g;
  }
};

// Runs a SELECT of kGoalColumns (`sql_tail` follows FROM goals) with the
// given bound values (a vector binds each of its elements) and collects
// the rows.
template <typename... Uses>
std::vector<v1::Goal> SelectGoals(soci::session& s, const std::string& sql_tail, Uses&... uses) {
  GoalRow row;
  soci::statement st(s);
  row.BindInto(st);
  auto bind = [&st](auto& use) {
    if constexpr (std::is_same_v<std::decay_t<decltype(use)>, std::vector<std::string>>) {
      for (auto& each : use) st.exchange(soci::use(each));
    } else {
      st.exchange(soci::use(use));
    }
  };
  (bind(uses), ...);
  st.alloc();
  st.prepare(std::string("SELECT ") + kGoalColumns + " FROM goals " + sql_tail);
  st.define_and_bind();
  std::vector<v1::Goal> out;
  if (st.execute(true)) {
    do {
      out.push_back(row.ToProto());
    } while (st.fetch());
  }
  return out;
}

constexpr char kEvaluationColumns[] = "day, status, has_value, value, expected, basis, note, evaluate_ms";

struct EvaluationRow {
  long long day = 0, basis = 0, evaluate_ms = 0;
  int status = 0, has_value = 0;
  double value = 0, expected = 0;
  std::string note;

  void BindInto(soci::statement& st) {
    st.exchange(soci::into(day));
    st.exchange(soci::into(status));
    st.exchange(soci::into(has_value));
    st.exchange(soci::into(value));
    st.exchange(soci::into(expected));
    st.exchange(soci::into(basis));
    st.exchange(soci::into(note));
    st.exchange(soci::into(evaluate_ms));
  }

  v1::GoalEvaluation ToProto() const {
    v1::GoalEvaluation e;
    e.set_day(reports::FormatDay(day));
    e.set_status(static_cast<v1::GoalStatus>(status));
    e.set_has_value(has_value != 0);
    e.set_value(value);
    e.set_expected(expected);
    e.set_basis(basis);
    e.set_note(note);
    *e.mutable_evaluate_time() = MillisToProto(evaluate_ms);
    return e;
  }
};

template <typename... Uses>
std::vector<v1::GoalEvaluation> SelectEvaluations(soci::session& s, const std::string& sql_tail, Uses&... uses) {
  EvaluationRow row;
  soci::statement st(s);
  row.BindInto(st);
  (st.exchange(soci::use(uses)), ...);
  st.alloc();
  st.prepare(std::string("SELECT ") + kEvaluationColumns + " FROM goal_evaluations " + sql_tail);
  st.define_and_bind();
  std::vector<v1::GoalEvaluation> out;
  if (st.execute(true)) {
    do {
      out.push_back(row.ToProto());
    } while (st.fetch());
  }
  return out;
}

std::optional<v1::GoalEvaluation> LatestIn(soci::session& s, const std::string& goal_id) {
  std::string key = goal_id;
  auto rows = SelectEvaluations(s, "WHERE goal_id = :g ORDER BY day DESC LIMIT 1", key);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

// " IN (:p0, :p1, ...)" for n bound values. REQUIRES: n > 0.
std::string InList(const char* prefix, std::size_t n) {
  std::string out = " IN (";
  for (std::size_t i = 0; i < n; ++i) {
    out.append(i ? ", :" : ":").append(prefix).append(std::to_string(i));
  }
  return out + ")";
}

}  // namespace

absl::StatusOr<v1::Goal> GoalStore::CreateGoal(const v1::Goal& goal, const std::string& request_id) {
  return storage::Guarded("storing a goal", [&]() -> absl::StatusOr<v1::Goal> {
    return db_.InTransaction([&](soci::session& s) -> absl::StatusOr<v1::Goal> {
      std::string id = goal.id(), request = request_id, title = goal.title();
      std::string product = goal.scope().product(), region = goal.scope().region();
      std::string department = goal.scope().department(), topic = goal.scope().topic();
      std::string projects = JoinLines(goal.scope().projects()), created_by = goal.created_by();
      int metric = goal.metric(), window = goal.window_days(), state = goal.state();
      double baseline = goal.baseline(), target = goal.target();
      long long start = reports::ParseDay(goal.start_day()).value_or(0);
      long long deadline = reports::ParseDay(goal.deadline_day()).value_or(0);
      long long create_ms = ProtoToMillis(goal.create_time());
      s << "INSERT INTO goals (id, request_id, title, metric, product, region, department, topic, projects, "
           "baseline, target, start_day, deadline_day, window_days, state, created_by, create_ms) VALUES "
           "(:id, :rq, :t, :m, :p, :r, :d, :tp, :pj, :b, :tg, :s, :dl, :w, :st, :by, :c) "
           "ON CONFLICT (request_id) DO NOTHING",
          soci::use(id), soci::use(request), soci::use(title), soci::use(metric), soci::use(product),
          soci::use(region), soci::use(department), soci::use(topic), soci::use(projects), soci::use(baseline),
          soci::use(target), soci::use(start), soci::use(deadline), soci::use(window), soci::use(state),
          soci::use(created_by), soci::use(create_ms);
      auto rows = SelectGoals(s, "WHERE request_id = :rq", request);
      if (rows.empty()) return absl::InternalError("storing a goal: the stored row is missing");
      if (auto latest = LatestIn(s, rows.front().id())) *rows.front().mutable_latest() = *latest;
      return rows.front();
    });
  });
}

absl::StatusOr<v1::Goal> GoalStore::GetGoal(const std::string& id) {
  return storage::Guarded("reading a goal", [&]() -> absl::StatusOr<v1::Goal> {
    return db_.WithSession([&](soci::session& s) -> absl::StatusOr<v1::Goal> {
      std::string key = id;
      auto rows = SelectGoals(s, "WHERE id = :id", key);
      if (rows.empty()) return status::NotFound("goals/" + id);
      if (auto latest = LatestIn(s, id)) *rows.front().mutable_latest() = *latest;
      return rows.front();
    });
  });
}

absl::StatusOr<v1::Goal> GoalStore::ArchiveGoal(const std::string& id) {
  VOC_RETURN_IF_ERROR(storage::Guarded("archiving a goal", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string key = id;
      int archived = v1::GOAL_STATE_ARCHIVED;
      s << "UPDATE goals SET state = :s WHERE id = :id", soci::use(archived), soci::use(key);
    });
  }));
  return GetGoal(id);
}

absl::StatusOr<std::vector<v1::Goal>> GoalStore::ListGoals(v1::GoalState state,
                                                           const std::optional<std::set<std::string>>& departments,
                                                           int limit, const std::optional<GoalAfter>& after) {
  return storage::Guarded("listing goals", [&] {
    return db_.WithSession([&](soci::session& s) {
      int st = state, has_after = after ? 1 : 0, lim = limit;
      long long key = after ? after->create_ms : 0;
      std::string after_id = after ? after->id : "";
      std::vector<std::string> depts;
      if (departments) depts.assign(departments->begin(), departments->end());
      std::string where = "WHERE state = :st AND (:a = 0 OR create_ms < :k1 OR (create_ms = :k2 AND id > :id))";
      // A caller who sees no department still sees company-wide goals
      // (departments holds ""), so the list is never empty here.
      if (departments) where += " AND department" + InList("d", depts.size());
      auto goals = SelectGoals(s, where + " ORDER BY create_ms DESC, id LIMIT :lim", st, has_after, key, key,
                               after_id, depts, lim);
      // With their latest evaluations, as GetGoal, in the same session.
      for (auto& goal : goals) {
        if (auto latest = LatestIn(s, goal.id())) *goal.mutable_latest() = *std::move(latest);
      }
      return goals;
    });
  });
}

absl::StatusOr<std::vector<v1::Goal>> GoalStore::ActiveGoalsStartedBy(reports::DayNumber day) {
  return storage::Guarded("reading the active goals", [&] {
    return db_.WithSession([&](soci::session& s) {
      int active = v1::GOAL_STATE_ACTIVE;
      long long d = day;
      return SelectGoals(s, "WHERE state = :s AND start_day <= :d ORDER BY create_ms, id", active, d);
    });
  });
}

absl::Status GoalStore::UpsertEvaluation(const std::string& goal_id, const v1::GoalEvaluation& e) {
  return storage::Guarded("storing a goal evaluation", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string key = goal_id, note = e.note();
      long long day = reports::ParseDay(e.day()).value_or(0), basis = e.basis();
      long long evaluate_ms = ProtoToMillis(e.evaluate_time());
      int status = e.status(), has_value = e.has_value() ? 1 : 0;
      double value = e.value(), expected = e.expected();
      s << "INSERT INTO goal_evaluations (goal_id, day, status, has_value, value, expected, basis, note, "
           "evaluate_ms) VALUES (:g, :d, :s, :h, :v, :x, :b, :n, :t) "
           "ON CONFLICT (goal_id, day) DO UPDATE SET status = excluded.status, has_value = excluded.has_value, "
           "value = excluded.value, expected = excluded.expected, basis = excluded.basis, note = excluded.note, "
           "evaluate_ms = excluded.evaluate_ms",
          soci::use(key), soci::use(day), soci::use(status), soci::use(has_value), soci::use(value),
          soci::use(expected), soci::use(basis), soci::use(note), soci::use(evaluate_ms);
    });
  });
}

absl::StatusOr<bool> GoalStore::MetBefore(const std::string& goal_id, reports::DayNumber day) {
  return storage::Guarded("reading whether a goal was met", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::string key = goal_id;
      long long d = day, met = 0;
      int status = v1::GOAL_STATUS_MET;
      s << "SELECT COUNT(*) FROM goal_evaluations WHERE goal_id = :g AND day < :d AND status = :s",
          soci::into(met), soci::use(key), soci::use(d), soci::use(status);
      return met > 0;
    });
  });
}

absl::StatusOr<std::vector<v1::GoalEvaluation>> GoalStore::History(const std::string& goal_id, int limit,
                                                                   std::optional<reports::DayNumber> after_day) {
  return storage::Guarded("reading a goal's history", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::string key = goal_id;
      int has_after = after_day ? 1 : 0, lim = limit;
      long long after = after_day.value_or(0);
      return SelectEvaluations(s, "WHERE goal_id = :g AND (:a = 0 OR day > :d) ORDER BY day LIMIT :lim", key,
                               has_after, after, lim);
    });
  });
}

absl::StatusOr<std::optional<v1::GoalEvaluation>> GoalStore::Latest(const std::string& goal_id) {
  return storage::Guarded("reading a goal's latest evaluation",
                          [&] { return db_.WithSession([&](soci::session& s) { return LatestIn(s, goal_id); }); });
}

absl::StatusOr<std::int64_t> GoalStore::CountVerifiedProjects(const std::vector<std::string>& project_ids,
                                                              std::int64_t before_ms) {
  if (project_ids.empty()) return 0;
  return storage::Guarded("counting verified projects", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<std::string> ids = project_ids;
      int verified = v1::VERIFICATION_STATE_VERIFIED;
      long long before = before_ms, count = 0;
      soci::statement st(s);
      st.exchange(soci::into(count));
      st.exchange(soci::use(verified));
      st.exchange(soci::use(before));
      for (auto& id : ids) st.exchange(soci::use(id));
      st.alloc();
      st.prepare("SELECT COUNT(DISTINCT project_id) FROM verification_checks WHERE state = :s AND check_ms < :b "
                 "AND project_id" + InList("p", ids.size()));
      st.define_and_bind();
      st.execute(true);
      return static_cast<std::int64_t>(count);
    });
  });
}

}  // namespace voc::verification
