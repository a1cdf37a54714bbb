#include "services/verification/store/verification_store.h"

#include <soci/soci.h>

#include "proto/api/resource_names.h"
#include "common/util/ids.h"
#include "common/util/time.h"

namespace voc::verification {

std::vector<storage::Migration> Migrations() {
  return {
      {1,
       "checks, re-surveys and knowledge base",
       {
           R"(CREATE TABLE verification_checks (
                id TEXT PRIMARY KEY,
                project_id TEXT NOT NULL,
                project_title TEXT NOT NULL,
                topic TEXT NOT NULL,
                resolution TEXT NOT NULL,
                state INTEGER NOT NULL,
                project_create_ms BIGINT NOT NULL,
                close_ms BIGINT NOT NULL,
                due_ms BIGINT NOT NULL,
                check_ms BIGINT NOT NULL DEFAULT 0,
                before_start_ms BIGINT NOT NULL DEFAULT 0,
                before_end_ms BIGINT NOT NULL DEFAULT 0,
                after_start_ms BIGINT NOT NULL DEFAULT 0,
                after_end_ms BIGINT NOT NULL DEFAULT 0,
                before_topic_count BIGINT NOT NULL DEFAULT 0,
                before_total_count BIGINT NOT NULL DEFAULT 0,
                after_topic_count BIGINT NOT NULL DEFAULT 0,
                after_total_count BIGINT NOT NULL DEFAULT 0,
                before_share DOUBLE PRECISION NOT NULL DEFAULT 0,
                after_share DOUBLE PRECISION NOT NULL DEFAULT 0,
                z_score DOUBLE PRECISION NOT NULL DEFAULT 0,
                p_value DOUBLE PRECISION NOT NULL DEFAULT 1,
                summary TEXT NOT NULL DEFAULT '',
                reopen_state INTEGER NOT NULL DEFAULT 0,
                created_ms BIGINT NOT NULL))",
           "CREATE INDEX verification_checks_due ON verification_checks (state, due_ms)",
           "CREATE INDEX verification_checks_project ON verification_checks (project_id)",
           R"(CREATE TABLE verification_resurveys (
                id TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                case_id TEXT NOT NULL UNIQUE,
                original_feedback_id TEXT NOT NULL,
                original_nps INTEGER NOT NULL,
                due_ms BIGINT NOT NULL,
                state INTEGER NOT NULL,
                new_nps INTEGER NOT NULL DEFAULT -1,
                new_feedback_id TEXT NOT NULL DEFAULT '',
                nps_change INTEGER NOT NULL DEFAULT 0,
                answer_ms BIGINT NOT NULL DEFAULT 0,
                created_ms BIGINT NOT NULL))",
           "CREATE INDEX verification_resurveys_customer ON verification_resurveys (customer_id, state)",
           "CREATE INDEX verification_resurveys_due ON verification_resurveys (state, due_ms)",
           R"(CREATE TABLE verification_knowledge (
                source TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                topic TEXT NOT NULL,
                resolution TEXT NOT NULL,
                evidence TEXT NOT NULL,
                verify_ms BIGINT NOT NULL,
                search_text TEXT NOT NULL))",
       }},
  };
}

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
    "new_feedback_id, nps_change, answer_ms";

struct ResurveyRow {
  std::string id, customer_id, case_id, original_feedback_id, new_feedback_id;
  int original_nps = 0, state = 0, new_nps = -1, nps_change = 0;
  long long due_ms = 0, answer_ms = 0;

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
    }
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

}  // namespace

