#include "services/triage/store/alert_outbox.h"

#include <nlohmann/json.hpp>

#include "common/storage/errors.h"
#include "common/storage/rows.h"

namespace voc::triage {

storage::Migration AlertOutboxMigration() {
  return {7,
          "alerts triage published (weak signals, cluster thresholds), sent once (issue 11)",
          {
              // id: the alert's stable id ("triage:weak_signal:<combination>:<day>");
              // params: the template parameters as a JSON object; sent_ms 0
              // until the notifier accepted it.
              "CREATE TABLE triage_alerts ("
              " id TEXT PRIMARY KEY,"
              " kind TEXT NOT NULL,"
              " department TEXT NOT NULL,"
              " subject TEXT NOT NULL,"
              " body TEXT NOT NULL,"
              " params TEXT NOT NULL,"
              " created_ms BIGINT NOT NULL,"
              " sent_ms BIGINT NOT NULL DEFAULT 0)",
              "CREATE INDEX triage_alerts_unsent ON triage_alerts (sent_ms, created_ms)",
          }};
}

absl::StatusOr<bool> AlertOutbox::Claim(const Notification& alert, std::int64_t now_ms) {
  return storage::Guarded("storing an alert", [&] {
    return db_.InTransaction([&](soci::session& s) {
      const std::string params = nlohmann::json(alert.params).dump();
      s << "INSERT INTO triage_alerts (id, kind, department, subject, body, params, created_ms)"
           " VALUES (:i, :k, :d, :s, :b, :p, :t) ON CONFLICT DO NOTHING",
          soci::use(alert.id), soci::use(alert.kind), soci::use(alert.department), soci::use(alert.subject),
          soci::use(alert.body), soci::use(params), soci::use(static_cast<long long>(now_ms));
      long long sent_ms = 0;
      s << "SELECT sent_ms FROM triage_alerts WHERE id = :i", soci::use(alert.id), soci::into(sent_ms);
      return sent_ms == 0;
    });
  });
}

absl::Status AlertOutbox::MarkSent(const std::string& id, std::int64_t now_ms) {
  return storage::Guarded("marking an alert sent", [&] {
    db_.InTransaction([&](soci::session& s) {
      s << "UPDATE triage_alerts SET sent_ms = :t WHERE id = :i AND sent_ms = 0",
          soci::use(static_cast<long long>(now_ms)), soci::use(id);
    });
  });
}

absl::StatusOr<std::vector<Notification>> AlertOutbox::Unsent(std::size_t limit) {
  return storage::Guarded("reading unsent alerts", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<Notification> out;
      storage::ForEachRow(
          s,
          "SELECT id, kind, department, subject, body, params FROM triage_alerts WHERE sent_ms = 0"
          " ORDER BY created_ms, id LIMIT " + std::to_string(limit),
          {}, [&](const soci::row& r) {
            Notification n;
            n.id = storage::AsString(r, 0);
            n.kind = storage::AsString(r, 1);
            n.department = storage::AsString(r, 2);
            n.subject = storage::AsString(r, 3);
            n.body = storage::AsString(r, 4);
            n.params = nlohmann::json::parse(storage::AsString(r, 5)).get<std::map<std::string, std::string>>();
            out.push_back(std::move(n));
          });
      return out;
    });
  });
}

}  // namespace voc::triage
