#include "services/verification/store/verification_store.h"

#include <google/protobuf/util/json_util.h>
#include <soci/soci.h>

#include "common/status/status.h"
#include "common/storage/errors.h"

#include "proto/api/resource_names.h"
#include "common/util/ids.h"
#include "common/util/time.h"

namespace voc::verification {

std::string FoldCase(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string EscapeLike(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

namespace {

constexpr char kCheckColumns[] =
    "id, project_id, project_title, topic, resolution, state, project_create_ms, close_ms, due_ms, "
    "check_ms, before_start_ms, before_end_ms, after_start_ms, after_end_ms, before_topic_count, "
    "before_total_count, after_topic_count, after_total_count, before_share, after_share, z_score, "
    "p_value, summary, reopen_state";

// SOCI exchange buffers for one verification_checks row.
struct CheckRow {
  std::string id, project_id, project_title, topic, resolution, summary;
  int state = 0, reopen_state = 0;
  long long project_create_ms = 0, close_ms = 0, due_ms = 0, check_ms = 0;
  long long before_start_ms = 0, before_end_ms = 0, after_start_ms = 0, after_end_ms = 0;
  long long before_topic = 0, before_total = 0, after_topic = 0, after_total = 0;
  double before_share = 0, after_share = 0, z_score = 0, p_value = 1;

  void BindInto(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(project_id));
    st.exchange(soci::into(project_title));
    st.exchange(soci::into(topic));
    st.exchange(soci::into(resolution));
    st.exchange(soci::into(state));
    st.exchange(soci::into(project_create_ms));
    st.exchange(soci::into(close_ms));
    st.exchange(soci::into(due_ms));
    st.exchange(soci::into(check_ms));
    st.exchange(soci::into(before_start_ms));
    st.exchange(soci::into(before_end_ms));
    st.exchange(soci::into(after_start_ms));
    st.exchange(soci::into(after_end_ms));
    st.exchange(soci::into(before_topic));
    st.exchange(soci::into(before_total));
    st.exchange(soci::into(after_topic));
    st.exchange(soci::into(after_total));
    st.exchange(soci::into(before_share));
    st.exchange(soci::into(after_share));
    st.exchange(soci::into(z_score));
    st.exchange(soci::into(p_value));
    st.exchange(soci::into(summary));
    st.exchange(soci::into(reopen_state));
  }

  CheckRecord ToRecord() const {
    CheckRecord r;
    auto& v = r.verification;
    v.set_id(id);
    v.set_name("verifications/" + id);
    v.set_project("projects/" + project_id);
    v.set_topic(topic);
    v.set_state(static_cast<v1::VerificationState>(state));
    *v.mutable_due_time() = MillisToProto(due_ms);
    if (check_ms != 0) *v.mutable_check_time() = MillisToProto(check_ms);
    if (state != v1::VERIFICATION_STATE_SCHEDULED) {
      *v.mutable_before_start_time() = MillisToProto(before_start_ms);
      *v.mutable_before_end_time() = MillisToProto(before_end_ms);
      *v.mutable_after_start_time() = MillisToProto(after_start_ms);
      *v.mutable_after_end_time() = MillisToProto(after_end_ms);
    }
    v.set_before_topic_count(before_topic);
    v.set_before_total_count(before_total);
    v.set_after_topic_count(after_topic);
    v.set_after_total_count(after_total);
    v.set_before_share(before_share);
    v.set_after_share(after_share);
    v.set_z_score(z_score);
    v.set_p_value(p_value);
    v.set_summary(summary);
    r.project_title = project_title;
    r.resolution = resolution;
    r.project_create_ms = project_create_ms;
    r.close_ms = close_ms;
    r.reopen = static_cast<CheckRecord::Reopen>(reopen_state);
    return r;
  }
};

// Runs a SELECT of kCheckColumns (`sql_tail` follows FROM) with the given
// bound values and collects the rows.
template <typename... Uses>
std::vector<CheckRecord> SelectChecks(soci::session& s, const std::string& sql_tail, Uses&... uses) {
  CheckRow row;
  soci::statement st(s);
  row.BindInto(st);
  (st.exchange(soci::use(uses)), ...);
  st.alloc();
  st.prepare(std::string("SELECT ") + kCheckColumns + " FROM verification_checks " + sql_tail);
  st.define_and_bind();
  std::vector<CheckRecord> out;
  if (st.execute(true)) {
    do {
      out.push_back(row.ToRecord());
    } while (st.fetch());
  }
  return out;
}

constexpr char kResurveyColumns[] =
    "id, customer_id, case_id, original_feedback_id, original_nps, due_ms, state, new_nps, "
    "new_feedback_id, nps_change, answer_ms, invite_state, invite_ms, invite_error, answered_via";

struct ResurveyRow {
  std::string id, customer_id, case_id, original_feedback_id, new_feedback_id, invite_error, answered_via;
  int original_nps = 0, state = 0, new_nps = -1, nps_change = 0, invite_state = 1;
  long long due_ms = 0, answer_ms = 0, invite_ms = 0;

  void BindInto(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(customer_id));
    st.exchange(soci::into(case_id));
    st.exchange(soci::into(original_feedback_id));
    st.exchange(soci::into(original_nps));
    st.exchange(soci::into(due_ms));
    st.exchange(soci::into(state));
    st.exchange(soci::into(new_nps));
    st.exchange(soci::into(new_feedback_id));
    st.exchange(soci::into(nps_change));
    st.exchange(soci::into(answer_ms));
    st.exchange(soci::into(invite_state));
    st.exchange(soci::into(invite_ms));
    st.exchange(soci::into(invite_error));
    st.exchange(soci::into(answered_via));
  }

  v1::Resurvey ToProto() const {
    v1::Resurvey r;
    r.set_id(id);
    r.set_name("resurveys/" + id);
    r.set_customer_id(customer_id);
    r.set_case_name("cases/" + case_id);
    r.set_original_feedback_id(original_feedback_id);
    r.set_original_nps(original_nps);
    *r.mutable_due_time() = MillisToProto(due_ms);
    r.set_state(static_cast<v1::ResurveyState>(state));
    if (state == v1::RESURVEY_STATE_ANSWERED) {
      r.set_new_nps(new_nps);
      r.set_new_feedback_id(new_feedback_id);
      r.set_nps_change(nps_change);
      *r.mutable_answer_time() = MillisToProto(answer_ms);
      r.set_answered_via(answered_via);
    }
    r.set_invitation_state(static_cast<v1::ResurveyInvitationState>(invite_state));
    if (invite_ms > 0) *r.mutable_invitation_time() = MillisToProto(invite_ms);
    r.set_invitation_error(invite_error);
    if (invite_state != v1::RESURVEY_INVITATION_STATE_NOT_SENT || invite_ms > 0)
      r.set_invitation_id(ResurveyInvitationId(id));
    return r;
  }
};

template <typename... Uses>
std::vector<v1::Resurvey> SelectResurveys(soci::session& s, const std::string& sql_tail, Uses&... uses) {
  ResurveyRow row;
  soci::statement st(s);
  row.BindInto(st);
  (st.exchange(soci::use(uses)), ...);
  st.alloc();
  st.prepare(std::string("SELECT ") + kResurveyColumns + " FROM verification_resurveys " + sql_tail);
  st.define_and_bind();
  std::vector<v1::Resurvey> out;
  if (st.execute(true)) {
    do {
      out.push_back(row.ToProto());
    } while (st.fetch());
  }
  return out;
}

// Number of rows an UPDATE/DELETE touched.
int Affected(soci::statement& st) { return static_cast<int>(st.get_affected_rows()); }

// Inserts or replaces the knowledge entry for its source, in `s`'s transaction.
void UpsertKnowledgeIn(soci::session& s, const KnowledgeRecord& record) {
  const auto& e = record.entry;
  std::string source = e.source(), title = e.title(), topic = e.topic();
  std::string resolution = e.resolution(), evidence = e.evidence();
  long long verify_ms = ProtoToMillis(e.verify_time());
  std::string search = FoldCase(title + "\n" + topic + "\n" + resolution + "\n" + evidence);
  s << "INSERT INTO verification_knowledge (source, title, topic, resolution, evidence, "
       "verify_ms, search_text) VALUES (:s, :t, :tp, :r, :e, :v, :x) "
       "ON CONFLICT (source) DO UPDATE SET title = excluded.title, topic = excluded.topic, "
       "resolution = excluded.resolution, evidence = excluded.evidence, "
       "verify_ms = excluded.verify_ms, search_text = excluded.search_text",
      soci::use(source), soci::use(title), soci::use(topic), soci::use(resolution),
      soci::use(evidence), soci::use(verify_ms), soci::use(search);
}

// The batch this thread is storing (VerificationStore::InOneTransaction).
struct BatchScope {
  const VerificationStore* store = nullptr;
  soci::session* session = nullptr;
};
thread_local BatchScope t_batch;

// Ends the scope however the batch's work ends.
class ScopedBatch {
 public:
  ScopedBatch(const VerificationStore* store, soci::session* session) { t_batch = {store, session}; }
  ~ScopedBatch() { t_batch = {}; }
  ScopedBatch(const ScopedBatch&) = delete;
  ScopedBatch& operator=(const ScopedBatch&) = delete;
};

// Thrown (never past InOneTransaction) to roll the batch back with the
// status its work returned; not a std::exception, so storage::Guarded lets
// it through.
struct RollBackBatch {
  absl::Status status;
};

}  // namespace

soci::session* VerificationStore::BatchSession() const {
  return t_batch.store == this ? t_batch.session : nullptr;
}

template <typename Fn>
auto VerificationStore::Write(Fn&& fn) {
  if (soci::session* batch = BatchSession()) return fn(*batch);
  return db_.InTransaction(std::forward<Fn>(fn));
}

template <typename Fn>
auto VerificationStore::Read(Fn&& fn) {
  if (soci::session* batch = BatchSession()) return fn(*batch);
  return db_.WithSession(std::forward<Fn>(fn));
}

absl::Status VerificationStore::InOneTransaction(const std::function<absl::Status()>& work) {
  if (BatchSession() != nullptr) return work();
  try {
    return storage::Guarded("storing a batch", [&] {
      db_.InTransaction([&](soci::session& s) {
        ScopedBatch scope(this, &s);
        absl::Status status = work();
        if (!status.ok()) throw RollBackBatch{std::move(status)};
      });
    });
  } catch (const RollBackBatch& rolled_back) {
    return rolled_back.status;
  }
}

absl::StatusOr<bool> VerificationStore::InsertScheduledCheck(const CheckRecord& c, std::int64_t now_ms) {
  return storage::Guarded("scheduling a verification check", [&] {
    return Write([&](soci::session& s) {
      const auto& v = c.verification;
      std::string id = v.id();
      std::string project_id = api::IdFromName(v.project(), "projects/");
      std::string title = c.project_title, topic = v.topic(), resolution = c.resolution;
      int state = v1::VERIFICATION_STATE_SCHEDULED;
      long long create_ms = c.project_create_ms, close_ms = c.close_ms;
      long long due_ms = ProtoToMillis(v.due_time()), created = now_ms;
      soci::statement st =
          (s.prepare << "INSERT INTO verification_checks (id, project_id, project_title, topic, "
                        "resolution, state, project_create_ms, close_ms, due_ms, created_ms) VALUES "
                        "(:id, :p, :t, :topic, :res, :st, :cr, :cl, :due, :now) "
                        "ON CONFLICT (id) DO NOTHING",
           soci::use(id), soci::use(project_id), soci::use(title), soci::use(topic),
           soci::use(resolution), soci::use(state), soci::use(create_ms), soci::use(close_ms),
           soci::use(due_ms), soci::use(created));
      st.execute(true);
      return Affected(st) > 0;
    });
  });
}

absl::StatusOr<int> VerificationStore::CancelScheduledChecks(const std::string& project_id) {
  return storage::Guarded("cancelling scheduled checks", [&] {
    return Write([&](soci::session& s) {
      std::string id = project_id;
      int state = v1::VERIFICATION_STATE_SCHEDULED;
      soci::statement st = (s.prepare << "DELETE FROM verification_checks WHERE project_id = :p "
                                         "AND state = :s",
                            soci::use(id), soci::use(state));
      st.execute(true);
      return Affected(st);
    });
  });
}

absl::StatusOr<std::vector<CheckRecord>> VerificationStore::DueChecks(std::int64_t now_ms, int limit) {
  return storage::Guarded("reading due checks", [&] {
    return Read([&](soci::session& s) {
      int state = v1::VERIFICATION_STATE_SCHEDULED;
      long long now = now_ms;
      int lim = limit;
      return SelectChecks(s, "WHERE state = :s AND due_ms <= :now ORDER BY due_ms, id LIMIT :lim",
                          state, now, lim);
    });
  });
}

absl::StatusOr<bool> VerificationStore::RecordVerdict(const CheckRecord& c,
                                                      const std::optional<KnowledgeRecord>& knowledge) {
  return storage::Guarded("recording a verdict", [&] {
    return Write([&](soci::session& s) {
      const auto& v = c.verification;
      std::string id = v.id(), summary = v.summary();
      int state = v.state(), scheduled = v1::VERIFICATION_STATE_SCHEDULED;
      int reopen = static_cast<int>(c.reopen);
      long long check_ms = ProtoToMillis(v.check_time());
      long long bs = ProtoToMillis(v.before_start_time()), be = ProtoToMillis(v.before_end_time());
      long long as = ProtoToMillis(v.after_start_time()), ae = ProtoToMillis(v.after_end_time());
      long long bt = v.before_topic_count(), bn = v.before_total_count();
      long long at = v.after_topic_count(), an = v.after_total_count();
      double bsh = v.before_share(), ash = v.after_share(), z = v.z_score(), p = v.p_value();
      soci::statement st =
          (s.prepare << "UPDATE verification_checks SET state = :state, check_ms = :cm, "
                        "before_start_ms = :bs, before_end_ms = :be, after_start_ms = :as, "
                        "after_end_ms = :ae, before_topic_count = :bt, before_total_count = :bn, "
                        "after_topic_count = :at, after_total_count = :an, before_share = :bsh, "
                        "after_share = :ash, z_score = :z, p_value = :p, summary = :sum, "
                        "reopen_state = :ro WHERE id = :id AND state = :sched",
           soci::use(state), soci::use(check_ms), soci::use(bs), soci::use(be), soci::use(as),
           soci::use(ae), soci::use(bt), soci::use(bn), soci::use(at), soci::use(an),
           soci::use(bsh), soci::use(ash), soci::use(z), soci::use(p), soci::use(summary),
           soci::use(reopen), soci::use(id), soci::use(scheduled));
      st.execute(true);
      if (Affected(st) == 0) return false;
      // In the same transaction: a verdict is never stored without its entry.
      if (knowledge) UpsertKnowledgeIn(s, *knowledge);
      return true;
    });
  });
}

absl::StatusOr<std::vector<CheckRecord>> VerificationStore::PendingReopens(int limit) {
  return storage::Guarded("reading pending reopens", [&] {
    return Read([&](soci::session& s) {
      int pending = static_cast<int>(CheckRecord::Reopen::kPending);
      int lim = limit;
      return SelectChecks(s, "WHERE reopen_state = :r ORDER BY check_ms, id LIMIT :lim", pending, lim);
    });
  });
}

absl::Status VerificationStore::MarkReopened(const std::string& check_id) {
  return storage::Guarded("marking a project reopened", [&] {
    Write([&](soci::session& s) {
      std::string id = check_id;
      int done = static_cast<int>(CheckRecord::Reopen::kDone);
      s << "UPDATE verification_checks SET reopen_state = :d WHERE id = :id", soci::use(done),
          soci::use(id);
    });
  });
}

absl::StatusOr<CheckRecord> VerificationStore::GetCheck(const std::string& id) {
  return storage::Guarded("reading a verification", [&]() -> absl::StatusOr<CheckRecord> {
    auto rows = Read([&](soci::session& s) {
      std::string key = id;
      return SelectChecks(s, "WHERE id = :id", key);
    });
    if (rows.empty()) return status::NotFound("verifications/" + id);
    return rows.front();
  });
}

absl::StatusOr<std::vector<CheckRecord>> VerificationStore::ListChecks(
    const std::string& project_id, int state, int limit, const std::optional<ListAfter>& after) {
  return storage::Guarded("listing verifications", [&] {
    return Read([&](soci::session& s) {
      // Empty / zero filters match everything, so one statement serves all.
      std::string project = project_id;
      int state_filter = state;
      int has_after = after ? 1 : 0;
      long long after_key = after ? after->key : 0;
      std::string after_id = after ? after->id : "";
      int lim = limit;
      return SelectChecks(s,
                          "WHERE (:p1 = '' OR project_id = :p2) AND (:s1 = 0 OR state = :s2) "
                          "AND (:a = 0 OR due_ms < :k1 OR (due_ms = :k2 AND id > :id)) "
                          "ORDER BY due_ms DESC, id LIMIT :lim",
                          project, project, state_filter, state_filter, has_after, after_key,
                          after_key, after_id, lim);
    });
  });
}

absl::StatusOr<VerificationStore::VerdictCounts> VerificationStore::CountVerdicts(std::int64_t start_ms,
                                                                                std::int64_t end_ms) {
  return storage::Guarded("counting verdicts", [&] {
    return Read([&](soci::session& s) {
      long long verified = 0, failed = 0, reopened = 0;
      long long start = start_ms, end = end_ms;
      int st_verified = v1::VERIFICATION_STATE_VERIFIED, st_failed = v1::VERIFICATION_STATE_FAILED,
          st_failed2 = v1::VERIFICATION_STATE_FAILED, st_v = v1::VERIFICATION_STATE_VERIFIED,
          st_f = v1::VERIFICATION_STATE_FAILED;
      int reopen_done = static_cast<int>(CheckRecord::Reopen::kDone);
      s << "SELECT "
           "COALESCE(SUM(CASE WHEN state = :v THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN state = :f THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN state = :f2 AND reopen_state = :done THEN 1 ELSE 0 END), 0) "
           "FROM verification_checks WHERE state IN (:sv, :sf) AND check_ms >= :start AND check_ms < :end",
          soci::into(verified), soci::into(failed), soci::into(reopened), soci::use(st_verified),
          soci::use(st_failed), soci::use(st_failed2), soci::use(reopen_done), soci::use(st_v), soci::use(st_f),
          soci::use(start), soci::use(end);
      return VerdictCounts{verified, failed, reopened};
    });
  });
}

absl::StatusOr<std::vector<CheckRecord>> VerificationStore::ListVerdicts(std::int64_t start_ms, std::int64_t end_ms,
                                                                         int limit,
                                                                         const std::optional<ListAfter>& after,
                                                                         v1::VerificationState only) {
  return storage::Guarded("listing verdicts", [&] {
    return Read([&](soci::session& s) {
      // A finished state named by `only`, else both.
      const bool both = only == v1::VERIFICATION_STATE_UNSPECIFIED;
      int st_v = both ? v1::VERIFICATION_STATE_VERIFIED : only, st_f = both ? v1::VERIFICATION_STATE_FAILED : only;
      long long start = start_ms, end = end_ms;
      int has_after = after ? 1 : 0;
      long long after_key = after ? after->key : 0;
      std::string after_id = after ? after->id : "";
      int lim = limit;
      return SelectChecks(s,
                          "WHERE state IN (:sv, :sf) AND check_ms >= :start AND check_ms < :end "
                          "AND (:a = 0 OR check_ms < :k1 OR (check_ms = :k2 AND id > :id)) "
                          "ORDER BY check_ms DESC, id LIMIT :lim",
                          st_v, st_f, start, end, has_after, after_key, after_key, after_id, lim);
    });
  });
}

absl::StatusOr<VerificationStore::ResurveyAnswerCounts> VerificationStore::CountResurveyAnswers(
    std::int64_t start_ms, std::int64_t end_ms) {
  return storage::Guarded("counting re-survey answers", [&] {
    return Read([&](soci::session& s) {
      ResurveyAnswerCounts c;
      long long answered = 0, original_promoters = 0, original_detractors = 0, new_promoters = 0,
                new_passives = 0, new_detractors = 0, change_sum = 0, unanswered = 0;
      int st_answered = v1::RESURVEY_STATE_ANSWERED, st_answered2 = v1::RESURVEY_STATE_ANSWERED;
      long long start = start_ms, end = end_ms, start2 = start_ms, end2 = end_ms;
      s << "SELECT COUNT(*), "
           "COALESCE(SUM(CASE WHEN original_nps >= 9 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN original_nps <= 6 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN new_nps >= 9 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN new_nps BETWEEN 7 AND 8 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN new_nps <= 6 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(nps_change), 0) "
           "FROM verification_resurveys WHERE state = :s AND answer_ms >= :start AND answer_ms < :end",
          soci::into(answered), soci::into(original_promoters), soci::into(original_detractors),
          soci::into(new_promoters), soci::into(new_passives), soci::into(new_detractors), soci::into(change_sum),
          soci::use(st_answered), soci::use(start), soci::use(end);
      s << "SELECT COUNT(*) FROM verification_resurveys WHERE state <> :s AND due_ms >= :start AND due_ms < :end",
          soci::into(unanswered), soci::use(st_answered2), soci::use(start2), soci::use(end2);
      c.answered = answered;
      c.original_promoters = original_promoters;
      c.original_detractors = original_detractors;
      c.new_promoters = new_promoters;
      c.new_passives = new_passives;
      c.new_detractors = new_detractors;
      c.nps_change_sum = change_sum;
      c.unanswered_due = unanswered;
      return c;
    });
  });
}

absl::StatusOr<bool> VerificationStore::InsertResurvey(const v1::Resurvey& r, std::int64_t now_ms) {
  return storage::Guarded("scheduling a re-survey", [&] {
    return Write([&](soci::session& s) {
      std::string id = r.id(), customer = r.customer_id(), feedback = r.original_feedback_id();
      std::string case_id = api::IdFromName(r.case_name(), "cases/");
      int nps = r.original_nps(), state = v1::RESURVEY_STATE_SCHEDULED;
      long long due = ProtoToMillis(r.due_time()), created = now_ms;
      soci::statement st =
          (s.prepare << "INSERT INTO verification_resurveys (id, customer_id, case_id, "
                        "original_feedback_id, original_nps, due_ms, state, created_ms) VALUES "
                        "(:id, :c, :case, :f, :nps, :due, :st, :now) ON CONFLICT DO NOTHING",
           soci::use(id), soci::use(customer), soci::use(case_id), soci::use(feedback),
           soci::use(nps), soci::use(due), soci::use(state), soci::use(created));
      st.execute(true);
      return Affected(st) > 0;
    });
  });
}

absl::StatusOr<int> VerificationStore::MarkResurveysDue(std::int64_t now_ms) {
  return storage::Guarded("marking re-surveys due", [&] {
    return Write([&](soci::session& s) {
      int due = v1::RESURVEY_STATE_DUE, scheduled = v1::RESURVEY_STATE_SCHEDULED;
      long long now = now_ms;
      soci::statement st = (s.prepare << "UPDATE verification_resurveys SET state = :d "
                                         "WHERE state = :s AND due_ms <= :now",
                            soci::use(due), soci::use(scheduled), soci::use(now));
      st.execute(true);
      return Affected(st);
    });
  });
}

absl::StatusOr<std::vector<v1::Resurvey>> VerificationStore::OpenResurveysDueBy(
    const std::string& customer_id, std::int64_t at_ms) {
  return storage::Guarded("reading open re-surveys", [&] {
    return Read([&](soci::session& s) {
      std::string customer = customer_id;
      int answered = v1::RESURVEY_STATE_ANSWERED;
      long long at = at_ms;
      return SelectResurveys(s,
                             "WHERE customer_id = :c AND state <> :a AND due_ms <= :at "
                             "ORDER BY due_ms, id",
                             customer, answered, at);
    });
  });
}

absl::StatusOr<bool> VerificationStore::RecordResurveyAnswer(const std::string& id, int new_nps,
                                                             const std::string& feedback_id,
                                                             std::int64_t answer_ms, const std::string& via) {
  return storage::Guarded("recording a re-survey answer", [&] {
    return Write([&](soci::session& s) {
      std::string key = id, feedback = feedback_id, how = via;
      int nps = new_nps, answered = v1::RESURVEY_STATE_ANSWERED;
      long long at = answer_ms;
      soci::statement st =
          (s.prepare << "UPDATE verification_resurveys SET state = :a, new_nps = :n, "
                        "new_feedback_id = :f, nps_change = :n2 - original_nps, answer_ms = :at, "
                        "answered_via = :via WHERE id = :id AND state <> :a2",
           soci::use(answered), soci::use(nps), soci::use(feedback), soci::use(nps), soci::use(at),
           soci::use(how), soci::use(key), soci::use(answered));
      st.execute(true);
      return Affected(st) > 0;
    });
  });
}

absl::StatusOr<v1::Resurvey> VerificationStore::GetResurvey(const std::string& id) {
  return storage::Guarded("reading a re-survey", [&]() -> absl::StatusOr<v1::Resurvey> {
    auto rows = Read([&](soci::session& s) {
      std::string key = id;
      return SelectResurveys(s, "WHERE id = :id", key);
    });
    if (rows.empty()) return status::NotFound("resurveys/" + id);
    return rows.front();
  });
}

absl::StatusOr<std::vector<v1::Resurvey>> VerificationStore::ListResurveys(
    const std::string& customer_id, int state, int limit, const std::optional<ListAfter>& after) {
  return storage::Guarded("listing re-surveys", [&] {
    return Read([&](soci::session& s) {
      std::string customer = customer_id;
      int state_filter = state;
      int has_after = after ? 1 : 0;
      long long after_key = after ? after->key : 0;
      std::string after_id = after ? after->id : "";
      int lim = limit;
      return SelectResurveys(s,
                             "WHERE (:c1 = '' OR customer_id = :c2) AND (:s1 = 0 OR state = :s2) "
                             "AND (:a = 0 OR due_ms > :k1 OR (due_ms = :k2 AND id > :id)) "
                             "ORDER BY due_ms, id LIMIT :lim",
                             customer, customer, state_filter, state_filter, has_after, after_key,
                             after_key, after_id, lim);
    });
  });
}

absl::Status VerificationStore::RecordDetractorOriginal(const DetractorOriginal& original,
                                                        std::int64_t seen_ms) {
  return storage::Guarded("recording a detractor's score", [&] {
    Write([&](soci::session& s) {
      std::string feedback = original.feedback_id, customer = original.customer_id;
      int nps = original.nps;
      long long seen = seen_ms;
      std::string email = original.contact_email;
      s << "INSERT INTO verification_detractor_originals (feedback_id, customer_id, nps, seen_ms, contact_email) "
           "VALUES (:f, :c, :n, :s, :e) ON CONFLICT (feedback_id) DO NOTHING",
          soci::use(feedback), soci::use(customer), soci::use(nps), soci::use(seen), soci::use(email);
    });
  });
}

absl::StatusOr<std::optional<DetractorOriginal>> VerificationStore::FindDetractorOriginal(
    const std::string& feedback_id) {
  return storage::Guarded("reading a detractor's score", [&] {
    return Read([&](soci::session& s) -> std::optional<DetractorOriginal> {
      DetractorOriginal found;
      found.feedback_id = feedback_id;
      soci::indicator ind = soci::i_null;
      s << "SELECT customer_id, nps, contact_email FROM verification_detractor_originals WHERE feedback_id = :f",
          soci::into(found.customer_id, ind), soci::into(found.nps), soci::into(found.contact_email),
          soci::use(feedback_id);
      if (!s.got_data()) return std::nullopt;
      return found;
    });
  });
}

absl::Status VerificationStore::AwaitOriginal(const AwaitingResurvey& a, std::int64_t now_ms) {
  return storage::Guarded("parking a callback until its score is seen", [&] {
    Write([&](soci::session& s) {
      std::string case_id = a.case_id, feedback = a.feedback_id, customer = a.customer_id;
      long long resolve = a.resolve_ms, created = now_ms;
      s << "INSERT INTO verification_awaiting_originals (case_id, feedback_id, customer_id, "
           "resolve_ms, created_ms) VALUES (:k, :f, :c, :r, :n) ON CONFLICT (case_id) DO NOTHING",
          soci::use(case_id), soci::use(feedback), soci::use(customer), soci::use(resolve),
          soci::use(created);
    });
  });
}

absl::StatusOr<std::vector<AwaitingResurvey>> VerificationStore::AwaitingOriginal(
    const std::string& feedback_id) {
  return storage::Guarded("reading callbacks awaiting a score", [&] {
    return Read([&](soci::session& s) {
      AwaitingResurvey row;
      long long resolve = 0;
      std::string key = feedback_id;
      soci::statement st =
          (s.prepare << "SELECT case_id, feedback_id, customer_id, resolve_ms FROM "
                        "verification_awaiting_originals WHERE feedback_id = :f ORDER BY case_id",
           soci::into(row.case_id), soci::into(row.feedback_id), soci::into(row.customer_id),
           soci::into(resolve), soci::use(key));
      std::vector<AwaitingResurvey> out;
      if (st.execute(true)) {
        do {
          row.resolve_ms = resolve;
          out.push_back(row);
        } while (st.fetch());
      }
      return out;
    });
  });
}

absl::Status VerificationStore::DropAwaiting(const std::string& case_id) {
  return storage::Guarded("dropping a callback that got its score", [&] {
    Write([&](soci::session& s) {
      std::string key = case_id;
      s << "DELETE FROM verification_awaiting_originals WHERE case_id = :k", soci::use(key);
    });
  });
}

absl::StatusOr<std::vector<VerificationStore::ParkedWithOriginal>> VerificationStore::ParkedWithOriginals(int limit) {
  return storage::Guarded("reading parked callbacks whose score arrived", [&] {
    return Read([&](soci::session& s) {
      ParkedWithOriginal row;
      long long resolve = 0;
      int lim = limit;
      soci::statement st =
          (s.prepare << "SELECT a.case_id, a.feedback_id, a.customer_id, a.resolve_ms, o.customer_id, o.nps "
                        "FROM verification_awaiting_originals a JOIN verification_detractor_originals o "
                        "ON o.feedback_id = a.feedback_id ORDER BY a.case_id LIMIT :lim",
           soci::into(row.awaiting.case_id), soci::into(row.awaiting.feedback_id),
           soci::into(row.awaiting.customer_id), soci::into(resolve), soci::into(row.original.customer_id),
           soci::into(row.original.nps), soci::use(lim));
      std::vector<ParkedWithOriginal> out;
      if (st.execute(true)) {
        do {
          row.awaiting.resolve_ms = resolve;
          row.original.feedback_id = row.awaiting.feedback_id;
          out.push_back(row);
        } while (st.fetch());
      }
      return out;
    });
  });
}

absl::Status VerificationStore::UpsertKnowledge(const KnowledgeRecord& record) {
  return storage::Guarded("storing a knowledge entry", [&] {
    Write([&](soci::session& s) { UpsertKnowledgeIn(s, record); });
  });
}

absl::StatusOr<std::vector<v1::KnowledgeEntry>> VerificationStore::SearchKnowledge(
    const std::vector<std::string>& terms, int limit, const std::optional<ListAfter>& after) {
  return storage::Guarded("searching the knowledge base", [&] {
    return Read([&](soci::session& s) {
      // One LIKE per term, all bound: the statement's shape depends only on
      // how many terms there are, never on their text.
      std::vector<std::string> patterns;
      patterns.reserve(terms.size());
      for (const auto& term : terms) {
        std::string& pattern = patterns.emplace_back("%");
        pattern.append(EscapeLike(FoldCase(term))).append("%");
      }
      std::string where = "WHERE (:a = 0 OR verify_ms < :k1 OR (verify_ms = :k2 AND source > :id))";
      for (std::size_t i = 0; i < patterns.size(); ++i) {
        where.append(" AND search_text LIKE :q").append(std::to_string(i)).append(" ESCAPE '\\'");
      }
      int has_after = after ? 1 : 0;
      long long after_key = after ? after->key : 0;
      std::string after_id = after ? after->id : "";
      int lim = limit;
      std::string source, title, topic, resolution, evidence;
      long long verify_ms = 0;
      soci::statement st(s);
      st.exchange(soci::into(source));
      st.exchange(soci::into(title));
      st.exchange(soci::into(topic));
      st.exchange(soci::into(resolution));
      st.exchange(soci::into(evidence));
      st.exchange(soci::into(verify_ms));
      st.exchange(soci::use(has_after));
      st.exchange(soci::use(after_key));
      st.exchange(soci::use(after_key));
      st.exchange(soci::use(after_id));
      for (auto& pattern : patterns) st.exchange(soci::use(pattern));
      st.exchange(soci::use(lim));
      st.alloc();
      st.prepare("SELECT source, title, topic, resolution, evidence, verify_ms "
                 "FROM verification_knowledge " + where +
                 " ORDER BY verify_ms DESC, source LIMIT :lim");
      st.define_and_bind();
      std::vector<v1::KnowledgeEntry> out;
      if (st.execute(true)) {
        do {
          v1::KnowledgeEntry e;
          e.set_source(source);
          e.set_title(title);
          e.set_topic(topic);
          e.set_resolution(resolution);
          e.set_evidence(evidence);
          *e.mutable_verify_time() = MillisToProto(verify_ms);
          out.push_back(std::move(e));
        } while (st.fetch());
      }
      return out;
    });
  });
}

}  // namespace voc::verification

