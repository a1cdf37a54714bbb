#include "services/tracking/store/tracking_store.h"

#include "services/tracking/store/worklist_query.h"

#include "common/storage/rows.h"

#include "common/status/status.h"
#include "common/storage/errors.h"

#include "common/util/ids.h"
#include "common/util/time.h"

namespace voc::tracking {
namespace {

using storage::AsInt;
using storage::AsString;
using storage::Exec;
using storage::IsNull;
using storage::JoinLines;
using storage::SplitLines;

// Binary payloads travel as hex text: portable across SQLite TEXT and
// PostgreSQL TEXT (which rejects NUL bytes).
std::string ToHex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string FromHex(const std::string& hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1]));
  }
  return out;
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

std::optional<v1::Case> LoadCaseWith(soci::session& s, const std::string& id, bool with_history,
                                     std::int64_t now_ms) {
  std::optional<v1::Case> result;
  {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT kind, feedback_id, customer_id, title, summary, priority, state,"
                      " topics, create_ms, update_ms, due_ms, escalated_ms, resolution_note"
                      " FROM cases WHERE id = :id",
         soci::use(id));
    for (const soci::row& r : rows) {
      v1::Case c;
      c.set_name("cases/" + id);
      c.set_id(id);
      c.set_kind(static_cast<v1::CaseKind>(AsInt(r, 0)));
      c.set_feedback_id(AsString(r, 1));
      c.set_customer_id(AsString(r, 2));
      c.set_title(AsString(r, 3));
      c.set_summary(AsString(r, 4));
      c.set_priority(static_cast<v1::Priority>(AsInt(r, 5)));
      c.set_state(static_cast<v1::CaseState>(AsInt(r, 6)));
      for (auto& topic : SplitLines(AsString(r, 7))) c.add_topics(topic);
      *c.mutable_create_time() = MillisToProto(AsInt(r, 8));
      *c.mutable_update_time() = MillisToProto(AsInt(r, 9));
      const long long due_ms = AsInt(r, 10);
      *c.mutable_due_time() = MillisToProto(due_ms);
      if (!IsNull(r, 11)) *c.mutable_escalate_time() = MillisToProto(AsInt(r, 11));
      c.set_resolution_note(AsString(r, 12));
      c.set_overdue(c.state() != kResolved && c.state() != kClosed && due_ms < now_ms);
      result = std::move(c);
    }
  }
  if (!result) return result;
  v1::Case& c = *result;
  {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT department, person FROM case_owners WHERE case_id = :id"
                      " ORDER BY ordinal",
         soci::use(id));
    for (const soci::row& r : rows) {
      v1::Owner* o = c.add_owners();
      o->set_department(AsString(r, 0));
      o->set_person(AsString(r, 1));
    }
  }
  {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT time_ms, actor, reached, note FROM case_callbacks"
                      " WHERE case_id = :id ORDER BY seq",
         soci::use(id));
    for (const soci::row& r : rows) {
      v1::CallbackOutcome* cb = c.add_callbacks();
      *cb->mutable_time() = MillisToProto(AsInt(r, 0));
      cb->set_actor(AsString(r, 1));
      cb->set_reached(AsInt(r, 2) != 0);
      cb->set_note(AsString(r, 3));
    }
  }
  {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT task_id, title, department, person, due_ms, done FROM case_tasks"
                      " WHERE case_id = :id ORDER BY ordinal",
         soci::use(id));
    for (const soci::row& r : rows) {
      v1::Task* t = c.add_tasks();
      t->set_id(AsString(r, 0));
      t->set_title(AsString(r, 1));
      t->mutable_owner()->set_department(AsString(r, 2));
      t->mutable_owner()->set_person(AsString(r, 3));
      if (!IsNull(r, 4)) *t->mutable_due_time() = MillisToProto(AsInt(r, 4));
      t->set_done(AsInt(r, 5) != 0);
    }
  }
  if (with_history) ReadHistory(s, "case_history", "case_id", id, c.mutable_history());
  return result;
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

}  // namespace

// ---------------------------------------------------------------- cases

