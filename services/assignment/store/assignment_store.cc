#include "services/assignment/store/assignment_store.h"

#include "common/storage/errors.h"
#include "common/storage/rows.h"

namespace voc::assignment {
namespace {

using storage::AsInt;
using storage::AsString;
using storage::Exec;
using storage::JoinLines;
using storage::SplitLines;

}  // namespace

absl::StatusOr<bool> AssignmentStore::Save(const StoredAssignment& a) {
  return storage::Guarded("storing an assignment", [&] {
    return db_.InTransaction([&](soci::session& s) {
      long long assign_ms = a.assign_ms;
      if (Exec(s, "INSERT INTO assignments (feedback_id, assign_ms) VALUES (:f, :t) ON CONFLICT DO NOTHING",
               soci::use(a.feedback_id), soci::use(assign_ms)) == 0) {
        return false;
      }
      for (std::size_t i = 0; i < a.decisions.size(); ++i) {
        const StoredDecision& d = a.decisions[i];
        int ordinal = static_cast<int>(i);
        int notified = d.notified ? 1 : 0;
        const std::string notify_to = JoinLines(d.notify);
        Exec(s,
             "INSERT INTO assignment_decisions (feedback_id, ordinal, kind, department, person,"
             " case_name, reason, notify_to, notified) VALUES (:f, :o, :k, :d, :p, :c, :r, :n, :x)",
             soci::use(a.feedback_id), soci::use(ordinal), soci::use(d.kind),
             soci::use(d.department), soci::use(d.person), soci::use(d.case_name),
             soci::use(d.reason), soci::use(notify_to), soci::use(notified));
      }
      return true;
    });
  });
}

absl::StatusOr<std::optional<StoredAssignment>> AssignmentStore::Load(
    const std::string& feedback_id) {
  return storage::Guarded("reading an assignment", [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<StoredAssignment> {
      std::optional<StoredAssignment> result;
      {
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT assign_ms FROM assignments WHERE feedback_id = :f",
             soci::use(feedback_id));
        for (const soci::row& r : rows) {
          result = StoredAssignment{feedback_id, AsInt(r, 0), {}};
        }
      }
      if (!result) return result;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT kind, department, person, case_name, reason, notify_to, notified"
                        " FROM assignment_decisions WHERE feedback_id = :f ORDER BY ordinal",
           soci::use(feedback_id));
      for (const soci::row& r : rows) {
        result->decisions.push_back({AsString(r, 0), AsString(r, 1), AsString(r, 2), AsString(r, 3),
                                     AsString(r, 4), SplitLines(AsString(r, 5)), AsInt(r, 6) != 0});
      }
      return result;
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

}  // namespace voc::assignment
