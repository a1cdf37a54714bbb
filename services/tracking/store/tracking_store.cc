#include "services/tracking/store/tracking_store.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "common/status/status.h"
#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "common/util/ids.h"
#include "common/util/time.h"
#include "services/tracking/store/case_explanation.h"
#include "services/tracking/store/red_line_mark_store.h"
#include "services/tracking/store/loop_rollup_store.h"
#include "services/tracking/store/outbox_hex.h"
#include "services/tracking/store/worklist_query.h"

namespace voc::tracking {
namespace {

using storage::AsInt;
using storage::AsString;
using storage::Exec;
using storage::ForEachRow;
using storage::IsNull;
using storage::JoinLines;
using storage::Placeholders;
using storage::SplitLines;

// Stored payloads are always even hex (ToHex wrote them); a damaged one
// decodes to nothing and fails to parse downstream, as it always did.
std::string PayloadFromHex(const std::string& hex) {
  std::string bytes;
  if (!FromHex(hex, &bytes)) bytes.clear();
  return bytes;
}

void AppendHistory(soci::session& s, const std::string& table, const std::string& key_column,
                   const std::string& key, const HistoryRecord& h) {
  long long last = 0;
  soci::indicator ind = soci::i_ok;
  s << "SELECT MAX(seq) FROM " + table + " WHERE " + key_column + " = :k", soci::into(last, ind),
      soci::use(key);
  const long long seq = (ind == soci::i_null ? 0 : last) + 1;
  long long time_ms = h.time_ms;
  Exec(s,
       "INSERT INTO " + table + " (" + key_column +
           ", seq, time_ms, actor, action, detail) VALUES (:k, :seq, :t, :a, :act, :d)",
       soci::use(key), soci::use(seq), soci::use(time_ms), soci::use(h.actor),
       soci::use(h.action), soci::use(h.detail));
}

void AppendOutbox(soci::session& s, std::int64_t now_ms, const std::string& event,
                  const std::string& payload) {
  const std::string id = NewId();
  long long created = now_ms;
  const std::string hex = ToHex(payload);
  Exec(s,
       "INSERT INTO tracking_outbox (id, created_ms, event, payload_hex, published)"
       " VALUES (:id, :c, :e, :p, 0)",
       soci::use(id), soci::use(created), soci::use(event), soci::use(hex));
}

void ReadHistory(soci::session& s, const std::string& table, const std::string& key_column,
                 const std::string& key,
                 google::protobuf::RepeatedPtrField<v1::HistoryEntry>* out) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT time_ms, actor, action, detail FROM " + table + " WHERE " +
                        key_column + " = :k ORDER BY seq",
       soci::use(key));
  for (const soci::row& r : rows) {
    v1::HistoryEntry* h = out->Add();
    *h->mutable_time() = MillisToProto(AsInt(r, 0));
    h->set_actor(AsString(r, 1));
    h->set_action(AsString(r, 2));
    h->set_detail(AsString(r, 3));
  }
}

constexpr int kResolved = v1::CASE_STATE_RESOLVED;
constexpr int kClosed = v1::CASE_STATE_CLOSED;

// ---- the case load: one query for a case and its parts, or for many cases

// Every part of a case comes back from one UNION ALL, one row per part,
// sorted by case then part then position: part 0 is the cases row, 1 its
// owners, 2 callbacks, 3 tasks, 4 history. The branches share one column
// layout (text columns s1..s6, integer columns n1..n7; what each branch puts
// there is in CaseFromRow and AddPart below) so the statement is
// the same on SQLite and PostgreSQL. The ids arrive as a VALUES list, bound
// once for all branches.
enum CasePart {
  kCaseRow = 0, kOwnerRow = 1, kCallbackRow = 2, kTaskRow = 3, kHistoryRow = 4, kClockRow = 5
};

std::string CaseLoadSql(std::size_t id_count, bool with_history) {
  std::string wanted;
  for (std::size_t i = 0; i < id_count; ++i) {
    wanted += (i ? ", " : "") + std::string("(CAST(:i") + std::to_string(i) + " AS TEXT))";
  }
  const std::string in_wanted = " IN (SELECT id FROM wanted)";
  const std::string null_text = "CAST(NULL AS TEXT)";
  const std::string null_int = "CAST(NULL AS BIGINT)";
  auto nulls = [](const std::string& null, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += ", " + null;
    return out;
  };
  std::string sql =
      "WITH wanted(id) AS (VALUES " + wanted + ")"
      " SELECT 0 AS part, c.id AS case_id, CAST(0 AS BIGINT) AS seq,"
      " c.feedback_id AS s1, c.customer_id AS s2, c.title AS s3, c.summary AS s4,"
      " c.topics AS s5, c.resolution_note AS s6,"
      " c.kind AS n1, c.priority AS n2, c.state AS n3, c.create_ms AS n4, c.update_ms AS n5,"
      " c.due_ms AS n6, c.escalated_ms AS n7"
      " FROM cases c WHERE c.id" + in_wanted +
      " UNION ALL SELECT 1, o.case_id, o.ordinal, o.department, o.person" + nulls(null_text, 4) +
      nulls(null_int, 7) + " FROM case_owners o WHERE o.case_id" + in_wanted +
      " UNION ALL SELECT 2, b.case_id, b.seq, b.actor, b.note" + nulls(null_text, 4) +
      ", b.time_ms, b.reached" + nulls(null_int, 5) + " FROM case_callbacks b WHERE b.case_id" +
      in_wanted +
      " UNION ALL SELECT 3, t.case_id, t.ordinal, t.task_id, t.title, t.department, t.person" +
      nulls(null_text, 2) + ", t.due_ms, t.done" + nulls(null_int, 5) +
      " FROM case_tasks t WHERE t.case_id" + in_wanted +
      " UNION ALL SELECT 5, k.case_id, CAST(0 AS BIGINT), k.clock, k.policy_id, k.calendar_id" +
      nulls(null_text, 3) +
      ", k.target_ms, k.started_ms, k.due_ms, k.used_ms, k.paused_since_ms, k.met_ms,"
      " CAST(k.breached AS BIGINT) FROM case_clocks k WHERE k.case_id" + in_wanted;
  if (with_history) {
    sql += " UNION ALL SELECT 4, h.case_id, h.seq, h.actor, h.action, h.detail" +
           nulls(null_text, 3) + ", h.time_ms" + nulls(null_int, 6) +
           " FROM case_history h WHERE h.case_id" + in_wanted;
  }
  return sql + " ORDER BY case_id, part, seq";
}

