#include "services/triage/store/triage_store.h"

#include "services/triage/store/red_line_marks_store.h"

#include "services/triage/store/alert_outbox.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "proto/api/enum_names.h"
#include "proto/api/topic_id.h"
#include "common/util/time.h"
#include "services/triage/reports/voice_rollup.h"
#include "services/triage/store/voice_rollup_store.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace voc::triage {
namespace {

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

bool FromJson(const std::string& json, google::protobuf::Message* message) {
  return google::protobuf::util::JsonStringToMessage(json, message).ok();
}

std::string JoinTopics(const std::vector<std::string>& topics) { return nlohmann::json(topics).dump(); }

std::vector<std::string> SplitTopics(const std::string& json) {
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (!parsed.is_array()) return {};
  return parsed.get<std::vector<std::string>>();
}

}  // namespace

std::vector<storage::Migration> TriageMigrations() {
  return {
      {1,
       "results, topics, cluster members, rule versions",
       {
           "CREATE TABLE triage_results ("
           " feedback_id TEXT PRIMARY KEY,"
           " customer_id TEXT NOT NULL,"
           " channel TEXT NOT NULL,"
           " product TEXT NOT NULL,"
           " store TEXT NOT NULL,"
           " region TEXT NOT NULL,"
           " negative INTEGER NOT NULL,"
           " priority INTEGER NOT NULL,"
           " cluster_id TEXT NOT NULL,"
           " occurred_ms BIGINT NOT NULL,"
           " analyzed_ms BIGINT NOT NULL,"
           " normalized_text TEXT NOT NULL,"
           " triaged_json TEXT NOT NULL)",
           "CREATE INDEX triage_results_occurred ON triage_results (occurred_ms)",
           "CREATE INDEX triage_results_analyzed ON triage_results (analyzed_ms)",
           "CREATE TABLE triage_topics ("
           " feedback_id TEXT NOT NULL,"
           " topic TEXT NOT NULL,"
           " negative INTEGER NOT NULL,"
           " occurred_ms BIGINT NOT NULL,"
           " PRIMARY KEY (feedback_id, topic))",
           "CREATE INDEX triage_topics_topic ON triage_topics (topic, occurred_ms)",
           "CREATE TABLE cluster_members ("
           " feedback_id TEXT PRIMARY KEY,"
           " cluster_id BIGINT NOT NULL,"
           " signature TEXT NOT NULL,"
           " seen_ms BIGINT NOT NULL,"
           " topics_json TEXT NOT NULL,"
           " text TEXT NOT NULL)",
           "CREATE TABLE rule_versions ("
           " id TEXT PRIMARY KEY,"
           " kind TEXT NOT NULL,"
           " version TEXT NOT NULL,"
           " content_hash TEXT NOT NULL,"
           " yaml TEXT NOT NULL,"
           " created_ms BIGINT NOT NULL)",
       }},
      {2,
       "index for the newest rule version of each kind",
       {
           // Every replica asks for the newest version every few seconds
           // (RuleReloader); without the index each check scans every stored
           // version, YAML included on SQLite (created_ms comes after it).
           "CREATE INDEX rule_versions_newest ON rule_versions (kind, created_ms, id)",
       }},
      {3,
       "drill-down terms stored with each negative result",
       {
           // TriageAnalyzer::Terms joined by newlines, so a drill-down does
           // not segment every document again; NULL for other sentiments and
           // for rows stored before this migration.
           "ALTER TABLE triage_results ADD COLUMN drill_terms TEXT",
       }},
      {4,
       "cluster state shared by triage replicas",
       {
           // seq: the order members were stored in, from the shared counter
           // below (NULL for rows stored before), so a replica catches up
           // with what the others stored; best_match: the member it joined
           // through (the representative's votes are replayed from it).
           "ALTER TABLE cluster_members ADD COLUMN seq BIGINT",
           "ALTER TABLE cluster_members ADD COLUMN best_match TEXT NOT NULL DEFAULT ''",
           "CREATE INDEX cluster_members_seq ON cluster_members (seq)",
           "CREATE INDEX cluster_members_seen ON cluster_members (seen_ms)",
           // Counters every replica advances under the cluster lock: cluster
           // ids unique across replicas, and the member order.
           "CREATE TABLE triage_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
           "INSERT INTO triage_counters (name, value)"
           " SELECT 'next_cluster_id', COALESCE(MAX(cluster_id), 0) + 1 FROM cluster_members",
           "INSERT INTO triage_counters (name, value) VALUES ('member_seq', 0)",
       }},
      {5,
       "rule versions: who made each, why, what it restored, and its number (issue 9)",
       {
           // number: 1, 2, ... per kind in the order the versions were made
           // (the newest is the one in force); rows stored before are
           // numbered by their time. The unique index makes two replicas
           // storing a version of one kind at once fail one of them (ABORTED)
           // instead of giving both the same number.
           "ALTER TABLE rule_versions ADD COLUMN number BIGINT",
           "ALTER TABLE rule_versions ADD COLUMN author TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE rule_versions ADD COLUMN comment TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE rule_versions ADD COLUMN rolled_back_from TEXT NOT NULL DEFAULT ''",
           "UPDATE rule_versions SET number = (SELECT COUNT(*) FROM rule_versions AS earlier"
           " WHERE earlier.kind = rule_versions.kind AND (earlier.created_ms < rule_versions.created_ms"
           " OR (earlier.created_ms = rule_versions.created_ms AND earlier.id <= rule_versions.id)))",
           "CREATE UNIQUE INDEX rule_versions_number ON rule_versions (kind, number)",
       }},
      // The voice roll-up (issue 12), defined beside its queries.
      VoiceRollupMigration(),
      // The alerts outbox (issue 11): migration 7.
      AlertOutboxMigration(),
      // Red-line hits and marks (issue 10 item 4): migration 8
      // (red_line_marks_store.cc).
      RedLineMarksMigration(),
  };
}