bool VerificationStore::InsertScheduledCheck(const CheckRecord& c, std::int64_t now_ms) {
  return db_.InTransaction([&](soci::session& s) {
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
}

int VerificationStore::CancelScheduledChecks(const std::string& project_id) {
  return db_.InTransaction([&](soci::session& s) {
    std::string id = project_id;
    int state = v1::VERIFICATION_STATE_SCHEDULED;
    soci::statement st = (s.prepare << "DELETE FROM verification_checks WHERE project_id = :p "
                                       "AND state = :s",
                          soci::use(id), soci::use(state));
    st.execute(true);
    return Affected(st);
  });
}

std::vector<CheckRecord> VerificationStore::DueChecks(std::int64_t now_ms, int limit) {
  return db_.WithSession([&](soci::session& s) {
    int state = v1::VERIFICATION_STATE_SCHEDULED;
    long long now = now_ms;
    int lim = limit;
    return SelectChecks(s, "WHERE state = :s AND due_ms <= :now ORDER BY due_ms, id LIMIT :lim",
                        state, now, lim);
  });
}

bool VerificationStore::RecordVerdict(const CheckRecord& c,
                                      const std::optional<KnowledgeRecord>& knowledge) {
  bool stored = db_.InTransaction([&](soci::session& s) {
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
    return Affected(st) > 0;
  });
  if (stored && knowledge) UpsertKnowledge(*knowledge);
  return stored;
}

std::vector<CheckRecord> VerificationStore::PendingReopens(int limit) {
  return db_.WithSession([&](soci::session& s) {
    int pending = static_cast<int>(CheckRecord::Reopen::kPending);
    int lim = limit;
    return SelectChecks(s, "WHERE reopen_state = :r ORDER BY check_ms, id LIMIT :lim", pending, lim);
  });
}

void VerificationStore::MarkReopened(const std::string& check_id) {
  db_.InTransaction([&](soci::session& s) {
    std::string id = check_id;
    int done = static_cast<int>(CheckRecord::Reopen::kDone);
    s << "UPDATE verification_checks SET reopen_state = :d WHERE id = :id", soci::use(done),
        soci::use(id);
  });
}

std::optional<CheckRecord> VerificationStore::GetCheck(const std::string& id) {
  return db_.WithSession([&](soci::session& s) -> std::optional<CheckRecord> {
    std::string key = id;
    auto rows = SelectChecks(s, "WHERE id = :id", key);
    if (rows.empty()) return std::nullopt;
    return rows.front();
  });
}

std::vector<CheckRecord> VerificationStore::ListChecks(const std::string& project_id, int state,
                                                       int limit, long offset) {
  return db_.WithSession([&](soci::session& s) {
    // Empty / zero filters match everything, so one statement serves all.
    std::string project = project_id;
    int state_filter = state;
    int lim = limit;
    long long off = offset;
    return SelectChecks(s,
                        "WHERE (:p1 = '' OR project_id = :p2) AND (:s1 = 0 OR state = :s2) "
                        "ORDER BY due_ms DESC, id LIMIT :lim OFFSET :off",
                        project, project, state_filter, state_filter, lim, off);
  });
}

bool VerificationStore::InsertResurvey(const v1::Resurvey& r, std::int64_t now_ms) {
  return db_.InTransaction([&](soci::session& s) {
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
}

int VerificationStore::MarkResurveysDue(std::int64_t now_ms) {
  return db_.InTransaction([&](soci::session& s) {
    int due = v1::RESURVEY_STATE_DUE, scheduled = v1::RESURVEY_STATE_SCHEDULED;
    long long now = now_ms;
    soci::statement st = (s.prepare << "UPDATE verification_resurveys SET state = :d "
                                       "WHERE state = :s AND due_ms <= :now",
                          soci::use(due), soci::use(scheduled), soci::use(now));
    st.execute(true);
    return Affected(st);
  });
}

std::vector<v1::Resurvey> VerificationStore::OpenResurveysDueBy(const std::string& customer_id,
                                                                std::int64_t at_ms) {
  return db_.WithSession([&](soci::session& s) {
    std::string customer = customer_id;
    int answered = v1::RESURVEY_STATE_ANSWERED;
    long long at = at_ms;
    return SelectResurveys(s,
                           "WHERE customer_id = :c AND state <> :a AND due_ms <= :at "
                           "ORDER BY due_ms, id",
                           customer, answered, at);
  });
}

bool VerificationStore::RecordResurveyAnswer(const std::string& id, int new_nps,
                                             const std::string& feedback_id,
                                             std::int64_t answer_ms) {
  return db_.InTransaction([&](soci::session& s) {
    std::string key = id, feedback = feedback_id;
    int nps = new_nps, answered = v1::RESURVEY_STATE_ANSWERED;
    long long at = answer_ms;
    soci::statement st =
        (s.prepare << "UPDATE verification_resurveys SET state = :a, new_nps = :n, "
                      "new_feedback_id = :f, nps_change = :n2 - original_nps, answer_ms = :at "
                      "WHERE id = :id AND state <> :a2",
         soci::use(answered), soci::use(nps), soci::use(feedback), soci::use(nps), soci::use(at),
         soci::use(key), soci::use(answered));
    st.execute(true);
    return Affected(st) > 0;
  });
}

std::optional<v1::Resurvey> VerificationStore::GetResurvey(const std::string& id) {
  return db_.WithSession([&](soci::session& s) -> std::optional<v1::Resurvey> {
    std::string key = id;
    auto rows = SelectResurveys(s, "WHERE id = :id", key);
    if (rows.empty()) return std::nullopt;
    return rows.front();
  });
}

std::vector<v1::Resurvey> VerificationStore::ListResurveys(const std::string& customer_id, int state,
                                                           int limit, long offset) {
  return db_.WithSession([&](soci::session& s) {
    std::string customer = customer_id;
    int state_filter = state;
    int lim = limit;
    long long off = offset;
    return SelectResurveys(s,
                           "WHERE (:c1 = '' OR customer_id = :c2) AND (:s1 = 0 OR state = :s2) "
                           "ORDER BY due_ms, id LIMIT :lim OFFSET :off",
                           customer, customer, state_filter, state_filter, lim, off);
  });
}

void VerificationStore::UpsertKnowledge(const KnowledgeRecord& record) {
  db_.InTransaction([&](soci::session& s) {
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
  });
}

std::vector<v1::KnowledgeEntry> VerificationStore::SearchKnowledge(const std::string& query,
                                                                   int limit) {
  return db_.WithSession([&](soci::session& s) {
    std::string pattern = "%" + EscapeLike(FoldCase(query)) + "%";
    int lim = limit;
    std::string source, title, topic, resolution, evidence;
    long long verify_ms = 0;
    soci::statement st =
        (s.prepare << "SELECT source, title, topic, resolution, evidence, verify_ms "
                      "FROM verification_knowledge WHERE search_text LIKE :q ESCAPE '\\' "
                      "ORDER BY verify_ms DESC, source LIMIT :lim",
         soci::into(source), soci::into(title), soci::into(topic), soci::into(resolution),
         soci::into(evidence), soci::into(verify_ms), soci::use(pattern), soci::use(lim));
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
}

}  // namespace voc::verification