// One row of the load, read into typed variables: the union's columns have
// no declared type of their own (SQLite would take the first branch's, so
// an INTEGER kind would truncate the BIGINT times of later branches).
struct CaseLoadRow {
  long long part = 0, seq = 0;
  std::string case_id;
  std::array<std::string, 6> text;
  std::array<soci::indicator, 6> text_ind{};
  std::array<long long, 7> number{};
  std::array<soci::indicator, 7> number_ind{};

  void BindInto(soci::statement& st) {
    st.exchange(soci::into(part));
    st.exchange(soci::into(case_id));
    st.exchange(soci::into(seq));
    for (std::size_t i = 0; i < text.size(); ++i) st.exchange(soci::into(text[i], text_ind[i]));
    for (std::size_t i = 0; i < number.size(); ++i) {
      st.exchange(soci::into(number[i], number_ind[i]));
    }
  }
  // s1..s6 and n1..n7 of the SQL, 1-based like there; NULL is "" and 0.
  std::string S(std::size_t i) const { return text_ind[i - 1] == soci::i_null ? "" : text[i - 1]; }
  long long N(std::size_t i) const { return number_ind[i - 1] == soci::i_null ? 0 : number[i - 1]; }
  bool NullN(std::size_t i) const { return number_ind[i - 1] == soci::i_null; }
};

v1::Case CaseFromRow(const CaseLoadRow& r, std::int64_t now_ms) {
  v1::Case c;
  c.set_id(r.case_id);
  c.set_name("cases/" + c.id());
  c.set_feedback_id(r.S(1));
  c.set_customer_id(r.S(2));
  c.set_title(r.S(3));
  c.set_summary(r.S(4));
  for (auto& topic : SplitLines(r.S(5))) c.add_topics(topic);
  c.set_resolution_note(r.S(6));
  c.set_kind(static_cast<v1::CaseKind>(r.N(1)));
  c.set_priority(static_cast<v1::Priority>(r.N(2)));
  c.set_state(static_cast<v1::CaseState>(r.N(3)));
  *c.mutable_create_time() = MillisToProto(r.N(4));
  *c.mutable_update_time() = MillisToProto(r.N(5));
  const long long due_ms = r.N(6);
  // No clock running (met or paused): no due to show.
  if (due_ms != kNoOpenDueMs) *c.mutable_due_time() = MillisToProto(due_ms);
  if (!r.NullN(7)) *c.mutable_escalate_time() = MillisToProto(r.N(7));
  c.set_overdue(c.state() != kResolved && c.state() != kClosed && due_ms < now_ms);
  return c;
}

void AddPart(const CaseLoadRow& r, v1::Case& c) {
  switch (r.part) {
    case kOwnerRow: {
      v1::Owner* o = c.add_owners();
      o->set_department(r.S(1));
      o->set_person(r.S(2));
      break;
    }
    case kCallbackRow: {
      v1::CallbackOutcome* cb = c.add_callbacks();
      cb->set_actor(r.S(1));
      cb->set_note(r.S(2));
      *cb->mutable_time() = MillisToProto(r.N(1));
      cb->set_reached(r.N(2) != 0);
      break;
    }
    case kTaskRow: {
      v1::Task* t = c.add_tasks();
      t->set_id(r.S(1));
      t->set_title(r.S(2));
      t->mutable_owner()->set_department(r.S(3));
      t->mutable_owner()->set_person(r.S(4));
      if (!r.NullN(1)) *t->mutable_due_time() = MillisToProto(r.N(1));
      t->set_done(r.N(2) != 0);
      break;
    }
    case kHistoryRow: {
      v1::HistoryEntry* h = c.add_history();
      h->set_actor(r.S(1));
      h->set_action(r.S(2));
      h->set_detail(r.S(3));
      *h->mutable_time() = MillisToProto(r.N(1));
      break;
    }
    case kClockRow: {
      CaseClock k;
      k.clock = r.S(1);
      k.policy_id = r.S(2);
      k.calendar_id = r.S(3);
      k.target_ms = r.N(1);
      k.started_ms = r.N(2);
      if (!r.NullN(3)) k.due_ms = r.N(3);
      k.used_ms = r.N(4);
      if (!r.NullN(5)) k.paused_since_ms = r.N(5);
      if (!r.NullN(6)) k.met_ms = r.N(6);
      k.breached = r.N(7) != 0;
      if (k.clock == kFirstResponseClock) StoredClockToProto(k, c.mutable_first_response());
      if (k.clock == kResolutionClock) StoredClockToProto(k, c.mutable_resolution());
      break;
    }
    default: break;
  }
}

// Writes one clock row: updated in place, inserted when the case has none of
// that clock yet. `breached` is never written here: the sweeper owns it.
void WriteClock(soci::session& s, const std::string& case_id, const CaseClock& k) {
  long long target = k.target_ms, started = k.started_ms, used = k.used_ms;
  long long due = k.due_ms.value_or(0), paused = k.paused_since_ms.value_or(0),
            met = k.met_ms.value_or(0), next = k.next_check_ms.value_or(0);
  soci::indicator due_ind = k.due_ms ? soci::i_ok : soci::i_null;
  soci::indicator paused_ind = k.paused_since_ms ? soci::i_ok : soci::i_null;
  soci::indicator met_ind = k.met_ms ? soci::i_ok : soci::i_null;
  soci::indicator next_ind = k.next_check_ms ? soci::i_ok : soci::i_null;
  const long long changed =
      Exec(s,
           "UPDATE case_clocks SET policy_id = :p, calendar_id = :cal, target_ms = :t,"
           " started_ms = :s, due_ms = :d, used_ms = :u, paused_since_ms = :ps, met_ms = :m,"
           // escalation: a running clock written back unchanged (LoadCase
           // does not read next_check_ms) keeps the sweeper's next check;
           // a met or paused clock has none.
           + std::string(!k.met_ms && !k.paused_since_ms ? " next_check_ms = COALESCE(:n, next_check_ms)"
                                     : " next_check_ms = :n") +
           " WHERE case_id = :id AND clock = :c",
           soci::use(k.policy_id), soci::use(k.calendar_id), soci::use(target), soci::use(started),
           soci::use(due, due_ind), soci::use(used), soci::use(paused, paused_ind),
           soci::use(met, met_ind), soci::use(next, next_ind), soci::use(case_id),
           soci::use(k.clock));
  if (changed > 0) return;
  Exec(s,
       "INSERT INTO case_clocks (case_id, clock, policy_id, calendar_id, target_ms, started_ms,"
       " due_ms, used_ms, paused_since_ms, met_ms, breached, next_check_ms) VALUES (:id, :c, :p,"
       " :cal, :t, :s, :d, :u, :ps, :m, 0, :n)",
       soci::use(case_id), soci::use(k.clock), soci::use(k.policy_id), soci::use(k.calendar_id),
       soci::use(target), soci::use(started), soci::use(due, due_ind), soci::use(used),
       soci::use(paused, paused_ind), soci::use(met, met_ind), soci::use(next, next_ind));
}