namespace {

constexpr char kClusterLockName[] = "voc-triage-clusters";

// Serialises clustering across replicas for the rest of the transaction.
// On SQLite (one process, whose write transactions already queue on
// Database's write mutex) a first write takes the file's write lock, so a
// second connection waits (busy timeout) instead of reading a stale state.
void LockClusters(soci::session& s, storage::Backend backend) {
  if (backend != storage::Backend::kPostgres) {
    s << "UPDATE triage_counters SET value = value WHERE name = 'member_seq'";
    return;
  }
  const std::string name = kClusterLockName;
  int done = 0;
  s << "SELECT 1 FROM pg_advisory_xact_lock(hashtext(:name))", soci::use(name), soci::into(done);
}

long long Counter(soci::session& s, const std::string& name) {
  long long value = 0;
  s << "SELECT value FROM triage_counters WHERE name = :n", soci::use(name), soci::into(value);
  return value;
}

// A counter no migration created: 0 until its first write.
long long OptionalCounter(soci::session& s, const std::string& name) {
  long long value = 0;
  soci::indicator present = soci::i_null;
  s << "SELECT value FROM triage_counters WHERE name = :n", soci::use(name), soci::into(value, present);
  return s.got_data() && present == soci::i_ok ? value : 0;
}

void SetCounter(soci::session& s, const std::string& name, long long value) {
  s << "UPDATE triage_counters SET value = :v WHERE name = :n", soci::use(value), soci::use(name);
}

// Rows per multi-row statement: far below SQLite's 32,766 bound variables
// and PostgreSQL's 65,535 parameters at 14 columns.
constexpr std::size_t kRowsPerStatement = 200;

// The feedback ids among `ids` that have a stored result: one statement a
// chunk, instead of one round trip a feedback.
std::unordered_set<std::string> StoredIds(soci::session& s, const std::vector<std::string>& ids) {
  std::unordered_set<std::string> stored;
  for (std::size_t begin = 0; begin < ids.size(); begin += kRowsPerStatement) {
    const std::size_t n = std::min(kRowsPerStatement, ids.size() - begin);
    soci::details::prepare_temp_type query =
        (s.prepare << "SELECT feedback_id FROM triage_results WHERE feedback_id IN " + storage::Placeholders("p", n));
    for (std::size_t i = 0; i < n; ++i) query, soci::use(ids[begin + i]);
    soci::rowset<std::string> rows(query);
    for (const auto& id : rows) stored.insert(id);
  }
  return stored;
}

// The columns of one stored result, kept alive while a statement binds them.
struct ResultRow {
  std::string feedback_id, customer_id, channel, product, store, region;
  int negative = 0, priority = 0;
  std::string cluster_id;
  long long occurred_ms = 0, analyzed_ms = 0;
  std::string normalized_text, json, terms;
  soci::indicator terms_ind = soci::i_null;
};
struct TopicRow {
  std::string feedback_id, topic;
  int negative = 0;
  long long occurred_ms = 0;
};
struct MemberRow {
  std::string feedback_id;
  long long cluster_id = 0;
  std::string signature;
  long long seen_ms = 0;
  std::string topics, text;
  long long seq = 0;
  std::string best_match;
};

// The results, their topics and members (member seqs already set) in three
// multi-row statements.
void InsertResults(soci::session& s, const std::vector<PendingResult*>& results) {
  std::vector<ResultRow> result_rows;
  std::vector<TopicRow> topic_rows;
  std::vector<MemberRow> member_rows;
  result_rows.reserve(results.size());
  for (const PendingResult* p : results) {
    const auto& feedback = p->triaged.feedback();
    const auto& result = p->triaged.result();
    ResultRow r;
    r.feedback_id = feedback.id();
    r.customer_id = feedback.customer().id();
    r.channel = voc::v1::Channel_Name(feedback.channel());  // "CHANNEL_REVIEW", as stored since migration 1
    r.product = feedback.product();
    r.store = feedback.customer().store();
    r.region = feedback.customer().region();
    r.negative = result.sentiment() == voc::v1::SENTIMENT_NEGATIVE ? 1 : 0;
    r.priority = static_cast<int>(result.priority());
    r.cluster_id = result.cluster_id();
    r.occurred_ms = ProtoToMillis(feedback.occurred_time());
    r.analyzed_ms = ProtoToMillis(result.analyzed_time());
    r.normalized_text = p->normalized_text;
    r.json = ToJson(p->triaged);
    r.terms = p->drill_terms ? storage::JoinLines(*p->drill_terms) : "";
    r.terms_ind = p->drill_terms ? soci::i_ok : soci::i_null;
    for (const auto& topic : result.topics()) topic_rows.push_back({r.feedback_id, topic.topic(), r.negative, r.occurred_ms});
    if (p->member) {
      const StoredClusterMember& m = *p->member;
      member_rows.push_back({m.feedback_id, static_cast<long long>(m.cluster_id), m.signature_hex, m.seen_ms,
                             JoinTopics(m.topics), m.text, static_cast<long long>(m.seq), m.best_match_id});
    }
    result_rows.push_back(std::move(r));
  }
  storage::InsertRows(s,
             "INSERT INTO triage_results (feedback_id, customer_id, channel, product, store, region, negative,"
             " priority, cluster_id, occurred_ms, analyzed_ms, normalized_text, triaged_json, drill_terms)",
             14, "", result_rows, [](soci::details::prepare_temp_type& q, ResultRow& r) {
               q, soci::use(r.feedback_id), soci::use(r.customer_id), soci::use(r.channel), soci::use(r.product),
                   soci::use(r.store), soci::use(r.region), soci::use(r.negative), soci::use(r.priority),
                   soci::use(r.cluster_id), soci::use(r.occurred_ms), soci::use(r.analyzed_ms),
                   soci::use(r.normalized_text), soci::use(r.json), soci::use(r.terms, r.terms_ind);
             });
  storage::InsertRows(s, "INSERT INTO triage_topics (feedback_id, topic, negative, occurred_ms)", 4, " ON CONFLICT DO NOTHING",
             topic_rows, [](soci::details::prepare_temp_type& q, TopicRow& r) {
               q, soci::use(r.feedback_id), soci::use(r.topic), soci::use(r.negative), soci::use(r.occurred_ms);
             });
  storage::InsertRows(s,
             "INSERT INTO cluster_members (feedback_id, cluster_id, signature, seen_ms, topics_json, text, seq,"
             " best_match)",
             8, " ON CONFLICT DO NOTHING", member_rows, [](soci::details::prepare_temp_type& q, MemberRow& r) {
               q, soci::use(r.feedback_id), soci::use(r.cluster_id), soci::use(r.signature), soci::use(r.seen_ms),
                   soci::use(r.topics), soci::use(r.text), soci::use(r.seq), soci::use(r.best_match);
             });
  // Issue 10 item 4: the red-line terms each result was flagged by, for the
  // term report (red_line_marks_store.h).
  std::vector<const voc::v1::TriagedFeedback*> triaged;
  triaged.reserve(results.size());
  for (const PendingResult* p : results) triaged.push_back(&p->triaged);
  InsertRedLineHits(s, triaged);
}

constexpr char kMemberColumns[] =
    "SELECT feedback_id, cluster_id, signature, seen_ms, topics_json, text, best_match, COALESCE(seq, 0)"
    " FROM cluster_members";

StoredClusterMember MemberOf(const soci::row& row) {
  StoredClusterMember m;
  m.feedback_id = row.get<std::string>(0);
  m.cluster_id = static_cast<std::uint64_t>(storage::AsInt(row, 1));
  m.signature_hex = row.get<std::string>(2);
  m.seen_ms = storage::AsInt(row, 3);
  m.topics = SplitTopics(row.get<std::string>(4));
  m.text = row.get<std::string>(5);
  m.best_match_id = storage::AsString(row, 6);
  m.seq = static_cast<std::uint64_t>(storage::AsInt(row, 7));
  return m;
}

std::vector<StoredClusterMember> MembersAfter(soci::session& s, long long after_seq) {
  std::vector<StoredClusterMember> members;
  soci::rowset<soci::row> rows =
      (s.prepare << std::string(kMemberColumns) + " WHERE seq > :after ORDER BY seq", soci::use(after_seq));
  for (const auto& row : rows) members.push_back(MemberOf(row));
  return members;
}

}  // namespace

