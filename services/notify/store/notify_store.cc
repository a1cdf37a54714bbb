#include "services/notify/store/notify_store.h"

#include <google/protobuf/util/time_util.h>

#include <nlohmann/json.hpp>

#include "common/storage/errors.h"
#include "common/storage/rows.h"

namespace voc::notify {
namespace {

constexpr char kColumns[] =
    "message_id, request_id, case_id, event, recipient, recipient_name, channel, address, mention, "
    "language, subject, body_text, body_markdown, body_html, link, payload_json, state, attempts, "
    "next_attempt_ms, last_error, created_ms, final_ms";
constexpr std::size_t kColumnCount = 22;  // of kColumns
// The owning department of a delivery's request, read after kColumns.
constexpr char kRequestDepartment[] =
    "COALESCE((SELECT r.department FROM notify_requests r WHERE r.id = notify_deliveries.request_id), '')";

long long AsInt64(const soci::row& row, std::size_t i) { return storage::AsInt(row, i); }

DeliveryRecord FromRow(const soci::row& r) {
  DeliveryRecord d;
  std::size_t i = 0;
  d.message_id = storage::AsString(r, i++);
  d.request_id = storage::AsString(r, i++);
  d.case_id = storage::AsString(r, i++);
  d.event = storage::AsString(r, i++);
  d.recipient = storage::AsString(r, i++);
  d.recipient_name = storage::AsString(r, i++);
  d.channel = storage::AsString(r, i++);
  d.address = storage::AsString(r, i++);
  d.mention = storage::AsString(r, i++);
  d.language = storage::AsString(r, i++);
  d.subject = storage::AsString(r, i++);
  d.text = storage::AsString(r, i++);
  d.markdown = storage::AsString(r, i++);
  d.html = storage::AsString(r, i++);
  d.link = storage::AsString(r, i++);
  d.payload_json = storage::AsString(r, i++);
  d.state = static_cast<v1::DeliveryState>(AsInt64(r, i++));
  d.attempts = static_cast<int>(AsInt64(r, i++));
  d.next_attempt_ms = AsInt64(r, i++);
  d.last_error = storage::AsString(r, i++);
  d.created_ms = AsInt64(r, i++);
  d.final_ms = AsInt64(r, i++);
  return d;
}

std::string Join(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

void InsertRequest(soci::session& s, const v1::NotificationRequest& r, long long now_ms, bool* inserted) {
  std::string id = r.id(), event = r.event(), case_id = r.case_id(), department = r.department();
  std::string recipients = Join(r.recipients());
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : r.params()) params[k] = v;
  std::string params_json = params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string subject = r.subject(), body = r.body();
  long long created = google::protobuf::util::TimeUtil::TimestampToMilliseconds(r.create_time());
  soci::statement st =
      (s.prepare << "INSERT INTO notify_requests (id, event, case_id, department, recipients, params_json, "
                    "subject, body, created_ms, received_ms) VALUES (:id, :ev, :c, :d, :r, :p, :s, :b, :cr, :now) "
                    "ON CONFLICT (id) DO NOTHING",
       soci::use(id), soci::use(event), soci::use(case_id), soci::use(department), soci::use(recipients),
       soci::use(params_json), soci::use(subject), soci::use(body), soci::use(created), soci::use(now_ms));
  st.execute(true);
  *inserted = st.get_affected_rows() > 0;
}

void InsertDelivery(soci::session& s, const DeliveryRecord& d) {
  std::string message_id = d.message_id, request_id = d.request_id, case_id = d.case_id, event = d.event;
  std::string recipient = d.recipient, name = d.recipient_name, channel = d.channel, address = d.address;
  std::string mention = d.mention, language = d.language, subject = d.subject, text = d.text;
  std::string markdown = d.markdown, html = d.html, link = d.link, payload = d.payload_json;
  std::string last_error = d.last_error;
  int state = d.state;
  long long next = d.next_attempt_ms, created = d.created_ms, final_ms = d.final_ms;
  s << "INSERT INTO notify_deliveries (message_id, request_id, case_id, event, recipient, recipient_name, "
       "channel, address, mention, language, subject, body_text, body_markdown, body_html, link, payload_json, "
       "state, attempts, next_attempt_ms, last_error, created_ms, final_ms) VALUES (:m, :r, :c, :e, :p, :n, :ch, :a, "
       ":me, :l, :s, :t, :md, :h, :li, :pj, :st, 0, :next, :err, :cr, :fin) ON CONFLICT (message_id) DO NOTHING",
      soci::use(message_id), soci::use(request_id), soci::use(case_id), soci::use(event), soci::use(recipient),
      soci::use(name), soci::use(channel), soci::use(address), soci::use(mention), soci::use(language),
      soci::use(subject), soci::use(text), soci::use(markdown), soci::use(html), soci::use(link),
      soci::use(payload), soci::use(state), soci::use(next), soci::use(last_error), soci::use(created),
      soci::use(final_ms);
}

}  // namespace

absl::StatusOr<int> NotifyStore::SaveRequests(const std::vector<ExpandedRequest>& batch, std::int64_t now_ms) {
  return storage::Guarded("storing notification requests", [&] {
    return db_.InTransaction([&](soci::session& s) {
      int added = 0;
      for (const ExpandedRequest& e : batch) {
        bool inserted = false;
        InsertRequest(s, e.request, now_ms, &inserted);
        if (!inserted) continue;  // stored by an earlier delivery of the same entry
        ++added;
        for (const DeliveryRecord& d : e.deliveries) InsertDelivery(s, d);
      }
      return added;
    });
  });
}

absl::StatusOr<std::vector<DeliveryRecord>> NotifyStore::Select(const std::string& where,
                                                                const std::string& bound,
                                                                std::int64_t bound_ms, int limit) {
  return storage::Guarded("reading deliveries", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::string text = bound;
      long long ms = bound_ms;
      int lim = limit;
      std::vector<DeliveryRecord> out;
      // The request's owning department too: it picks a department's own
      // robot (DeliveryChannels::AddDepartmentEndpoint).
      const std::string sql = std::string("SELECT ") + kColumns + ", " + kRequestDepartment +
                              " FROM notify_deliveries WHERE " + where + " LIMIT :lim";
      auto read = [&](soci::rowset<soci::row>& rows) {
        for (const soci::row& r : rows) {
          DeliveryRecord d = FromRow(r);
          d.department = storage::AsString(r, kColumnCount);
          out.push_back(std::move(d));
        }
      };
      if (bound.empty()) {
        soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(ms), soci::use(lim));
        read(rows);
      } else {
        soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(text), soci::use(lim));
        read(rows);
      }
      return out;
    });
  });
}