// The case row's due columns from its clocks: the order of ListCases by
// either due, and due_ms (the nearer open one) for everything older.
void WriteCaseDues(soci::session& s, const std::string& case_id, const CaseDues& d) {
  long long fr = d.first_response_ms, res = d.resolution_ms, nearest = d.nearest_ms;
  Exec(s,
       "UPDATE cases SET first_response_due_ms = :f, resolution_due_ms = :r, due_ms = :d"
       " WHERE id = :id",
       soci::use(fr), soci::use(res), soci::use(nearest), soci::use(case_id));
}

// Ids bound in one statement (far below SQLite's and PostgreSQL's limits on
// bound values); a longer list takes one query per this many cases.
constexpr std::size_t kCasesPerLoad = 500;

// The cases of `ids` that exist, keyed by id: one query per kCasesPerLoad ids.
std::unordered_map<std::string, v1::Case> LoadCasesWith(soci::session& s,
                                                        const std::vector<std::string>& ids,
                                                        bool with_history, std::int64_t now_ms) {
  std::unordered_map<std::string, v1::Case> out;
  for (std::size_t from = 0; from < ids.size(); from += kCasesPerLoad) {
    const std::vector<std::string> chunk(
        ids.begin() + from, ids.begin() + std::min(ids.size(), from + kCasesPerLoad));
    CaseLoadRow row;
    soci::statement st(s);
    row.BindInto(st);
    for (const std::string& id : chunk) st.exchange(soci::use(id));
    st.alloc();
    st.prepare(CaseLoadSql(chunk.size(), with_history));
    st.define_and_bind();
    v1::Case* current = nullptr;
    for (bool got = st.execute(true); got; got = st.fetch()) {
      if (row.part == kCaseRow) {
        current = &(out[row.case_id] = CaseFromRow(row, now_ms));
      } else if (current && current->id() == row.case_id) {
        AddPart(row, *current);
      }
    }
  }
  // Issue 12: the explanation goes with the history (GetCase and the case a
  // change returns), not into lists or event snapshots.
  if (with_history) {
    for (auto& [id, c] : out) ReadExplanation(s, c);
    // Issue 10 item 4: the red-line mark, likewise.
    for (auto& [id, c] : out) {
      if (c.kind() == v1::CASE_KIND_RED_LINE) ReadRedLineMark(s, c);
    }
  }
  return out;
}

std::optional<v1::Case> LoadCaseWith(soci::session& s, const std::string& id, bool with_history,
                                     std::int64_t now_ms) {
  auto loaded = LoadCasesWith(s, {id}, with_history, now_ms);
  auto found = loaded.find(id);
  if (found == loaded.end()) return std::nullopt;
  return std::move(found->second);
}

std::optional<v1::Project> LoadProjectWith(soci::session& s, const std::string& id,
                                           bool with_history) {
  std::optional<v1::Project> result;
  {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT title, topic, description, state, create_ms, close_ms, reopen_count"
                      " FROM projects WHERE id = :id",
         soci::use(id));
    for (const soci::row& r : rows) {
      v1::Project p;
      p.set_name("projects/" + id);
      p.set_id(id);
      p.set_title(AsString(r, 0));
      p.set_topic(AsString(r, 1));
      p.set_description(AsString(r, 2));
      p.set_state(static_cast<v1::ProjectState>(AsInt(r, 3)));
      *p.mutable_create_time() = MillisToProto(AsInt(r, 4));
      if (!IsNull(r, 5)) *p.mutable_close_time() = MillisToProto(AsInt(r, 5));
      p.set_reopen_count(static_cast<int>(AsInt(r, 6)));
      result = std::move(p);
    }
  }
  if (!result) return result;
  {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT item_id, title, department, person, due_ms, done, done_ms"
                      " FROM action_items WHERE project_id = :id ORDER BY ordinal",
         soci::use(id));
    for (const soci::row& r : rows) {
      v1::ActionItem* item = result->add_action_items();
      item->set_id(AsString(r, 0));
      item->set_name("projects/" + id + "/actionItems/" + item->id());
      item->set_title(AsString(r, 1));
      item->mutable_owner()->set_department(AsString(r, 2));
      item->mutable_owner()->set_person(AsString(r, 3));
      if (!IsNull(r, 4)) *item->mutable_due_time() = MillisToProto(AsInt(r, 4));
      item->set_done(AsInt(r, 5) != 0);
      if (!IsNull(r, 6)) *item->mutable_done_time() = MillisToProto(AsInt(r, 6));
    }
  }
  if (with_history) {
    ReadHistory(s, "project_history", "project_id", id, result->mutable_history());
  }
  return result;
}

std::vector<std::string> ReadIds(soci::rowset<soci::row>& rows) {
  std::vector<std::string> ids;
  for (const soci::row& r : rows) ids.push_back(AsString(r, 0));
  return ids;
}


// The inserts of new cases, each statement prepared once per batch and run
// once per row with the values of the row copied into its bound variables.
class CaseInserter {
 public:
  explicit CaseInserter(soci::session& s)
      : case_((s.prepare << "INSERT INTO cases (id, request_id, kind, feedback_id, customer_id,"
                           " title, summary, priority, state, topics, create_ms, update_ms, due_ms,"
                           " notify_state, resolution_note, first_response_due_ms,"
                           " resolution_due_ms, explanation) VALUES (:id, :rid, :kind, :fb, :cust,"
                           " :title, :summary, :prio, :state, :topics, :cms, :ums, :due, 0, '',"
                           " :frdue, :resdue, :why) ON CONFLICT DO NOTHING",
              soci::use(id_), soci::use(request_id_), soci::use(kind_), soci::use(feedback_id_),
              soci::use(customer_id_), soci::use(title_), soci::use(summary_),
              soci::use(priority_), soci::use(state_), soci::use(topics_), soci::use(create_ms_),
              soci::use(create_ms_), soci::use(due_ms_), soci::use(first_response_due_ms_),
              soci::use(resolution_due_ms_), soci::use(explanation_))),
        owner_((s.prepare << "INSERT INTO case_owners (case_id, ordinal, department, person)"
                            " VALUES (:id, :o, :d, :p)",
               soci::use(id_), soci::use(ordinal_), soci::use(department_), soci::use(person_))),
        task_((s.prepare << "INSERT INTO case_tasks (case_id, task_id, ordinal, title, department,"
                           " person, due_ms, done) VALUES (:c, :t, :o, :title, :d, :p, :due, :done)",
              soci::use(id_), soci::use(task_id_), soci::use(ordinal_), soci::use(title_),
              soci::use(department_), soci::use(person_), soci::use(task_due_ms_, task_due_ind_),
              soci::use(done_))),
        clock_((s.prepare << "INSERT INTO case_clocks (case_id, clock, policy_id, calendar_id,"
                            " target_ms, started_ms, due_ms, used_ms, paused_since_ms, met_ms,"
                            " breached, next_check_ms) VALUES (:id, :c, :p, :cal, :t, :s, :d, 0,"
                            " NULL, NULL, 0, :n)",
                soci::use(id_), soci::use(clock_name_), soci::use(clock_policy_),
                soci::use(clock_calendar_), soci::use(clock_target_), soci::use(clock_started_),
                soci::use(clock_due_, clock_due_ind_), soci::use(clock_next_, clock_next_ind_))),
        // A new case's history starts at seq 1 (append-only, keyed by case).
        history_((s.prepare << "INSERT INTO case_history (case_id, seq, time_ms, actor, action,"
                              " detail) VALUES (:k, 1, :t, :a, :act, :d)",
                 soci::use(id_), soci::use(history_ms_), soci::use(actor_), soci::use(action_),
                 soci::use(detail_))) {}