absl::Status TriageStore::SaveResults(std::vector<PendingResult>& batch, std::uint64_t after_seq,
                                      const ClusterStep& step, std::uint64_t* last_seq) {
  for (auto& pending : batch) pending.stored = false;
  return storage::Guarded("storing triage results", [&] {
    db_.InTransaction([&](soci::session& s) {
      LockClusters(s, db_.backend());
      std::vector<std::string> ids;
      ids.reserve(batch.size());
      for (const auto& pending : batch) ids.push_back(pending.triaged.feedback().id());
      const std::unordered_set<std::string> stored = StoredIds(s, ids);
      std::vector<PendingResult*> fresh;
      for (auto& pending : batch)
        if (!stored.count(pending.triaged.feedback().id())) fresh.push_back(&pending);
      const std::vector<StoredClusterMember> caught_up = MembersAfter(s, static_cast<long long>(after_seq));
      long long seq = Counter(s, "member_seq");
      const long long first_cluster_id = Counter(s, "next_cluster_id");
      std::uint64_t next_cluster_id = static_cast<std::uint64_t>(first_cluster_id);
      step(caught_up, fresh, next_cluster_id);
      for (PendingResult* pending : fresh)
        if (pending->member) pending->member->seq = static_cast<std::uint64_t>(++seq);
      InsertResults(s, fresh);
      VoiceRollup rollup;
      for (const PendingResult* pending : fresh)
        AddToVoiceRollup(pending->triaged, report_utc_offset_minutes_, rollup);
      AddVoiceRollup(s, rollup);
      // Meaningful only once the commit succeeded (SaveResults returned OK).
      for (PendingResult* pending : fresh) pending->stored = true;
      SetCounter(s, "member_seq", seq);
      if (static_cast<long long>(next_cluster_id) != first_cluster_id)
        SetCounter(s, "next_cluster_id", static_cast<long long>(next_cluster_id));
      *last_seq = static_cast<std::uint64_t>(seq);
    });
  });
}