absl::StatusOr<std::vector<DeliveryRecord>> NotifyStore::DueDeliveries(std::int64_t now_ms, int limit) {
  return Select("state = 1 AND next_attempt_ms <= :now ORDER BY next_attempt_ms, message_id", "", now_ms, limit);
}

absl::StatusOr<bool> NotifyStore::Claim(const DeliveryRecord& seen, std::int64_t now_ms,
                                        std::int64_t lease_until_ms) {
  return storage::Guarded("claiming a delivery", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::string id = seen.message_id;
      int attempts = seen.attempts;
      long long now = now_ms, lease = lease_until_ms;
      soci::statement st =
          (s.prepare << "UPDATE notify_deliveries SET attempts = attempts + 1, next_attempt_ms = :lease "
                        "WHERE message_id = :id AND state = 1 AND attempts = :a AND next_attempt_ms <= :now",
           soci::use(lease), soci::use(id), soci::use(attempts), soci::use(now));
      st.execute(true);
      return st.get_affected_rows() > 0;
    });
  });
}

absl::StatusOr<std::vector<bool>> NotifyStore::ClaimMany(const std::vector<DeliveryRecord>& seen,
                                                         std::int64_t now_ms, std::int64_t lease_until_ms) {
  return storage::Guarded("claiming deliveries", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::vector<bool> mine;
      mine.reserve(seen.size());
      std::string id;
      int attempts = 0;
      long long now = now_ms, lease = lease_until_ms;
      soci::statement st =
          (s.prepare << "UPDATE notify_deliveries SET attempts = attempts + 1, next_attempt_ms = :lease "
                        "WHERE message_id = :id AND state = 1 AND attempts = :a AND next_attempt_ms <= :now",
           soci::use(lease), soci::use(id), soci::use(attempts), soci::use(now));
      for (const DeliveryRecord& d : seen) {
        id = d.message_id;
        attempts = d.attempts;
        st.execute(true);
        mine.push_back(st.get_affected_rows() > 0);
      }
      return mine;
    });
  });
}

