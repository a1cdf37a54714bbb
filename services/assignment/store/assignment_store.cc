#include "services/assignment/store/assignment_store.h"

#include <algorithm>

#include "common/storage/errors.h"
#include "common/storage/rows.h"

namespace voc::assignment {
namespace {

using storage::AsInt;
using storage::AsString;
using storage::Exec;
using storage::IsNull;
using storage::ForEachRow;
using storage::JoinLines;
using storage::Placeholders;
using storage::SplitLines;

// Feedback ids bound in one statement; a longer list takes one query (of
// each kind) per this many.
constexpr std::size_t kIdsPerQuery = 500;

// The inserts of a batch, each statement prepared once and run once per row.
class AssignmentInserter {
 public:
  explicit AssignmentInserter(soci::session& s)
      : assignment_((s.prepare << "INSERT INTO assignments (feedback_id, assign_ms) VALUES (:f, :t)"
                                 " ON CONFLICT DO NOTHING",
                    soci::use(feedback_id_), soci::use(assign_ms_))),
        decision_((s.prepare << "INSERT INTO assignment_decisions (feedback_id, ordinal, kind,"
                               " department, person, case_name, reason, notify_to, notified, priority, title,"
                               " p1_notified) VALUES (:f, :o, :k, :d, :p, :c, :r, :n, :x, :pr, :ti, :p1)",
                  soci::use(feedback_id_), soci::use(ordinal_), soci::use(kind_),
                  soci::use(department_), soci::use(person_), soci::use(case_name_),
                  soci::use(reason_), soci::use(notify_to_), soci::use(notified_), soci::use(priority_),
                  soci::use(title_), soci::use(p1_notified_))) {}

  // Inserts the assignment and its decisions unless one exists for the
  // feedback. True when this call inserted it.
  bool Insert(const StoredAssignment& a) {
    feedback_id_ = a.feedback_id;
    assign_ms_ = a.assign_ms;
    assignment_.execute(true);
    if (assignment_.get_affected_rows() == 0) return false;
    for (std::size_t i = 0; i < a.decisions.size(); ++i) {
      const StoredDecision& d = a.decisions[i];
      ordinal_ = static_cast<int>(i);
      kind_ = d.kind;
      department_ = d.department;
      person_ = d.person;
      case_name_ = d.case_name;
      reason_ = d.reason;
      notify_to_ = JoinLines(d.notify);
      notified_ = d.notified ? 1 : 0;
      priority_ = d.priority;
      title_ = d.title;
      p1_notified_ = d.p1_notified ? 1 : 0;
      decision_.execute(true);
    }
    return true;
  }

 private:
  // The bound variables (declared before the statements that bind them).
  std::string feedback_id_, kind_, department_, person_, case_name_, reason_, notify_to_, title_;
  long long assign_ms_ = 0;
  int ordinal_ = 0, notified_ = 0, priority_ = 0, p1_notified_ = 0;
  soci::statement assignment_, decision_;
};

}  // namespace

absl::StatusOr<bool> AssignmentStore::Save(const StoredAssignment& a) {
  auto saved = SaveMany({a});
  if (!saved.ok()) return saved.status();
  return saved->front();
}

absl::StatusOr<std::vector<bool>> AssignmentStore::SaveMany(
    const std::vector<StoredAssignment>& assignments) {
  return storage::Guarded("storing assignments", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::vector<bool> inserted;
      inserted.reserve(assignments.size());
      AssignmentInserter insert(s);
      for (const StoredAssignment& a : assignments) inserted.push_back(insert.Insert(a));
      return inserted;
    });
  });
}

absl::StatusOr<std::optional<StoredAssignment>> AssignmentStore::Load(
    const std::string& feedback_id) {
  auto loaded = LoadMany({feedback_id});
  if (!loaded.ok()) return loaded.status();
  auto found = loaded->find(feedback_id);
  if (found == loaded->end()) return std::optional<StoredAssignment>();
  return std::optional<StoredAssignment>(std::move(found->second));
}

absl::StatusOr<std::map<std::string, StoredAssignment>> AssignmentStore::LoadMany(
    const std::vector<std::string>& feedback_ids) {
  return storage::Guarded("reading assignments", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::map<std::string, StoredAssignment> out;
      for (std::size_t from = 0; from < feedback_ids.size(); from += kIdsPerQuery) {
        const std::vector<std::string> chunk(
            feedback_ids.begin() + from,
            feedback_ids.begin() + std::min(feedback_ids.size(), from + kIdsPerQuery));
        // One row per decision (or one with NULL decision columns for a
        // feedback that needed no case), ordered like the decisions.
        ForEachRow(s,
                   "SELECT a.feedback_id, a.assign_ms, d.kind, d.department, d.person,"
                   " d.case_name, d.reason, d.notify_to, d.notified, d.priority, d.title,"
                   " d.p1_notified FROM assignments a"
                   " LEFT JOIN assignment_decisions d ON d.feedback_id = a.feedback_id"
                   " WHERE a.feedback_id IN " + Placeholders("f", chunk.size()) +
                       " ORDER BY a.feedback_id, d.ordinal",
                   chunk, [&](const soci::row& r) {
                     auto [entry, fresh] = out.try_emplace(AsString(r, 0));
                     if (fresh) entry->second = {AsString(r, 0), AsInt(r, 1), {}};
                     if (IsNull(r, 2)) return;
                     entry->second.decisions.push_back(
                         {AsString(r, 2), AsString(r, 3), AsString(r, 4), AsString(r, 5),
                          AsString(r, 6), SplitLines(AsString(r, 7)), AsInt(r, 8) != 0,
                          static_cast<int>(AsInt(r, 9)), AsString(r, 10), AsInt(r, 11) != 0});
                   });
      }
      return out;
    });
  });
}

absl::Status AssignmentStore::MarkNotified(const std::string& feedback_id,
                                           const std::string& kind) {
  return storage::Guarded("marking an alert sent", [&] {
    db_.InTransaction([&](soci::session& s) {
      Exec(s, "UPDATE assignment_decisions SET notified = 1 WHERE feedback_id = :f AND kind = :k",
           soci::use(feedback_id), soci::use(kind));
    });
  });
}

absl::Status AssignmentStore::MarkP1Notified(const std::string& feedback_id,
                                             const std::string& kind) {
  return storage::Guarded("marking a new-P1 alert sent", [&] {
    db_.InTransaction([&](soci::session& s) {
      Exec(s, "UPDATE assignment_decisions SET p1_notified = 1 WHERE feedback_id = :f AND kind = :k",
           soci::use(feedback_id), soci::use(kind));
    });
  });
}

}  // namespace voc::assignment