absl::StatusOr<VoiceRebuild> TriageStore::RebuildVoiceRollups(
    const std::function<void(std::int64_t read)>& progress) {
  return storage::Guarded("rebuilding the voice roll-up", [&] {
    return db_.InTransaction([&](soci::session& s) {
      LockClusters(s, db_.backend());
      VoiceRebuild done;
      VoiceRollup rollup;
      // In keyset chunks: PostgreSQL's client would otherwise hold every
      // row's JSON in memory at once.
      std::string after;
      for (bool more = true; more;) {
        more = false;
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT feedback_id, triaged_json FROM triage_results WHERE feedback_id > :after"
                          " ORDER BY feedback_id LIMIT 10000",
             soci::use(after));
        std::string last;
        for (const soci::row& row : rows) {
          last = row.get<std::string>(0);
          more = true;
          voc::v1::TriagedFeedback triaged;
          // An unreadable row is counted as read and adds nothing: the
          // incremental path never wrote one.
          if (FromJson(row.get<std::string>(1), &triaged))
            AddToVoiceRollup(triaged, report_utc_offset_minutes_, rollup);
          if (++done.results_read % 10'000 == 0 && progress) progress(done.results_read);
        }
        after = last;
      }
      s << "DELETE FROM voice_daily";
      AddVoiceRollup(s, rollup);
      done.rows_written = static_cast<std::int64_t>(rollup.size());
      return done;
    });
  });
}

absl::StatusOr<bool> TriageStore::VoiceRollupMissing() {
  return storage::Guarded("reading the voice roll-up", [&] {
    return db_.WithSession([&](soci::session& s) {
      int found = 0;
      s << "SELECT 1 FROM triage_results WHERE NOT EXISTS (SELECT 1 FROM voice_daily) LIMIT 1", soci::into(found);
      return s.got_data();
    });
  });
}

absl::StatusOr<std::vector<StoredClusterMember>> TriageStore::LoadClusterMembersAfter(std::uint64_t after_seq) {
  return storage::Guarded("reading new cluster members", [&] {
    return db_.WithSession([&](soci::session& s) { return MembersAfter(s, static_cast<long long>(after_seq)); });
  });
}

absl::StatusOr<std::int64_t> TriageStore::ErasureEpoch() {
  return storage::Guarded("reading the erasure epoch", [&] {
    return db_.WithSession([&](soci::session& s) -> std::int64_t { return OptionalCounter(s, kErasureEpochCounter); });
  });
}