absl::StatusOr<bool> TrackingStore::InsertCase(const v1::Case& c, const std::string& request_id,
                                               const HistoryRecord& created) {
  return storage::Guarded("storing a case", [&] {
    return db_.InTransaction([&](soci::session& s) {
      int kind = c.kind(), priority = c.priority(), state = c.state();
      long long create_ms = ProtoToMillis(c.create_time());
      long long due_ms = ProtoToMillis(c.due_time());
      const std::string topics = JoinLines(c.topics());
      const long long inserted = Exec(
          s,
          "INSERT INTO cases (id, request_id, kind, feedback_id, customer_id, title, summary,"
          " priority, state, topics, create_ms, update_ms, due_ms, notify_state,"
          " resolution_note) VALUES (:id, :rid, :kind, :fb, :cust, :title, :summary, :prio,"
          " :state, :topics, :cms, :ums, :due, 0, '') ON CONFLICT DO NOTHING",
          soci::use(c.id()), soci::use(request_id), soci::use(kind), soci::use(c.feedback_id()),
          soci::use(c.customer_id()), soci::use(c.title()), soci::use(c.summary()),
          soci::use(priority), soci::use(state), soci::use(topics), soci::use(create_ms),
          soci::use(create_ms), soci::use(due_ms));
      if (inserted == 0) return false;
      for (int i = 0; i < c.owners_size(); ++i) {
        Exec(s,
             "INSERT INTO case_owners (case_id, ordinal, department, person)"
             " VALUES (:id, :o, :d, :p)",
             soci::use(c.id()), soci::use(i), soci::use(c.owners(i).department()),
             soci::use(c.owners(i).person()));
      }
      for (int i = 0; i < c.tasks_size(); ++i) {
        const v1::Task& t = c.tasks(i);
        long long task_due = ProtoToMillis(t.due_time());
        soci::indicator due_ind = IsUnset(t.due_time()) ? soci::i_null : soci::i_ok;
        int done = t.done() ? 1 : 0;
        Exec(s,
             "INSERT INTO case_tasks (case_id, task_id, ordinal, title, department, person,"
             " due_ms, done) VALUES (:c, :t, :o, :title, :d, :p, :due, :done)",
             soci::use(c.id()), soci::use(t.id()), soci::use(i), soci::use(t.title()),
             soci::use(t.owner().department()), soci::use(t.owner().person()),
             soci::use(task_due, due_ind), soci::use(done));
      }
      AppendHistory(s, "case_history", "case_id", c.id(), created);
      WriteOwnerListKeys(s, c.id());  // worklist: the owner rows' list keys
      return true;
    });
  });
}

absl::StatusOr<std::optional<std::string>> TrackingStore::FindCaseIdByRequest(
    const std::string& request_id) {
  return storage::Guarded("finding a case by request id", [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<std::string> {
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT id FROM cases WHERE request_id = :r", soci::use(request_id));
      auto ids = ReadIds(rows);
      if (ids.empty()) return std::nullopt;
      return ids.front();
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
      std::vector<v1::Case> cases = LoadWorklistCases(s, keys, now_ms);
      std::vector<CaseListEntry> out;
      out.reserve(keys.size());
      for (std::size_t i = 0; i < keys.size(); ++i) {
        out.push_back({std::move(cases[i]), std::move(keys[i])});
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
      return ExplainWorklistPage(s, db_.backend(), filter, as_of_ms, limit, after);
    });
  });
}

absl::Status TrackingStore::ApplyCaseChange(const CaseChange& ch) {
  return storage::Guarded("changing a case", [&] {
    return db_.InTransaction([&](soci::session& s) -> absl::Status {
      int expected = ch.expected_state, next = ch.new_state;
      long long now = ch.now_ms;
      long long changed = 0;
      if (ch.resolution_note) {
        changed = Exec(s,
                       "UPDATE cases SET state = :n, update_ms = :t, resolution_note = :note"
                       " WHERE id = :id AND state = :e",
                       soci::use(next), soci::use(now), soci::use(*ch.resolution_note),
                       soci::use(ch.case_id), soci::use(expected));
      } else {
        changed = Exec(s, "UPDATE cases SET state = :n, update_ms = :t WHERE id = :id AND state = :e",
                       soci::use(next), soci::use(now), soci::use(ch.case_id), soci::use(expected));
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
      AppendHistory(s, "case_history", "case_id", ch.case_id, ch.history);
      WriteOwnerListKeys(s, ch.case_id);  // worklist: the new state on the owner rows
      if (!ch.event.empty()) {
        auto after = LoadCaseWith(s, ch.case_id, /*with_history=*/false, ch.now_ms);
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
                                                  const HistoryRecord& created) {
  return storage::Guarded("storing a project", [&] {
    return db_.InTransaction([&](soci::session& s) {
      int state = p.state();
      long long create_ms = ProtoToMillis(p.create_time());
      const long long inserted =
          Exec(s,
               "INSERT INTO projects (id, request_id, title, topic, description, state, create_ms,"
               " update_ms, reopen_count) VALUES (:id, :rid, :title, :topic, :descr, :state, :c,"
               " :u, 0) ON CONFLICT DO NOTHING",
               soci::use(p.id()), soci::use(request_id), soci::use(p.title()), soci::use(p.topic()),
               soci::use(p.description()), soci::use(state), soci::use(create_ms),
               soci::use(create_ms));
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
    int state, const std::string& topic, int limit, const std::optional<ProjectListKey>& after) {
  return storage::Guarded("listing projects", [&] {
    return db_.WithSession([&](soci::session& s) {
      // The keyset: strictly after (create_ms descending, id) of the last
      // project of the previous page.
      int has_after = after ? 1 : 0;
      long long after_ms = after ? after->create_ms : 0;
      const std::string after_id = after ? after->id : "";
      const std::string sql =
          "SELECT id, create_ms FROM projects WHERE (:s1 = 0 OR state = :s2)"
          " AND (:t1 = '' OR topic = :t2)"
          " AND (:a1 = 0 OR create_ms < :m1 OR (create_ms = :m2 AND id > :i1))"
          " ORDER BY create_ms DESC, id LIMIT " + std::to_string(limit);
      soci::rowset<soci::row> rows =
          (s.prepare << sql, soci::use(state), soci::use(state), soci::use(topic),
           soci::use(topic), soci::use(has_after), soci::use(after_ms), soci::use(after_ms),
           soci::use(after_id));
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
    out.push_back({AsString(r, 0), AsInt(r, 1), AsString(r, 2), FromHex(AsString(r, 3))});
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
