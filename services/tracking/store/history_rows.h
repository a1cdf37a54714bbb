// Appending one history row (case_history, project_history) inside the
// caller's transaction, for the task and project stores (issue 11).
#pragma once

#include <absl/status/status.h>
#include <soci/soci.h>

#include <exception>
#include <string>
#include <utility>

#include "services/tracking/store/tracking_store.h"

namespace voc::tracking {

// seq = the key's last seq + 1; the caller's transaction (and, on
// PostgreSQL, its lock on the case or project row) keeps it unique.
inline void AppendHistoryRow(soci::session& s, const std::string& table,
                             const std::string& key_column, const std::string& key,
                             const HistoryRecord& h) {
  long long last = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT MAX(seq) FROM " + table + " WHERE " + key_column + " = :k", soci::into(last, ind),
      soci::use(key);
  const long long seq = (ind == soci::i_null ? 0 : last) + 1;
  long long time_ms = h.time_ms;
  soci::statement st = (s.prepare << "INSERT INTO " + table + " (" + key_column +
                                         ", seq, time_ms, actor, action, detail)"
                                         " VALUES (:k, :seq, :t, :a, :act, :d)",
                        soci::use(key), soci::use(seq), soci::use(time_ms), soci::use(h.actor),
                        soci::use(h.action), soci::use(h.detail));
  st.execute(true);
}

// Thrown inside Database::InTransaction to roll the transaction back and
// answer `status` (caught by RunRollingBack): a check that fails after the
// transaction took its row lock must not leave its writes behind.
struct RollbackWith : std::exception {
  explicit RollbackWith(absl::Status s) : status(std::move(s)) {}
  const char* what() const noexcept override { return "rolled back"; }
  absl::Status status;
};

// Runs `fn` (which calls Database::InTransaction and returns an
// absl::Status or absl::StatusOr) and turns a RollbackWith into its status.
template <typename Fn>
auto RunRollingBack(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const RollbackWith& rollback) {
    return rollback.status;
  }
}

}  // namespace voc::tracking