namespace {

// Calls on_row(const soci::row&) for each row of the SELECT `sql` (`uses`
// bound in order) as it is read, until on_row returns false. SQLite steps
// through the rows; PostgreSQL's client would hold the whole result, so there
// they come through a cursor, kStreamFetchRows a fetch. Inside a transaction
// (the cursor's life), one stream at a time.
constexpr int kStreamFetchRows = 5000;

template <typename OnRow, typename... Uses>
void StreamRows(soci::session& s, storage::Backend backend, const std::string& sql, OnRow&& on_row,
                Uses&&... uses) {
  if (backend != storage::Backend::kPostgres) {
    soci::rowset<soci::row> rows = ((s.prepare << sql), ..., std::forward<Uses>(uses));
    for (const soci::row& row : rows) {
      if (!on_row(row)) return;
    }
    return;
  }
  ((s << "DECLARE voc_stream NO SCROLL CURSOR FOR " + sql), ..., std::forward<Uses>(uses));
  for (bool more = true; more;) {
    int fetched = 0;
    soci::rowset<soci::row> rows =
        (s.prepare << "FETCH FORWARD " + std::to_string(kStreamFetchRows) + " FROM voc_stream");
    for (const soci::row& row : rows) {
      ++fetched;
      if (!on_row(row)) {
        fetched = 0;
        break;
      }
    }
    more = fetched == kStreamFetchRows;
  }
  s << "CLOSE voc_stream";
}

constexpr char kMemberOrder[] = " ORDER BY COALESCE(seq, 0), seen_ms, feedback_id";

// Which members inside the window the caps keep (see ClusterSnapshotQuery):
// walking them newest first, a member is kept while its cluster has fewer
// than the per-cluster cap kept and until the overall cap is reached.
struct KeptSelection {
  std::vector<std::string> ids;                         // newest first
  std::unordered_map<std::uint64_t, std::size_t> kept;  // per cluster that keeps a member
};

KeptSelection SelectKept(soci::session& s, storage::Backend backend, long long since, std::size_t max_members,
                         std::size_t max_per_cluster) {
  KeptSelection selection;
  StreamRows(
      s, backend,
      "SELECT feedback_id, cluster_id FROM cluster_members WHERE seen_ms >= :since"
      " ORDER BY COALESCE(seq, 0) DESC, seen_ms DESC, feedback_id DESC",
      [&](const soci::row& row) {
        const auto cluster_id = static_cast<std::uint64_t>(storage::AsInt(row, 1));
        std::size_t& in_cluster = selection.kept[cluster_id];
        if (max_per_cluster > 0 && in_cluster >= max_per_cluster) return true;
        ++in_cluster;
        selection.ids.push_back(row.get<std::string>(0));
        return max_members == 0 || selection.ids.size() < max_members;
      },
      soci::use(since));
  return selection;
}

}  // namespace

absl::StatusOr<ClusterSnapshot> TriageStore::LoadClusterSnapshot(const ClusterSnapshotQuery& query) {
  const long long since = query.since_ms, signal_start = query.signal_start_ms, signal_end = query.signal_end_ms;
  const long long after = static_cast<long long>(query.stored_after_seq);
  const int max_documents = query.max_signal_documents;
  const storage::Backend backend = db_.backend();
  return storage::Guarded("loading the cluster index", [&] {
    return db_.InTransaction([&](soci::session& s) {
      LockClusters(s, backend);
      ClusterSnapshot snapshot;
      // Before the members: an erasure committing in between leaves an
      // older epoch, so the index is reloaded once more, never too few times.
      snapshot.erasure_epoch = OptionalCounter(s, kErasureEpochCounter);
      snapshot.last_seq = static_cast<std::uint64_t>(Counter(s, "member_seq"));
      if (query.max_members == 0 && query.max_members_per_cluster == 0) {
        // No cap: every member inside the window is kept.
        StreamRows(
            s, backend, std::string(kMemberColumns) + " WHERE seen_ms >= :since" + kMemberOrder,
            [&](const soci::row& row) {
              ++snapshot.kept;
              query.on_kept(MemberOf(row));
              return true;
            },
            soci::use(since));
      } else {
        KeptSelection selection = SelectKept(s, backend, since, query.max_members, query.max_members_per_cluster);
        std::reverse(selection.ids.begin(), selection.ids.end());
        // The kept members with their signatures and texts, by id, oldest
        // first (each chunk is a run of the order, so chunks keep it).
        for (std::size_t begin = 0; begin < selection.ids.size(); begin += kRowsPerStatement) {
          const std::size_t n = std::min(kRowsPerStatement, selection.ids.size() - begin);
          const std::vector<std::string> chunk(selection.ids.begin() + static_cast<std::ptrdiff_t>(begin),
                                               selection.ids.begin() + static_cast<std::ptrdiff_t>(begin + n));
          storage::ForEachRow(s,
                              std::string(kMemberColumns) + " WHERE feedback_id IN " +
                                  storage::Placeholders("p", n) + kMemberOrder,
                              chunk, [&](const soci::row& row) {
                                ++snapshot.kept;
                                query.on_kept(MemberOf(row));
                              });
        }
        // The others of the clusters that keep a member: their tallies.
        const std::unordered_set<std::string_view> kept_ids(selection.ids.begin(), selection.ids.end());
        StreamRows(
            s, backend,
            "SELECT feedback_id, cluster_id, seen_ms, topics_json, best_match, COALESCE(seq, 0)"
            " FROM cluster_members WHERE seen_ms >= :since",
            [&](const soci::row& row) {
              const auto cluster_id = static_cast<std::uint64_t>(storage::AsInt(row, 1));
              if (!selection.kept.count(cluster_id)) return true;
              std::string feedback_id = row.get<std::string>(0);
              if (kept_ids.count(feedback_id)) return true;
              StoredClusterMember m;
              m.feedback_id = std::move(feedback_id);
              m.cluster_id = cluster_id;
              m.seen_ms = storage::AsInt(row, 2);
              m.topics = SplitTopics(row.get<std::string>(3));
              m.best_match_id = storage::AsString(row, 4);
              m.seq = static_cast<std::uint64_t>(storage::AsInt(row, 5));
              ++snapshot.evicted;
              query.on_evicted(std::move(m));
              return true;
            },
            soci::use(since));
      }
      if (query.on_stored_after) {
        StreamRows(
            s, backend,
            "SELECT feedback_id, seen_ms, text, seq FROM cluster_members"
            " WHERE seen_ms >= :since AND seq > :after ORDER BY seq",
            [&](const soci::row& row) {
              StoredClusterMember m;
              m.feedback_id = row.get<std::string>(0);
              m.seen_ms = storage::AsInt(row, 1);
              m.text = row.get<std::string>(2);
              m.seq = static_cast<std::uint64_t>(storage::AsInt(row, 3));
              query.on_stored_after(std::move(m));
              return true;
            },
            soci::use(since), soci::use(after));
      }
      if (query.with_signals) {
        StreamRows(
            s, backend,
            "SELECT normalized_text, occurred_ms FROM triage_results"
            " WHERE negative = 1 AND occurred_ms >= :s AND occurred_ms < :e"
            " ORDER BY occurred_ms DESC LIMIT :l",
            [&](const soci::row& row) {
              snapshot.signal_documents.push_back({row.get<std::string>(0), storage::AsInt(row, 1)});
              return true;
            },
            soci::use(signal_start), soci::use(signal_end), soci::use(max_documents));
      }
      return snapshot;
    });
  });
}

