#include "services/verification/digest/digest_store.h"

#include <google/protobuf/util/json_util.h>
#include <soci/soci.h>

#include "common/status/status.h"
#include "common/storage/errors.h"
#include "services/verification/digest/digest_composer.h"
#include "common/util/time.h"

namespace voc::verification {
namespace {

std::string ToJson(const v1::Digest& digest) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(digest, &json, options);
  return json;
}

v1::Digest FromJson(const std::string& json) {
  v1::Digest digest;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // written by a newer version
  if (!google::protobuf::util::JsonStringToMessage(json, &digest, options).ok()) digest.Clear();
  return digest;
}

// The stored columns and the sends' count of one digest row.
constexpr char kSelect[] =
    "SELECT d.content, (SELECT COUNT(*) FROM digest_sends s WHERE s.week_start = d.week_start AND "
    "s.department = d.department) FROM digests d ";

}  // namespace

absl::Status DigestStore::Save(const v1::Digest& digest) {
  return storage::Guarded("storing a digest", [&] {
    db_.InTransaction([&](soci::session& s) {
      v1::Digest stored = digest;
      stored.clear_recipients();
      std::string week = digest.week_start(), department = digest.department(), content = ToJson(stored);
      std::string subject_zh = digest.subject_zh(), subject_en = digest.subject_en();
      long long compose_ms = ProtoToMillis(digest.compose_time());
      s << "INSERT INTO digests (week_start, department, content, subject_zh, subject_en, compose_ms) "
           "VALUES (:w, :d, :c, :sz, :se, :t) ON CONFLICT (week_start, department) DO UPDATE SET "
           "content = excluded.content, subject_zh = excluded.subject_zh, subject_en = excluded.subject_en, "
           "compose_ms = excluded.compose_ms",
          soci::use(week), soci::use(department), soci::use(content), soci::use(subject_zh),
          soci::use(subject_en), soci::use(compose_ms);
    });
  });
}

absl::StatusOr<v1::Digest> DigestStore::Get(const std::string& week_start, const std::string& department) {
  auto found = storage::Guarded("reading a digest", [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<v1::Digest> {
      std::string week = week_start, scope = department, content;
      long long recipients = 0;
      soci::indicator ind = soci::i_null;
      s << std::string(kSelect) + "WHERE d.week_start = :w AND d.department = :d", soci::into(content, ind),
          soci::into(recipients), soci::use(week), soci::use(scope);
      if (!s.got_data() || ind != soci::i_ok) return std::nullopt;
      v1::Digest digest = FromJson(content);
      digest.set_recipients(static_cast<int>(recipients));
      return digest;
    });
  });
  if (!found.ok()) return found.status();
  if (!*found) return status::NotFound(DigestName(week_start, department));
  return **found;
}

absl::StatusOr<std::vector<v1::Digest>> DigestStore::List(const DigestScopes& scopes, int limit,
                                                          const std::optional<DigestAfter>& after) {
  return storage::Guarded("listing digests", [&] {
    return db_.WithSession([&](soci::session& s) {
      // The scope filter is bound too: the statement's shape depends only on
      // how many departments there are.
      std::vector<std::string> departments;
      if (scopes.company) departments.push_back("");
      departments.insert(departments.end(), scopes.departments.begin(), scopes.departments.end());
      std::string where = "WHERE (:a = 0 OR d.week_start < :w1 OR (d.week_start = :w2 AND d.department > :d))";
      std::vector<v1::Digest> out;
      if (!scopes.all && departments.empty()) return out;  // the caller may see none
      if (!scopes.all) {
        where += " AND d.department IN (";
        for (std::size_t i = 0; i < departments.size(); ++i) where += (i ? ", :s" : ":s") + std::to_string(i);
        where += ")";
      }
      int has_after = after ? 1 : 0;
      std::string after_week = after ? after->week_start : "", after_department = after ? after->department : "";
      int lim = limit;
      std::string content;
      long long recipients = 0;
      soci::statement st(s);
      st.exchange(soci::into(content));
      st.exchange(soci::into(recipients));
      st.exchange(soci::use(has_after));
      st.exchange(soci::use(after_week));
      st.exchange(soci::use(after_week));
      st.exchange(soci::use(after_department));
      if (!scopes.all) {
        for (auto& department : departments) st.exchange(soci::use(department));
      }
      st.exchange(soci::use(lim));
      st.alloc();
      st.prepare(std::string(kSelect) + where + " ORDER BY d.week_start DESC, d.department LIMIT :lim");
      st.define_and_bind();
      if (st.execute(true)) {
        do {
          v1::Digest& digest = out.emplace_back(FromJson(content));
          digest.set_recipients(static_cast<int>(recipients));
        } while (st.fetch());
      }
      return out;
    });
  });
}

absl::StatusOr<bool> DigestStore::RecordSend(const std::string& week_start, const std::string& department,
                                             const std::string& recipient, std::int64_t now_ms) {
  return storage::Guarded("recording a digest send", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::string week = week_start, scope = department, person = recipient;
      long long now = now_ms;
      soci::statement st = (s.prepare << "INSERT INTO digest_sends (week_start, department, recipient, sent_ms) "
                                         "VALUES (:w, :d, :r, :t) ON CONFLICT DO NOTHING",
                            soci::use(week), soci::use(scope), soci::use(person), soci::use(now));
      st.execute(true);
      return st.get_affected_rows() > 0;
    });
  });
}

absl::StatusOr<std::set<std::string>> DigestStore::SentTo(const std::string& week_start,
                                                         const std::string& department) {
  return storage::Guarded("reading digest sends", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::string week = week_start, scope = department, person;
      soci::statement st = (s.prepare << "SELECT recipient FROM digest_sends WHERE week_start = :w AND "
                                         "department = :d",
                            soci::into(person), soci::use(week), soci::use(scope));
      std::set<std::string> out;
      if (st.execute(true)) {
        do {
          out.insert(person);
        } while (st.fetch());
      }
      return out;
    });
  });
}

absl::StatusOr<bool> DigestStore::IsWeekDone(const std::string& week_start) {
  return storage::Guarded("reading the digest schedule", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::string week = week_start;
      long long count = 0;
      s << "SELECT COUNT(*) FROM digest_weeks_done WHERE week_start = :w", soci::into(count), soci::use(week);
      return count > 0;
    });
  });
}

absl::Status DigestStore::MarkWeekDone(const std::string& week_start, std::int64_t now_ms) {
  return storage::Guarded("recording a digest week done", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string week = week_start;
      long long now = now_ms;
      s << "INSERT INTO digest_weeks_done (week_start, done_ms) VALUES (:w, :t) ON CONFLICT DO NOTHING",
          soci::use(week), soci::use(now);
    });
  });
}

}  // namespace voc::verification