  // Inserts `c` with its owners, tasks and `created` history row unless a
  // case with its id or request id exists (a concurrent twin committed
  // first). True when this call inserted it.
  bool Insert(const v1::Case& c, const std::string& request_id, const HistoryRecord& created,
              const std::vector<CaseClock>& clocks) {
    id_ = c.id();
    request_id_ = request_id;
    kind_ = c.kind();
    feedback_id_ = c.feedback_id();
    customer_id_ = c.customer_id();
    title_ = c.title();
    summary_ = c.summary();
    priority_ = c.priority();
    state_ = c.state();
    topics_ = JoinLines(c.topics());
    explanation_ = ExplanationColumn(c.explanation());
    create_ms_ = ProtoToMillis(c.create_time());
    due_ms_ = ProtoToMillis(c.due_time());
    if (clocks.empty()) {  // a case without SLA clocks keeps its one due as the resolution due
      first_response_due_ms_ = kNoOpenDueMs;
      resolution_due_ms_ = due_ms_;
    } else {
      const CaseDues dues = DuesOf(clocks);
      first_response_due_ms_ = dues.first_response_ms;
      resolution_due_ms_ = dues.resolution_ms;
      due_ms_ = dues.nearest_ms;
    }
    case_.execute(true);
    if (case_.get_affected_rows() == 0) return false;
    for (const CaseClock& k : clocks) InsertClock(k);
    for (int i = 0; i < c.owners_size(); ++i) {
      ordinal_ = i;
      department_ = c.owners(i).department();
      person_ = c.owners(i).person();
      owner_.execute(true);
    }
    for (int i = 0; i < c.tasks_size(); ++i) {
      const v1::Task& t = c.tasks(i);
      ordinal_ = i;
      task_id_ = t.id();
      title_ = t.title();
      department_ = t.owner().department();
      person_ = t.owner().person();
      task_due_ms_ = ProtoToMillis(t.due_time());
      task_due_ind_ = IsUnset(t.due_time()) ? soci::i_null : soci::i_ok;
      done_ = t.done() ? 1 : 0;
      task_.execute(true);
    }
    history_ms_ = created.time_ms;
    actor_ = created.actor;
    action_ = created.action;
    detail_ = created.detail;
    history_.execute(true);
    return true;
  }

 private:
  // A new clock: running, nothing used yet.
  void InsertClock(const CaseClock& k) {
    clock_name_ = k.clock;
    clock_policy_ = k.policy_id;
    clock_calendar_ = k.calendar_id;
    clock_target_ = k.target_ms;
    clock_started_ = k.started_ms;
    clock_due_ = k.due_ms.value_or(0);
    clock_due_ind_ = k.due_ms ? soci::i_ok : soci::i_null;
    clock_next_ = k.next_check_ms.value_or(0);
    clock_next_ind_ = k.next_check_ms ? soci::i_ok : soci::i_null;
    clock_.execute(true);
  }

  // The bound variables (declared before the statements that bind them).
  std::string clock_name_, clock_policy_, clock_calendar_;
  long long clock_target_ = 0, clock_started_ = 0, clock_due_ = 0, clock_next_ = 0;
  soci::indicator clock_due_ind_ = soci::i_ok, clock_next_ind_ = soci::i_ok;
  std::string id_, request_id_, feedback_id_, customer_id_, title_, summary_, topics_, explanation_;
  int kind_ = 0, priority_ = 0, state_ = 0, ordinal_ = 0, done_ = 0;
  long long create_ms_ = 0, due_ms_ = 0, task_due_ms_ = 0, history_ms_ = 0;
  long long first_response_due_ms_ = 0, resolution_due_ms_ = 0;
  soci::indicator task_due_ind_ = soci::i_ok;
  std::string department_, person_, task_id_, actor_, action_, detail_;
  soci::statement case_, owner_, task_, clock_, history_;
};