absl::StatusOr<long long> TriageStore::PruneClusterMembers(std::int64_t cutoff_ms) {
  const long long cutoff = cutoff_ms;
  return storage::Guarded("pruning cluster members", [&] {
    return db_.InTransaction([&](soci::session& s) {
      soci::statement st = (s.prepare << "DELETE FROM cluster_members WHERE seen_ms < :c", soci::use(cutoff));
      st.execute(true);
      return static_cast<long long>(st.get_affected_rows());
    });
  });
}

absl::StatusOr<std::optional<StoredResult>> TriageStore::GetResult(const std::string& feedback_id) {
  return storage::Guarded("reading a triage result", [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<StoredResult> {
      std::string json, text;
      soci::indicator ind = soci::i_null;
      s << "SELECT triaged_json, normalized_text FROM triage_results WHERE feedback_id = :id",
          soci::use(feedback_id), soci::into(json, ind), soci::into(text);
      if (!s.got_data() || ind != soci::i_ok) return std::nullopt;
      StoredResult stored;
      if (!FromJson(json, &stored.triaged)) return std::nullopt;
      stored.normalized_text = text;
      return stored;
    });
  });
}

absl::StatusOr<std::unordered_map<std::string, StoredResult>> TriageStore::GetResults(
    const std::vector<std::string>& feedback_ids) {
  return storage::Guarded("reading triage results", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::unordered_map<std::string, StoredResult> found;
      for (std::size_t begin = 0; begin < feedback_ids.size(); begin += kRowsPerStatement) {
        const std::size_t n = std::min(kRowsPerStatement, feedback_ids.size() - begin);
        soci::details::prepare_temp_type query =
            (s.prepare << "SELECT feedback_id, triaged_json, normalized_text FROM triage_results"
                          " WHERE feedback_id IN " + storage::Placeholders("p", n));
        for (std::size_t i = 0; i < n; ++i) query, soci::use(feedback_ids[begin + i]);
        soci::rowset<soci::row> rows(query);
        for (const auto& row : rows) {
          StoredResult stored;
          if (!FromJson(row.get<std::string>(1), &stored.triaged)) continue;
          stored.normalized_text = row.get<std::string>(2);
          found.emplace(row.get<std::string>(0), std::move(stored));
        }
      }
      return found;
    });
  });
}

absl::StatusOr<std::unordered_map<std::string, std::vector<std::string>>> TriageStore::TopicsOf(
    const std::vector<std::string>& feedback_ids) {
  return storage::Guarded("reading feedback topics", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::unordered_map<std::string, std::vector<std::string>> found;
      for (std::size_t begin = 0; begin < feedback_ids.size(); begin += kRowsPerStatement) {
        const std::size_t n = std::min(kRowsPerStatement, feedback_ids.size() - begin);
        soci::details::prepare_temp_type query =
            (s.prepare << "SELECT feedback_id, topic FROM triage_topics WHERE feedback_id IN " +
                              storage::Placeholders("p", n));
        for (std::size_t i = 0; i < n; ++i) query, soci::use(feedback_ids[begin + i]);
        soci::rowset<soci::row> rows(query);
        for (const auto& row : rows) found[row.get<std::string>(0)].push_back(row.get<std::string>(1));
      }
      return found;
    });
  });
}