absl::Status NotifyStore::MarkDelivered(const std::string& message_id, std::int64_t now_ms) {
  return storage::Guarded("recording a delivery", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string id = message_id;
      long long now = now_ms;
      int state = v1::DELIVERY_STATE_DELIVERED;
      s << "UPDATE notify_deliveries SET state = :s, final_ms = :now, last_error = '' "
           "WHERE message_id = :id AND state = 1",
          soci::use(state), soci::use(now), soci::use(id);
    });
  });
}

absl::Status NotifyStore::MarkFailed(const std::string& message_id, const std::string& error, std::int64_t now_ms) {
  return storage::Guarded("recording a failed delivery", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string id = message_id, err = error;
      long long now = now_ms;
      int state = v1::DELIVERY_STATE_FAILED;
      s << "UPDATE notify_deliveries SET state = :s, final_ms = :now, last_error = :e "
           "WHERE message_id = :id AND state = 1",
          soci::use(state), soci::use(now), soci::use(err), soci::use(id);
    });
  });
}

absl::Status NotifyStore::ScheduleRetry(const std::string& message_id, const std::string& error,
                                        std::int64_t next_attempt_ms) {
  return storage::Guarded("scheduling a retry", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string id = message_id, err = error;
      long long next = next_attempt_ms;
      s << "UPDATE notify_deliveries SET next_attempt_ms = :n, last_error = :e WHERE message_id = :id AND state = 1",
          soci::use(next), soci::use(err), soci::use(id);
    });
  });
}

absl::StatusOr<std::vector<DeliveryRecord>> NotifyStore::UnpublishedOutcomes(int limit) {
  return Select("state <> 1 AND outcome_published = 0 AND final_ms >= :zero ORDER BY final_ms, message_id", "",
                0, limit);
}

absl::Status NotifyStore::MarkOutcomesPublished(const std::vector<std::string>& message_ids) {
  return storage::Guarded("recording published outcomes", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string id;
      soci::statement st =
          (s.prepare << "UPDATE notify_deliveries SET outcome_published = 1 WHERE message_id = :id", soci::use(id));
      for (const std::string& m : message_ids) {
        id = m;
        st.execute(true);
      }
    });
  });
}

absl::StatusOr<std::vector<DeliveryRecord>> NotifyStore::SelectLog(const std::string& where,
                                                                   const std::string& bound, int limit,
                                                                   const DeliveryFilter& visible) {
  return storage::Guarded("reading the delivery log", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::string text = bound;
      int lim = limit;
      std::vector<DeliveryRecord> out;
      // A filtered read cannot LIMIT in SQL: it reads on until `limit` rows
      // were kept (a case's or a request's log is short).
      std::string sql = std::string("SELECT ") + kColumns + ", " + kRequestDepartment +
                        " FROM notify_deliveries WHERE " + where;
      if (!visible) sql += " LIMIT :lim";
      auto read = [&](soci::rowset<soci::row>& rows) {
        for (const soci::row& r : rows) {
          DeliveryRecord d = FromRow(r);
          d.department = storage::AsString(r, kColumnCount);
          if (visible && !visible(d)) continue;
          out.push_back(std::move(d));
          if (static_cast<int>(out.size()) >= limit) break;
        }
      };
      if (visible) {
        soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(text));
        read(rows);
      } else {
        soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(text), soci::use(lim));
        read(rows);
      }
      return out;
    });
  });
}

absl::StatusOr<std::vector<DeliveryRecord>> NotifyStore::DeliveriesOfCase(const std::string& case_id, int limit,
                                                                          const DeliveryFilter& visible) {
  return SelectLog("case_id = :c ORDER BY created_ms, message_id", case_id, limit, visible);
}

absl::StatusOr<std::vector<DeliveryRecord>> NotifyStore::DeliveriesOfRequest(const std::string& request_id,
                                                                             int limit,
                                                                             const DeliveryFilter& visible) {
  return SelectLog("request_id = :r ORDER BY created_ms, message_id", request_id, limit, visible);
}

absl::StatusOr<bool> NotifyStore::HasRequest(const std::string& request_id) {
  return storage::Guarded("reading a request", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::string id = request_id;
      long long n = 0;
      s << "SELECT COUNT(*) FROM notify_requests WHERE id = :id", soci::use(id), soci::into(n);
      return n > 0;
    });
  });
}

}  // namespace voc::notify