// request id -> case id of the requests already served: one query per
// kCasesPerLoad request ids.
std::unordered_map<std::string, std::string> FindCaseIdsByRequest(
    soci::session& s, const std::vector<std::string>& request_ids) {
  std::unordered_map<std::string, std::string> out;
  for (std::size_t from = 0; from < request_ids.size(); from += kCasesPerLoad) {
    const std::vector<std::string> chunk(
        request_ids.begin() + from,
        request_ids.begin() + std::min(request_ids.size(), from + kCasesPerLoad));
    ForEachRow(s, "SELECT request_id, id FROM cases WHERE request_id IN " +
                      Placeholders("r", chunk.size()),
               chunk, [&](const soci::row& r) { out[AsString(r, 0)] = AsString(r, 1); });
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- cases

absl::StatusOr<std::vector<CreatedCase>> TrackingStore::CreateCases(
    const std::vector<CaseToCreate>& items, std::int64_t now_ms) {
  return storage::Guarded("storing cases", [&] {
    return db_.InTransaction([&](soci::session& s) -> absl::StatusOr<std::vector<CreatedCase>> {
      std::vector<std::string> request_ids;
      request_ids.reserve(items.size());
      for (const CaseToCreate& item : items) request_ids.push_back(item.request_id);
      std::sort(request_ids.begin(), request_ids.end());
      request_ids.erase(std::unique(request_ids.begin(), request_ids.end()), request_ids.end());
      // A request served before (in an earlier batch, or earlier in this
      // one once inserted below) keeps its first case.
      std::unordered_map<std::string, std::string> case_of_request =
          FindCaseIdsByRequest(s, request_ids);

      std::vector<CreatedCase> out(items.size());
      std::vector<std::string> case_ids(items.size());
      std::optional<CaseInserter> insert;  // prepared on the first new case
      std::vector<std::string> inserted_ids;
      for (std::size_t i = 0; i < items.size(); ++i) {
        const CaseToCreate& item = items[i];
        if (auto found = case_of_request.find(item.request_id); found != case_of_request.end()) {
          case_ids[i] = found->second;
          continue;
        }
        if (!item.c) continue;  // invalid and never served: nothing to return
        if (!insert) insert.emplace(s);
        // Not inserted only when a concurrent twin (another replica on
        // PostgreSQL) stored the same request first: its case has this id.
        out[i].inserted = insert->Insert(*item.c, item.request_id, item.created, item.clocks);
        case_ids[i] = item.c->id();
        case_of_request[item.request_id] = item.c->id();
        if (out[i].inserted) inserted_ids.push_back(item.c->id());
      }
      WriteOwnerListKeys(s, inserted_ids);  // worklist: the new owner rows' list keys
      MarkLoopRollupDirty(s, inserted_ids);  // the Loop report's roll-up

      std::vector<std::string> to_load;
      for (const std::string& id : case_ids) {
        if (!id.empty()) to_load.push_back(id);
      }
      std::sort(to_load.begin(), to_load.end());
      to_load.erase(std::unique(to_load.begin(), to_load.end()), to_load.end());
      auto loaded = LoadCasesWith(s, to_load, /*with_history=*/false, now_ms);
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (case_ids[i].empty()) continue;
        auto found = loaded.find(case_ids[i]);
        if (found == loaded.end()) {
          return absl::InternalError("case " + case_ids[i] + " of request " +
                                     items[i].request_id + " vanished");
        }
        out[i].stored = found->second;
      }
      return out;
    });
  });
}

absl::StatusOr<v1::Case> TrackingStore::LoadCase(const std::string& id, bool with_history,
                                                 std::int64_t now_ms) {
  return storage::Guarded("reading a case", [&]() -> absl::StatusOr<v1::Case> {
    auto c = db_.WithSession(
        [&](soci::session& s) { return LoadCaseWith(s, id, with_history, now_ms); });
    if (!c) return status::NotFound("cases/" + id);
    return *std::move(c);
  });
}

absl::StatusOr<std::int64_t> TrackingStore::CountCases(const CaseFilter& f, std::int64_t as_of_ms) {
  return storage::Guarded("counting cases", [&] {
    return db_.WithSession([&](soci::session& s) { return CountWorklist(s, f, as_of_ms); });
  });
}

absl::StatusOr<std::vector<CaseListEntry>> TrackingStore::ListCases(
    const CaseFilter& f, std::int64_t now_ms, std::int64_t as_of_ms, int limit,
    const std::optional<CaseListKey>& after) {
  return storage::Guarded("listing cases", [&] {
    return db_.WithSession([&](soci::session& s) {
      // The keys come from the list indexes (worklist_query.h), one page of
      // index entries per state range whatever the number of cases stored.
      // The cases were present a moment ago; a case is never deleted, so
      // they still are.
      std::vector<CaseListKey> keys = ReadWorklistPage(s, f, as_of_ms, limit, after);
      std::vector<std::string> ids;
      ids.reserve(keys.size());
      for (const CaseListKey& key : keys) ids.push_back(key.id);
      auto cases = LoadCasesWith(s, ids, /*with_history=*/false, now_ms);
      std::vector<CaseListEntry> out;
      out.reserve(keys.size());
      for (CaseListKey& key : keys) {
        auto found = cases.find(key.id);
        if (found == cases.end()) continue;  // never deleted; defensive only
        out.push_back({std::move(found->second), std::move(key)});
      }
      return out;
    });
  });
}

absl::StatusOr<std::vector<std::string>> TrackingStore::ExplainListCases(
    const CaseFilter& filter, std::int64_t as_of_ms, int limit,
    const std::optional<CaseListKey>& after) {
  return storage::Guarded("explaining the case list", [&] {
    return db_.WithSession([&](soci::session& s) {
      return ExplainWorklistPage(s, filter, as_of_ms, limit, after);
    });
  });
}

namespace {

// "task-1 "Check the van" (warehouse/p-li), ..." for every open owned task
// of the case. A task without an owner (a checklist line given at case
// creation, which nobody else sees in a worklist) does not hold the case;
// done is set for done and cancelled tasks alike.
std::string OpenOwnedTasks(soci::session& s, const std::string& case_id) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT task_id, title, department, person FROM case_tasks"
                    " WHERE case_id = :id AND done = 0 AND department <> '' ORDER BY ordinal",
       soci::use(case_id));
  std::string open;
  for (const soci::row& r : rows) {
    const std::string department = AsString(r, 2);
    const std::string person = AsString(r, 3);
    open += (open.empty() ? "" : ", ") + AsString(r, 0) + " \"" + AsString(r, 1) +
            "\" (" + (person.empty() ? department : department + "/" + person) + ")";
  }
  return open;
}

}  // namespace