absl::StatusOr<FeedbackCounts> TriageStore::Count(std::int64_t start_ms, std::int64_t end_ms,
                                                  const std::string& topic) {
  const long long start = start_ms, end = end_ms;
  return storage::Guarded("counting feedback", [&] {
    return db_.WithSession([&](soci::session& s) {
      FeedbackCounts counts;
      long long total = 0, negative = 0, on_topic = 0;
      s << "SELECT COUNT(*) FROM triage_results WHERE occurred_ms >= :s AND occurred_ms < :e", soci::use(start),
          soci::use(end), soci::into(total);
      s << "SELECT COUNT(*) FROM triage_results WHERE negative = 1 AND occurred_ms >= :s AND occurred_ms < :e",
          soci::use(start), soci::use(end), soci::into(negative);
      if (!topic.empty()) {
        const auto filter = api::SameOrDescendantSql("topic", topic);
        s << "SELECT COUNT(DISTINCT feedback_id) FROM triage_topics WHERE negative = 1 AND " + filter.sql +
                 " AND occurred_ms >= :s AND occurred_ms < :e",
            soci::use(filter.topic), soci::use(filter.prefix_length), soci::use(filter.prefix), soci::use(start),
            soci::use(end), soci::into(on_topic);
      }
      counts.total = total;
      counts.negative = negative;
      counts.topic_negative = on_topic;
      return counts;
    });
  });
}

absl::StatusOr<std::vector<StoredClusterMember>> TriageStore::LoadClusterMembers() {
  return storage::Guarded("loading cluster members", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<StoredClusterMember> members;
      soci::rowset<soci::row> rows =
          (s.prepare << std::string(kMemberColumns) + " ORDER BY COALESCE(seq, 0), seen_ms, feedback_id");
      for (const auto& row : rows) members.push_back(MemberOf(row));
      return members;
    });
  });
}

absl::StatusOr<std::vector<DrillDownRow>> TriageStore::LoadDrillDownRows(std::int64_t start_ms,
                                                                         std::int64_t end_ms, int limit) {
  const long long start = start_ms, end = end_ms;
  return storage::Guarded("reading drill-down rows", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<DrillDownRow> docs;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT feedback_id, product, store, region, channel, cluster_id, drill_terms, normalized_text"
                        " FROM triage_results WHERE negative = 1 AND occurred_ms >= :s AND occurred_ms < :e"
                        " ORDER BY occurred_ms DESC LIMIT :l",
           soci::use(start), soci::use(end), soci::use(limit));
      for (const auto& row : rows) {
        DrillDownRow d;
        d.feedback_id = row.get<std::string>(0);
        d.product = row.get<std::string>(1);
        d.store = row.get<std::string>(2);
        d.region = row.get<std::string>(3);
        d.channel = row.get<std::string>(4);
        d.cluster_id = row.get<std::string>(5);
        if (!storage::IsNull(row, 6)) d.terms = storage::SplitLines(row.get<std::string>(6));
        d.normalized_text = row.get<std::string>(7);
        docs.push_back(std::move(d));
      }
      return docs;
    });
  });
}

absl::StatusOr<std::vector<FeedbackListRow>> TriageStore::ListFeedback(const FeedbackListQuery& query) {
  const long long start = query.start_ms, end = query.end_ms;
  const long long after_ms = query.after ? query.after->first : 0;
  const std::string after_id = query.after ? query.after->second : std::string();
  const int limit = query.limit;
  const auto topic = api::SameOrDescendantSql("t.topic", query.topic);
  std::string sql =
      "SELECT r.feedback_id, r.occurred_ms, r.cluster_id, r.triaged_json, r.normalized_text FROM triage_results r"
      " WHERE r.occurred_ms >= :s AND r.occurred_ms < :e";
  if (query.after) sql += " AND (r.occurred_ms < :am OR (r.occurred_ms = :am2 AND r.feedback_id < :aid))";
  if (!query.channel.empty()) sql += " AND r.channel = :ch";
  if (!query.product.empty()) sql += " AND r.product = :pr";
  if (!query.region.empty()) sql += " AND r.region = :rg";
  if (!query.store.empty()) sql += " AND r.store = :st";
  if (query.negative_only) sql += " AND r.negative = 1";
  if (!query.topic.empty())
    sql += " AND EXISTS (SELECT 1 FROM triage_topics t WHERE t.feedback_id = r.feedback_id AND " + topic.sql + ")";
  sql += " ORDER BY r.occurred_ms DESC, r.feedback_id DESC LIMIT :l";
  return storage::Guarded("listing feedback", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<FeedbackListRow> out;
      soci::details::prepare_temp_type q = (s.prepare << sql, soci::use(start), soci::use(end));
      if (query.after) q, soci::use(after_ms), soci::use(after_ms), soci::use(after_id);
      if (!query.channel.empty()) q, soci::use(query.channel);
      if (!query.product.empty()) q, soci::use(query.product);
      if (!query.region.empty()) q, soci::use(query.region);
      if (!query.store.empty()) q, soci::use(query.store);
      if (!query.topic.empty()) q, soci::use(topic.topic), soci::use(topic.prefix_length), soci::use(topic.prefix);
      q, soci::use(limit);
      soci::rowset<soci::row> rows(q);
      for (const auto& row : rows) {
        FeedbackListRow r;
        r.feedback_id = row.get<std::string>(0);
        r.occurred_ms = storage::AsInt(row, 1);
        r.cluster_id = row.get<std::string>(2);
        if (!FromJson(row.get<std::string>(3), &r.stored.triaged)) continue;
        r.stored.normalized_text = row.get<std::string>(4);
        out.push_back(std::move(r));
      }
      return out;
    });
  });
}

