#include "services/tracking/store/overdue_digest_store.h"

#include <algorithm>
#include <map>

#include "common/storage/bound_select.h"
#include "common/storage/errors.h"
#include "common/storage/rows.h"

namespace voc::tracking {
namespace {

using storage::AsInt;
using storage::AsString;
using storage::Exec;

// The open states (v1::CaseState OPEN .. WAITING_ON_CUSTOMER): one index
// range each, as the worklist reads them.
constexpr int kOpenStates[] = {1, 2, 3, 4};

}  // namespace

storage::Migration OverdueDigestMigration() {
  return {9,
          "overdue_digest_claims: each department's daily overdue digest sent once a local day",
          {
              // The primary key is the exactly-once guarantee. state: 0 =
              // being sent since claim_ms, 1 = sent or nothing to send, 2 =
              // failed. overdue_count: what the digest said (0 = not sent).
              "CREATE TABLE overdue_digest_claims ("
              " department TEXT NOT NULL,"
              " day TEXT NOT NULL,"
              " claim_ms BIGINT NOT NULL,"
              " state INTEGER NOT NULL DEFAULT 0,"
              " overdue_count BIGINT NOT NULL DEFAULT 0,"
              " PRIMARY KEY (day, department))",
          }};
}

absl::StatusOr<DepartmentOverdue> OverdueDigestStore::OverdueOf(const std::string& department,
                                                                std::int64_t now_ms, int limit) {
  return storage::Guarded("reading a department's overdue cases", [&] {
    return db_.WithSession([&](soci::session& s) {
      long long now = now_ms;
      long long n = limit;
      DepartmentOverdue out;
      // (due_ms, case_id) of the oldest `limit` of each open state; a case
      // with two owners in the department has two rows, hence DISTINCT.
      std::vector<std::pair<long long, std::string>> candidates;
      for (int state : kOpenStates) {
        long long count = 0;
        s << "SELECT COUNT(DISTINCT case_id) FROM case_owners"
             " WHERE department = :d AND state = :s AND due_ms < :now",
            soci::into(count), soci::use(department), soci::use(state), soci::use(now);
        out.count += count;
        if (count == 0 || limit <= 0) continue;
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT DISTINCT due_ms, case_id FROM case_owners"
                          " WHERE department = :d AND state = :s AND due_ms < :now"
                          " ORDER BY due_ms, case_id LIMIT :n",
             soci::use(department), soci::use(state), soci::use(now), soci::use(n));
        for (const soci::row& r : rows) candidates.emplace_back(AsInt(r, 0), AsString(r, 1));
      }
      std::sort(candidates.begin(), candidates.end());
      if (candidates.size() > static_cast<std::size_t>(std::max(limit, 0))) candidates.resize(limit);
      if (candidates.empty()) return out;

      std::vector<std::string> ids;
      for (const auto& c : candidates) ids.push_back(c.second);
      std::map<std::string, DigestCase> by_id;
      storage::BoundSelect cases;
      cases += "SELECT id, title, kind, priority, due_ms FROM cases WHERE id IN " + cases.ParamList(ids);
      for (const soci::row& r : cases.Run(s)) {
        DigestCase& c = by_id[AsString(r, 0)];
        c.id = AsString(r, 0);
        c.title = AsString(r, 1);
        c.kind = static_cast<int>(AsInt(r, 2));
        c.priority = static_cast<int>(AsInt(r, 3));
        c.due_ms = AsInt(r, 4);
      }
      storage::BoundSelect owners;
      owners += "SELECT case_id, department, person FROM case_owners WHERE ordinal = 0 AND case_id IN " +
                owners.ParamList(ids);
      for (const soci::row& r : owners.Run(s)) {
        auto it = by_id.find(AsString(r, 0));
        if (it == by_id.end()) continue;
        it->second.owner_department = AsString(r, 1);
        it->second.owner_person = AsString(r, 2);
      }
      for (const auto& [due, id] : candidates) {
        auto it = by_id.find(id);
        if (it != by_id.end()) out.oldest.push_back(it->second);
      }
      return out;
    });
  });
}

absl::StatusOr<std::vector<DigestClaim>> OverdueDigestStore::ClaimsOf(const std::string& day) {
  return storage::Guarded("reading the overdue digest claims", [&] {
    return db_.WithSession([&](soci::session& s) {
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT department, state, claim_ms, overdue_count FROM overdue_digest_claims"
                        " WHERE day = :day ORDER BY department",
           soci::use(day));
      std::vector<DigestClaim> out;
      for (const soci::row& r : rows) {
        out.push_back({AsString(r, 0), static_cast<DigestSendState>(AsInt(r, 1)), AsInt(r, 2), AsInt(r, 3)});
      }
      return out;
    });
  });
}

absl::StatusOr<bool> OverdueDigestStore::Claim(const std::string& department, const std::string& day,
                                               std::int64_t now_ms) {
  return storage::Guarded("claiming an overdue digest", [&] {
    return db_.InTransaction([&](soci::session& s) {
      long long now = now_ms;
      return Exec(s,
                  "INSERT INTO overdue_digest_claims (department, day, claim_ms, state, overdue_count)"
                  " VALUES (:d, :day, :now, 0, 0) ON CONFLICT DO NOTHING",
                  soci::use(department), soci::use(day), soci::use(now)) > 0;
    });
  });
}

absl::StatusOr<bool> OverdueDigestStore::ClaimRetry(const std::string& department, const std::string& day,
                                                    std::int64_t now_ms, std::int64_t stale_before_ms) {
  return storage::Guarded("claiming an overdue digest retry", [&] {
    return db_.InTransaction([&](soci::session& s) {
      long long now = now_ms, stale = stale_before_ms;
      return Exec(s,
                  "UPDATE overdue_digest_claims SET state = 0, claim_ms = :now"
                  " WHERE department = :d AND day = :day"
                  " AND (state = 2 OR (state = 0 AND claim_ms < :stale))",
                  soci::use(now), soci::use(department), soci::use(day), soci::use(stale)) > 0;
    });
  });
}

absl::Status OverdueDigestStore::Record(const std::string& department, const std::string& day,
                                        DigestSendState state, std::int64_t overdue_count) {
  return storage::Guarded("recording an overdue digest", [&] {
    db_.InTransaction([&](soci::session& s) {
      int st = static_cast<int>(state);
      long long count = overdue_count;
      Exec(s,
           "UPDATE overdue_digest_claims SET state = :s, overdue_count = :n"
           " WHERE department = :d AND day = :day AND state = 0",
           soci::use(st), soci::use(count), soci::use(department), soci::use(day));
    });
  });
}

}  // namespace voc::tracking