absl::Status TrackingStore::ApplyCaseChange(const CaseChange& ch) {
  return storage::Guarded("changing a case", [&] {
    return db_.InTransaction([&](soci::session& s) -> absl::Status {
      int expected = ch.expected_state, next = ch.new_state;
      long long now = ch.now_ms;
      long long changed = 0;
      if (ch.refuse_with_open_tasks) {
        // Lock the case row before looking at its tasks (PostgreSQL: a row
        // lock; SQLite: the write lock). TaskStore::AddTask touches the same
        // row first, so an add running now has committed before the SELECT
        // below (which then sees its task) or waits until this transaction
        // has resolved the case (and then refuses). The no-op write changes
        // nothing when the check refuses (the transaction still commits).
        Exec(s, "UPDATE cases SET update_ms = update_ms WHERE id = :id", soci::use(ch.case_id));
        const std::string open = OpenOwnedTasks(s, ch.case_id);
        if (!open.empty()) {
          return absl::FailedPreconditionError("cases/" + ch.case_id + " has open tasks: " + open +
                                               "; finish them or cancel them with a reason first");
        }
      }
      int guard_update = ch.expected_update_ms ? 1 : 0;
      long long expected_update = ch.expected_update_ms.value_or(0);
      if (ch.resolution_note) {
        changed = Exec(s,
                       "UPDATE cases SET state = :n, update_ms = :t, resolution_note = :note"
                       " WHERE id = :id AND state = :e AND (:g = 0 OR update_ms = :u)",
                       soci::use(next), soci::use(now), soci::use(*ch.resolution_note),
                       soci::use(ch.case_id), soci::use(expected), soci::use(guard_update),
                       soci::use(expected_update));
      } else {
        changed = Exec(s,
                       "UPDATE cases SET state = :n, update_ms = :t WHERE id = :id AND state = :e"
                       " AND (:g = 0 OR update_ms = :u)",
                       soci::use(next), soci::use(now), soci::use(ch.case_id), soci::use(expected),
                       soci::use(guard_update), soci::use(expected_update));
      }
      if (changed == 0) {
        long long exists = 0;
        s << "SELECT COUNT(*) FROM cases WHERE id = :id", soci::into(exists), soci::use(ch.case_id);
        if (!exists) return status::NotFound("cases/" + ch.case_id);
        return absl::AbortedError("cases/" + ch.case_id + " changed concurrently");
      }
      if (ch.new_primary_owner) {
        Exec(s, "UPDATE case_owners SET department = :d, person = :p WHERE case_id = :id AND ordinal = 0",
             soci::use(ch.new_primary_owner->department()),
             soci::use(ch.new_primary_owner->person()), soci::use(ch.case_id));
      }
      if (ch.callback) {
        long long last = 0;
        soci::indicator ind = soci::i_ok;
        s << "SELECT MAX(seq) FROM case_callbacks WHERE case_id = :id", soci::into(last, ind),
            soci::use(ch.case_id);
        long long seq = (ind == soci::i_null ? 0 : last) + 1;
        long long time_ms = ProtoToMillis(ch.callback->time());
        int reached = ch.callback->reached() ? 1 : 0;
        Exec(s,
             "INSERT INTO case_callbacks (case_id, seq, time_ms, actor, reached, note)"
             " VALUES (:id, :seq, :t, :a, :r, :n)",
             soci::use(ch.case_id), soci::use(seq), soci::use(time_ms),
             soci::use(ch.callback->actor()), soci::use(reached), soci::use(ch.callback->note()));
      }
      if (ch.new_priority) {
        int priority = *ch.new_priority;
        Exec(s, "UPDATE cases SET priority = :p WHERE id = :id", soci::use(priority),
             soci::use(ch.case_id));
      }
      if (ch.clocks) {
        for (const CaseClock& k : *ch.clocks) WriteClock(s, ch.case_id, k);
        if (!ch.clocks->empty()) WriteCaseDues(s, ch.case_id, DuesOf(*ch.clocks));
      }
      if (ch.red_line_mark) WriteRedLineMark(s, ch.case_id, *ch.red_line_mark);
      AppendHistory(s, "case_history", "case_id", ch.case_id, ch.history);
      for (const HistoryRecord& h : ch.more_history) {
        AppendHistory(s, "case_history", "case_id", ch.case_id, h);
      }
      WriteOwnerListKeys(s, ch.case_id);  // worklist: the new state and dues on the owner rows
      MarkLoopRollupDirty(s, ch.case_id);  // the Loop report's roll-up: clocks, owner, callbacks
      if (!ch.event.empty()) {
        auto after = LoadCaseWith(s, ch.case_id, /*with_history=*/false, ch.now_ms);
        if (ch.red_line_mark) ReadRedLineMark(s, *after);
        AppendOutbox(s, ch.now_ms, ch.event, after->SerializeAsString());
      }
      return absl::OkStatus();
    });
  });
}

// ---------------------------------------------------------------- SLA

absl::StatusOr<std::vector<std::string>> TrackingStore::FindUnmarkedOverdue(std::int64_t now_ms) {
  return storage::Guarded("finding overdue cases", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long now = now_ms;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT id FROM cases WHERE overdue_ms IS NULL AND state NOT IN (5, 6)"
                        " AND due_ms < :now ORDER BY due_ms, id",
           soci::use(now));
      return ReadIds(rows);
    });
  });
}

absl::StatusOr<bool> TrackingStore::MarkOverdue(const std::string& case_id, std::int64_t now_ms,
                                                const HistoryRecord& history) {
  return storage::Guarded("marking a case overdue", [&] {
    return db_.InTransaction([&](soci::session& s) {
      long long now = now_ms;
      const long long changed =
          Exec(s,
               "UPDATE cases SET overdue_ms = :now WHERE id = :id AND overdue_ms IS NULL"
               " AND state NOT IN (5, 6) AND due_ms < :now2",
               soci::use(now), soci::use(case_id), soci::use(now));
      if (changed == 0) return false;
      AppendHistory(s, "case_history", "case_id", case_id, history);
      MarkLoopRollupDirty(s, case_id);  // an escalation is in the Loop report
      return true;
    });
  });
}

absl::StatusOr<std::vector<BreachedCase>> TrackingStore::FindUnescalatedBreaches(std::int64_t now_ms) {
  return storage::Guarded("finding SLA breaches", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long now = now_ms;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT c.id, c.title, o.department, o.person, c.due_ms FROM cases c"
                        " LEFT JOIN case_owners o ON o.case_id = c.id AND o.ordinal = 0"
                        " WHERE c.escalated_ms IS NULL AND c.state NOT IN (5, 6)"
                        " AND c.due_ms < :now ORDER BY c.due_ms, c.id",
           soci::use(now));
      std::vector<BreachedCase> out;
      for (const soci::row& r : rows) {
        out.push_back({AsString(r, 0), AsString(r, 1), AsString(r, 2), AsString(r, 3), AsInt(r, 4)});
      }
      return out;
    });
  });
}

absl::StatusOr<bool> TrackingStore::ClaimEscalation(const std::string& case_id,
                                                    std::int64_t now_ms,
                                                    const std::string& escalated_to,
                                                    const HistoryRecord& history) {
  return storage::Guarded("claiming an escalation", [&] {
    return db_.InTransaction([&](soci::session& s) {
      long long now = now_ms;
      // The WHERE clause is the exactly-once guarantee: of any number of
      // sweeps (threads, replicas, restarts) only one sees a row change.
      const long long changed =
          Exec(s,
               "UPDATE cases SET escalated_ms = :now, escalated_to = :to, notify_state = 0,"
               " notify_claim_ms = :now2, update_ms = :now3"
               " WHERE id = :id AND escalated_ms IS NULL AND state NOT IN (5, 6)",
               soci::use(now), soci::use(escalated_to), soci::use(now), soci::use(now),
               soci::use(case_id));
      if (changed == 0) return false;
      AppendHistory(s, "case_history", "case_id", case_id, history);
      MarkLoopRollupDirty(s, case_id);  // an escalation is in the Loop report
      return true;
    });
  });
}