absl::StatusOr<std::unordered_set<std::string>> TriageStore::NegativeFeedbackOnTopic(const std::string& topic,
                                                                                    std::int64_t start_ms,
                                                                                    std::int64_t end_ms) {
  const long long start = start_ms, end = end_ms;
  const auto filter = api::SameOrDescendantSql("topic", topic);
  return storage::Guarded("reading feedback on a topic", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::unordered_set<std::string> ids;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT feedback_id FROM triage_topics WHERE negative = 1 AND " + filter.sql +
                            " AND occurred_ms >= :s AND occurred_ms < :e",
           soci::use(filter.topic), soci::use(filter.prefix_length), soci::use(filter.prefix), soci::use(start),
           soci::use(end));
      for (const auto& row : rows) ids.insert(row.get<std::string>(0));
      return ids;
    });
  });
}

absl::Status TriageStore::BackfillDrillTerms(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& terms) {
  if (terms.empty()) return absl::OkStatus();
  return storage::Guarded("storing drill-down terms", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string feedback_id, joined;
      soci::statement update =
          (s.prepare << "UPDATE triage_results SET drill_terms = :terms WHERE feedback_id = :id"
                        " AND drill_terms IS NULL",
           soci::use(joined, "terms"), soci::use(feedback_id, "id"));
      for (const auto& [id, words] : terms) {
        feedback_id = id;
        joined = storage::JoinLines(words);
        update.execute(true);
      }
    });
  });
}

absl::StatusOr<std::vector<SignalDocument>> TriageStore::LoadSignalDocuments(std::int64_t start_ms,
                                                                             std::int64_t end_ms, int limit) {
  const long long start = start_ms, end = end_ms;
  return storage::Guarded("reading weak-signal history", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<SignalDocument> docs;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT normalized_text, occurred_ms FROM triage_results"
                        " WHERE negative = 1 AND occurred_ms >= :s AND occurred_ms < :e"
                        " ORDER BY occurred_ms DESC LIMIT :l",
           soci::use(start), soci::use(end), soci::use(limit));
      for (const auto& row : rows) docs.push_back({row.get<std::string>(0), storage::AsInt(row, 1)});
      return docs;
    });
  });
}

absl::StatusOr<std::vector<std::string>> TriageStore::RecentTexts(int limit) {
  return storage::Guarded("reading recent texts", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<std::string> texts;
      soci::rowset<std::string> rows =
          (s.prepare << "SELECT normalized_text FROM triage_results ORDER BY analyzed_ms DESC LIMIT :l",
           soci::use(limit));
      for (const auto& t : rows) texts.push_back(t);
      return texts;
    });
  });
}

absl::StatusOr<std::vector<std::string>> TriageStore::TextsAnalyzedBetween(std::int64_t start_ms,
                                                                         std::int64_t end_ms, int limit) {
  return storage::Guarded("reading the texts of a period", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<std::string> texts;
      long long start = start_ms, end = end_ms;
      soci::rowset<std::string> rows =
          (s.prepare << "SELECT normalized_text FROM triage_results WHERE analyzed_ms >= :s AND analyzed_ms < :e"
                        " ORDER BY analyzed_ms DESC LIMIT :l",
           soci::use(start), soci::use(end), soci::use(limit));
      for (const auto& t : rows) texts.push_back(t);
      return texts;
    });
  });
}

absl::StatusOr<std::int64_t> TriageStore::SaveRuleVersion(const NewRuleVersion& change,
                                                          const NewRuleVersion& baseline) {
  return rule_versions_.Save(change, baseline);
}

absl::StatusOr<std::vector<StoredRuleVersion>> TriageStore::NewestRuleVersions() {
  return rule_versions_.Newest({kTaxonomyRules, kRedLineRules, kPriorityRules});
}

absl::StatusOr<std::optional<std::string>> TriageStore::RuleYaml(const std::string& id) {
  return rule_versions_.Yaml(id);
}

absl::StatusOr<std::vector<RuleVersionRecord>> TriageStore::ListRuleVersions(const std::string& kind,
                                                                             std::int64_t before_number,
                                                                             int limit) {
  return rule_versions_.List(kind, before_number, limit);
}

absl::StatusOr<std::optional<RuleVersionRecord>> TriageStore::GetRuleVersion(const std::string& kind,
                                                                            std::int64_t number) {
  return rule_versions_.Get(kind, number);
}

absl::StatusOr<std::int64_t> TriageStore::NewestRuleNumber(const std::string& kind) {
  return rule_versions_.NewestNumber(kind);
}

}  // namespace voc::triage