namespace voc::verification {

std::string ResurveyInvitationId(const std::string& resurvey_id) { return "resurvey:" + resurvey_id; }

absl::StatusOr<std::vector<PendingInvitation>> VerificationStore::InvitationsToSend(int limit) {
  return storage::Guarded("reading re-survey invitations to send", [&] {
    return Read([&](soci::session& s) {
      int due = v1::RESURVEY_STATE_DUE, not_sent = v1::RESURVEY_INVITATION_STATE_NOT_SENT, lim = limit;
      std::string id, token, email;
      soci::indicator email_ind = soci::i_ok;
      soci::statement st =
          (s.prepare << "SELECT r.id, r.token, o.contact_email FROM verification_resurveys r "
                        "LEFT JOIN verification_detractor_originals o ON o.feedback_id = r.original_feedback_id "
                        "WHERE r.state = :d AND r.invite_state = :n ORDER BY r.due_ms, r.id LIMIT :lim",
           soci::into(id), soci::into(token), soci::into(email, email_ind), soci::use(due), soci::use(not_sent),
           soci::use(lim));
      std::vector<PendingInvitation> out;
      if (st.execute(true)) {
        do {
          out.push_back({id, token, email_ind == soci::i_null ? "" : email});
        } while (st.fetch());
      }
      return out;
    });
  });
}

absl::StatusOr<std::string> VerificationStore::EnsureResurveyToken(const std::string& id,
                                                                  const std::string& candidate) {
  return storage::Guarded("giving a re-survey its token", [&] {
    return Write([&](soci::session& s) {
      std::string key = id, token = candidate;
      // Only an empty token is set: a replica that got there first keeps its own.
      s << "UPDATE verification_resurveys SET token = :t WHERE id = :id AND token = ''", soci::use(token),
          soci::use(key);
      std::string stored;
      s << "SELECT token FROM verification_resurveys WHERE id = :id", soci::into(stored), soci::use(key);
      return stored;
    });
  });
}

absl::StatusOr<bool> VerificationStore::MarkInvitationSent(const std::string& id, std::int64_t now_ms) {
  return storage::Guarded("recording a sent re-survey invitation", [&] {
    return Write([&](soci::session& s) {
      std::string key = id;
      int sent = v1::RESURVEY_INVITATION_STATE_SENT, not_sent = v1::RESURVEY_INVITATION_STATE_NOT_SENT;
      long long now = now_ms;
      soci::statement st = (s.prepare << "UPDATE verification_resurveys SET invite_state = :s, invite_ms = :now, "
                                         "invite_attempts = invite_attempts + 1, invite_error = '' "
                                         "WHERE id = :id AND invite_state = :n",
                            soci::use(sent), soci::use(now), soci::use(key), soci::use(not_sent));
      st.execute(true);
      return Affected(st) > 0;
    });
  });
}

absl::StatusOr<bool> VerificationStore::RecordInvitationRefused(const std::string& id, const std::string& error,
                                                                 int max_attempts) {
  return storage::Guarded("recording a refused re-survey invitation", [&] {
    return Write([&](soci::session& s) {
      std::string key = id, why = error;
      int failed = v1::RESURVEY_INVITATION_STATE_FAILED, not_sent = v1::RESURVEY_INVITATION_STATE_NOT_SENT;
      int max = max_attempts;
      s << "UPDATE verification_resurveys SET invite_attempts = invite_attempts + 1, invite_error = :e, "
           "invite_state = CASE WHEN invite_attempts + 1 >= :max THEN :f ELSE invite_state END "
           "WHERE id = :id AND invite_state = :n",
          soci::use(why), soci::use(max), soci::use(failed), soci::use(key), soci::use(not_sent);
      int state = 0;
      s << "SELECT invite_state FROM verification_resurveys WHERE id = :id", soci::into(state), soci::use(key);
      return state == v1::RESURVEY_INVITATION_STATE_FAILED;
    });
  });
}

absl::StatusOr<bool> VerificationStore::RecordInvitationOutcome(const std::string& id, bool delivered,
                                                                 const std::string& error, std::int64_t now_ms) {
  return storage::Guarded("recording a re-survey invitation's delivery", [&] {
    return Write([&](soci::session& s) {
      std::string key = id, why = error;
      long long now = now_ms;
      int delivered_state = v1::RESURVEY_INVITATION_STATE_DELIVERED;
      int failed_state = v1::RESURVEY_INVITATION_STATE_FAILED;
      // Delivered on any channel wins over a failure on another; a repeated
      // outcome changes nothing. invite_ms is kept if the send was recorded.
      if (delivered) {
        soci::statement st = (s.prepare << "UPDATE verification_resurveys SET invite_state = :d, invite_error = '', "
                                           "invite_ms = CASE WHEN invite_ms = 0 THEN :now ELSE invite_ms END "
                                           "WHERE id = :id AND invite_state <> :d2",
                              soci::use(delivered_state), soci::use(now), soci::use(key), soci::use(delivered_state));
        st.execute(true);
        return Affected(st) > 0;
      }
      soci::statement st = (s.prepare << "UPDATE verification_resurveys SET invite_state = :f, invite_error = :e, "
                                         "invite_ms = CASE WHEN invite_ms = 0 THEN :now ELSE invite_ms END "
                                         "WHERE id = :id AND invite_state <> :d AND invite_state <> :f2",
                            soci::use(failed_state), soci::use(why), soci::use(now), soci::use(key),
                            soci::use(delivered_state), soci::use(failed_state));
      st.execute(true);
      return Affected(st) > 0;
    });
  });
}

absl::StatusOr<std::optional<v1::Resurvey>> VerificationStore::FindResurveyByToken(const std::string& token) {
  return storage::Guarded("finding a re-survey by its token", [&]() -> absl::StatusOr<std::optional<v1::Resurvey>> {
    if (token.empty()) return std::nullopt;
    auto rows = Read([&](soci::session& s) {
      std::string key = token;
      return SelectResurveys(s, "WHERE token = :t", key);
    });
    if (rows.empty()) return std::nullopt;
    return rows.front();
  });
}

absl::StatusOr<ResurveyCounts> VerificationStore::CountResurveys() {
  return storage::Guarded("counting re-surveys", [&] {
    return Read([&](soci::session& s) {
      ResurveyCounts c;
      long long scheduled = 0, due = 0, answered = 0, pending = 0, sent = 0, delivered = 0, failed = 0,
                by_token = 0, change_sum = 0;
      int st_scheduled = v1::RESURVEY_STATE_SCHEDULED, st_due = v1::RESURVEY_STATE_DUE,
          st_answered = v1::RESURVEY_STATE_ANSWERED, st_answered2 = v1::RESURVEY_STATE_ANSWERED,
          st_answered3 = v1::RESURVEY_STATE_ANSWERED, st_due2 = v1::RESURVEY_STATE_DUE;
      int inv_not_sent = v1::RESURVEY_INVITATION_STATE_NOT_SENT, inv_delivered = v1::RESURVEY_INVITATION_STATE_DELIVERED,
          inv_failed = v1::RESURVEY_INVITATION_STATE_FAILED;
      s << "SELECT "
           "COALESCE(SUM(CASE WHEN state = :s1 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN state = :s2 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN state = :s3 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN state = :s4 AND invite_state = :i1 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN invite_ms > 0 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN invite_state = :i2 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN invite_state = :i3 THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN state = :s5 AND answered_via = 'token' THEN 1 ELSE 0 END), 0), "
           "COALESCE(SUM(CASE WHEN state = :s6 THEN nps_change ELSE 0 END), 0) "
           "FROM verification_resurveys",
          soci::into(scheduled), soci::into(due), soci::into(answered), soci::into(pending), soci::into(sent),
          soci::into(delivered), soci::into(failed), soci::into(by_token), soci::into(change_sum),
          soci::use(st_scheduled), soci::use(st_due), soci::use(st_answered), soci::use(st_due2),
          soci::use(inv_not_sent), soci::use(inv_delivered), soci::use(inv_failed), soci::use(st_answered2),
          soci::use(st_answered3);
      c.scheduled = scheduled;
      c.due = due;
      c.answered = answered;
      c.invitations_pending = pending;
      c.invitations_sent = sent;
      c.invitations_delivered = delivered;
      c.invitations_failed = failed;
      c.answered_by_token = by_token;
      c.nps_change_sum = change_sum;
      return c;
    });
  });
}

absl::StatusOr<std::optional<v1::KnowledgeEntry>> VerificationStore::NewestKnowledgeBetween(
    const std::string& source_prefix, std::int64_t start_ms, std::int64_t end_ms) {
  return storage::Guarded("reading the newest knowledge entry", [&] {
    return Read([&](soci::session& s) -> std::optional<v1::KnowledgeEntry> {
      std::string pattern = EscapeLike(source_prefix) + "%";
      long long start = start_ms, end = end_ms;
      std::string source, title, topic, resolution, evidence;
      long long verify_ms = 0;
      soci::indicator found = soci::i_null;
      s << "SELECT source, title, topic, resolution, evidence, verify_ms FROM verification_knowledge "
           "WHERE source LIKE :p ESCAPE '\\' AND verify_ms >= :a AND verify_ms < :b "
           "ORDER BY verify_ms DESC, source LIMIT 1",
          soci::into(source, found), soci::into(title), soci::into(topic), soci::into(resolution),
          soci::into(evidence), soci::into(verify_ms), soci::use(pattern), soci::use(start), soci::use(end);
      if (!s.got_data() || found != soci::i_ok) return std::nullopt;
      v1::KnowledgeEntry e;
      e.set_source(source);
      e.set_title(title);
      e.set_topic(topic);
      e.set_resolution(resolution);
      e.set_evidence(evidence);
      *e.mutable_verify_time() = MillisToProto(verify_ms);
      return e;
    });
  });
}

absl::StatusOr<bool> VerificationStore::RecordCampaignVerdict(const v1::CampaignVerdict& verdict,
                                                             const KnowledgeRecord& knowledge, std::int64_t now_ms) {
  return storage::Guarded("recording a campaign verdict", [&] {
    return Write([&](soci::session& s) {
      std::string content;
      google::protobuf::util::JsonPrintOptions options;
      options.preserve_proto_field_names = true;
      (void)google::protobuf::util::MessageToJsonString(verdict, &content, options);
      std::string id = verdict.campaign_id(), department = verdict.department();
      long long verdict_ms = ProtoToMillis(verdict.effect().compute_time()), received = now_ms;
      soci::statement st =
          (s.prepare << "INSERT INTO verification_campaign_verdicts (campaign_id, department, verdict_ms, content, "
                        "received_ms) VALUES (:c, :d, :v, :j, :r) ON CONFLICT (campaign_id) DO NOTHING",
           soci::use(id), soci::use(department), soci::use(verdict_ms), soci::use(content), soci::use(received));
      st.execute(true);
      if (Affected(st) == 0) return false;
      // In the same transaction: a verdict is never stored without its entry.
      UpsertKnowledgeIn(s, knowledge);
      return true;
    });
  });
}

absl::StatusOr<std::vector<v1::CampaignVerdict>> VerificationStore::CampaignVerdictsBetween(
    std::int64_t start_ms, std::int64_t end_ms, const std::string& department, int limit) {
  return storage::Guarded("reading campaign verdicts", [&] {
    return Read([&](soci::session& s) {
      long long start = start_ms, end = end_ms;
      std::string dept = department;
      int all = department.empty() ? 1 : 0, lim = limit;
      std::string content;
      soci::statement st =
          (s.prepare << "SELECT content FROM verification_campaign_verdicts WHERE verdict_ms >= :a AND "
                        "verdict_ms < :b AND (:every = 1 OR department = :d) ORDER BY verdict_ms DESC, campaign_id "
                        "LIMIT :lim",
           soci::into(content), soci::use(start), soci::use(end), soci::use(all), soci::use(dept), soci::use(lim));
      st.execute();
      std::vector<v1::CampaignVerdict> out;
      google::protobuf::util::JsonParseOptions options;
      options.ignore_unknown_fields = true;
      while (st.fetch()) {
        v1::CampaignVerdict v;
        if (!google::protobuf::util::JsonStringToMessage(content, &v, options).ok()) {
          throw soci::soci_error("a stored campaign verdict cannot be read back");
        }
        out.push_back(std::move(v));
      }
      return out;
    });
  });
}

}  // namespace voc::verification