absl::StatusOr<std::vector<PendingEscalation>> TrackingStore::FindRetryableNotifications(
    std::int64_t stale_before_ms) {
  return storage::Guarded("finding notifications to retry", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long stale = stale_before_ms;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT c.id, c.title, c.escalated_to, o.department, o.person, c.due_ms"
                        " FROM cases c"
                        " LEFT JOIN case_owners o ON o.case_id = c.id AND o.ordinal = 0"
                        " WHERE c.escalated_ms IS NOT NULL AND (c.notify_state = 2"
                        " OR (c.notify_state = 0 AND c.notify_claim_ms < :stale))"
                        " ORDER BY c.escalated_ms, c.id",
           soci::use(stale));
      std::vector<PendingEscalation> out;
      for (const soci::row& r : rows) {
        out.push_back({AsString(r, 0), AsString(r, 1), AsString(r, 2), AsString(r, 3),
                       AsString(r, 4), AsInt(r, 5)});
      }
      return out;
    });
  });
}

absl::StatusOr<bool> TrackingStore::ClaimNotificationRetry(const std::string& case_id,
                                                           std::int64_t now_ms,
                                                           std::int64_t stale_before_ms) {
  return storage::Guarded("claiming a notification retry", [&] {
    return db_.InTransaction([&](soci::session& s) {
      long long now = now_ms, stale = stale_before_ms;
      return Exec(s,
                  "UPDATE cases SET notify_state = 0, notify_claim_ms = :now WHERE id = :id"
                  " AND escalated_ms IS NOT NULL AND (notify_state = 2"
                  " OR (notify_state = 0 AND notify_claim_ms < :stale))",
                  soci::use(now), soci::use(case_id), soci::use(stale)) > 0;
    });
  });
}

absl::Status TrackingStore::RecordNotification(const std::string& case_id, bool sent) {
  return storage::Guarded("recording a notification", [&] {
    db_.InTransaction([&](soci::session& s) {
      int state = sent ? 1 : 2;
      Exec(s, "UPDATE cases SET notify_state = :s WHERE id = :id AND notify_state = 0",
           soci::use(state), soci::use(case_id));
    });
  });
}

absl::StatusOr<int> TrackingStore::CountOverdue(std::int64_t now_ms) {
  return storage::Guarded("counting overdue cases", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long now = now_ms;
      long long count = 0;
      // The open states one by one: four seeks of the list index on
      // (state, due_ms), reading only the overdue cases.
      s << "SELECT COUNT(*) FROM cases WHERE state IN (1, 2, 3, 4) AND due_ms < :now",
          soci::into(count), soci::use(now);
      return static_cast<int>(count);
    });
  });
}

// ---------------------------------------------------------------- projects

absl::StatusOr<bool> TrackingStore::InsertProject(const v1::Project& p, const std::string& request_id,
                                                  const HistoryRecord& created,
                                                  const std::string& proposed_by) {
  return storage::Guarded("storing a project", [&] {
    return db_.InTransaction([&](soci::session& s) {
      int state = p.state();
      long long create_ms = ProtoToMillis(p.create_time());
      const long long inserted =
          Exec(s,
               "INSERT INTO projects (id, request_id, title, topic, description, state, create_ms,"
               " update_ms, reopen_count, proposed_by) VALUES (:id, :rid, :title, :topic, :descr,"
               " :state, :c, :u, 0, :by) ON CONFLICT DO NOTHING",
               soci::use(p.id()), soci::use(request_id), soci::use(p.title()), soci::use(p.topic()),
               soci::use(p.description()), soci::use(state), soci::use(create_ms),
               soci::use(create_ms), soci::use(proposed_by));
      if (inserted == 0) return false;
      for (int i = 0; i < p.action_items_size(); ++i) {
        const v1::ActionItem& item = p.action_items(i);
        long long due = ProtoToMillis(item.due_time());
        soci::indicator due_ind = IsUnset(item.due_time()) ? soci::i_null : soci::i_ok;
        Exec(s,
             "INSERT INTO action_items (project_id, item_id, ordinal, title, department, person,"
             " due_ms, done) VALUES (:p, :i, :o, :t, :d, :per, :due, 0)",
             soci::use(p.id()), soci::use(item.id()), soci::use(i), soci::use(item.title()),
             soci::use(item.owner().department()), soci::use(item.owner().person()),
             soci::use(due, due_ind));
      }
      AppendHistory(s, "project_history", "project_id", p.id(), created);
      return true;
    });
  });
}

absl::StatusOr<std::optional<std::string>> TrackingStore::FindProjectIdByRequest(
    const std::string& request_id) {
  return storage::Guarded("finding a project by request id", [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<std::string> {
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT id FROM projects WHERE request_id = :r", soci::use(request_id));
      auto ids = ReadIds(rows);
      if (ids.empty()) return std::nullopt;
      return ids.front();
    });
  });
}

absl::StatusOr<v1::Project> TrackingStore::LoadProject(const std::string& id, bool with_history) {
  return storage::Guarded("reading a project", [&]() -> absl::StatusOr<v1::Project> {
    auto p = db_.WithSession([&](soci::session& s) { return LoadProjectWith(s, id, with_history); });
    if (!p) return status::NotFound("projects/" + id);
    return *std::move(p);
  });
}

absl::StatusOr<std::vector<ProjectListEntry>> TrackingStore::ListProjects(
    int state, const std::string& topic, int limit, const std::optional<ProjectListKey>& after,
    const std::vector<std::string>* departments) {
  return storage::Guarded("listing projects", [&] {
    return db_.WithSession([&](soci::session& s) {
      if (departments && departments->empty()) return std::vector<ProjectListEntry>{};
      // The keyset: strictly after (create_ms descending, id) of the last
      // project of the previous page.
      int has_after = after ? 1 : 0;
      long long after_ms = after ? after->create_ms : 0;
      const std::string after_id = after ? after->id : "";
      std::string sql =
          "SELECT id, create_ms FROM projects WHERE (:s1 = 0 OR state = :s2)"
          " AND (:t1 = '' OR topic = :t2)"
          " AND (:a1 = 0 OR create_ms < :m1 OR (create_ms = :m2 AND id > :i1))";
      if (departments) {
        // Issue 9: a caller's view, in SQL so a page holds only what they may see.
        sql += " AND id IN (SELECT ai.project_id FROM action_items ai WHERE ai.department IN (";
        for (std::size_t i = 0; i < departments->size(); ++i) {
          sql += (i ? ", :d" : ":d") + std::to_string(i);
        }
        sql += "))";
      }
      sql += " ORDER BY create_ms DESC, id LIMIT " + std::to_string(limit);
      soci::details::prepare_temp_type prepared = (s.prepare << sql);
      prepared, soci::use(state), soci::use(state), soci::use(topic), soci::use(topic),
          soci::use(has_after), soci::use(after_ms), soci::use(after_ms), soci::use(after_id);
      if (departments) {
        for (const std::string& d : *departments) prepared, soci::use(d);
      }
      soci::rowset<soci::row> rows(prepared);
      std::vector<ProjectListEntry> out;
      for (const soci::row& r : rows) out.push_back({{}, {AsInt(r, 1), AsString(r, 0)}});
      for (ProjectListEntry& entry : out) {
        if (auto p = LoadProjectWith(s, entry.key.id, /*with_history=*/false)) {
          entry.p = *std::move(p);
        }
      }
      return out;
    });
  });
}

absl::StatusOr<bool> TrackingStore::CompleteActionItem(const std::string& project_id,
                                                      const std::string& item_id,
                                                      const std::string& actor,
                                                      std::int64_t now_ms) {
  return storage::Guarded("completing an action item", [&] {
    return db_.InTransaction([&](soci::session& s) -> absl::StatusOr<bool> {
      long long now = now_ms;
      // Touch the project row first: on PostgreSQL this row lock serialises
      // concurrent completions of the same project, so exactly one of them
      // sees "no open items left" and closes it.
      const long long project_rows =
          Exec(s, "UPDATE projects SET update_ms = :t WHERE id = :id", soci::use(now),
               soci::use(project_id));
      if (project_rows == 0) return status::NotFound("projects/" + project_id);
      const long long changed =
          Exec(s,
               "UPDATE action_items SET done = 1, done_ms = :t WHERE project_id = :p"
               " AND item_id = :i AND done = 0",
               soci::use(now), soci::use(project_id), soci::use(item_id));
      if (changed == 0) {
        long long exists = 0;
        s << "SELECT COUNT(*) FROM action_items WHERE project_id = :p AND item_id = :i",
            soci::into(exists), soci::use(project_id), soci::use(item_id);
        if (!exists) return status::NotFound("projects/" + project_id + "/actionItems/" + item_id);
        return false;  // already done: nothing changes
      }
      AppendHistory(s, "project_history", "project_id", project_id,
                    {now_ms, actor, "action_item_done", "action item " + item_id + " done"});
      long long open_items = 0;
      s << "SELECT COUNT(*) FROM action_items WHERE project_id = :p AND done = 0",
          soci::into(open_items), soci::use(project_id);
      if (open_items == 0) {
        int open_state = v1::PROJECT_STATE_OPEN, closed_state = v1::PROJECT_STATE_CLOSED;
        const long long closed_rows =
            Exec(s, "UPDATE projects SET state = :c, close_ms = :t WHERE id = :id AND state = :o",
                 soci::use(closed_state), soci::use(now), soci::use(project_id),
                 soci::use(open_state));
        if (closed_rows > 0) {
          AppendHistory(s, "project_history", "project_id", project_id,
                        {now_ms, "system:tracking", "closed", "all action items are done"});
          auto after = LoadProjectWith(s, project_id, /*with_history=*/false);
          AppendOutbox(s, now_ms, "project_closed", after->SerializeAsString());
          return true;
        }
      }
      return false;
    });
  });
}

absl::Status TrackingStore::ReopenProject(const std::string& project_id, const std::string& actor,
                                          const std::string& evidence, std::int64_t now_ms) {
  return storage::Guarded("reopening a project", [&] {
    return db_.InTransaction([&](soci::session& s) -> absl::Status {
      long long now = now_ms;
      int open_state = v1::PROJECT_STATE_OPEN, closed_state = v1::PROJECT_STATE_CLOSED;
      const long long changed =
          Exec(s,
               "UPDATE projects SET state = :o, close_ms = NULL, update_ms = :t,"
               " reopen_count = reopen_count + 1 WHERE id = :id AND state = :c",
               soci::use(open_state), soci::use(now), soci::use(project_id),
               soci::use(closed_state));
      if (changed == 0) {
        long long exists = 0;
        s << "SELECT COUNT(*) FROM projects WHERE id = :id", soci::into(exists),
            soci::use(project_id);
        if (!exists) return status::NotFound("projects/" + project_id);
        return absl::FailedPreconditionError("projects/" + project_id +
                                             " is open; only a closed project can be reopened");
      }
      // The actions did not move the figures: they have to be done again
      // (or replaced), so every item is open once more.
      Exec(s, "UPDATE action_items SET done = 0, done_ms = NULL WHERE project_id = :p",
           soci::use(project_id));
      AppendHistory(s, "project_history", "project_id", project_id,
                    {now_ms, actor, "reopened", evidence});
      auto after = LoadProjectWith(s, project_id, /*with_history=*/false);
      AppendOutbox(s, now_ms, "project_reopened", after->SerializeAsString());
      return absl::OkStatus();
    });
  });
}

// ---------------------------------------------------------------- outbox

namespace {

std::vector<OutboxRecord> SelectPendingEvents(soci::session& s, int limit, const char* lock_clause) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT id, created_ms, event, payload_hex FROM tracking_outbox"
                    " WHERE published = 0 ORDER BY created_ms, id LIMIT " +
                        std::to_string(limit) + lock_clause);
  std::vector<OutboxRecord> out;
  for (const soci::row& r : rows) {
    out.push_back({AsString(r, 0), AsInt(r, 1), AsString(r, 2), PayloadFromHex(AsString(r, 3))});
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<OutboxRecord>> TrackingStore::PendingEvents(int limit) {
  return storage::Guarded("reading pending events", [&] {
    return db_.WithSession([&](soci::session& s) { return SelectPendingEvents(s, limit, ""); });
  });
}

absl::StatusOr<storage::OutboxBatch> TrackingStore::RelayPendingEvents(int limit, const PublishEvents& publish) {
  auto select = [&](soci::session& s, const char* lock_clause) {
    return SelectPendingEvents(s, limit, lock_clause);
  };
  auto mark = [](soci::session& s, std::span<const OutboxRecord> published) {
    std::vector<std::string> ids;
    ids.reserve(published.size());
    for (const auto& record : published) ids.push_back(record.id);
    s << "UPDATE tracking_outbox SET published = 1 WHERE id = :id", soci::use(ids);
  };
  return storage::Guarded("relaying tracking events", [&] {
    return storage::ClaimAndPublish(db_, storage::ClaimOrder::kInOrder, select, publish, mark);
  });
}

}  // namespace voc::tracking
