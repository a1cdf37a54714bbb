#include "services/triage/store/erasure_store.h"

#include "services/triage/store/red_line_marks_store.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "common/auth/authenticator.h"
#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "services/triage/store/triage_store.h"

namespace voc::triage {
namespace {

constexpr char kKeptAttribute[] = "resurvey_token";
constexpr std::size_t kIdsPerStatement = 200;

template <typename Repeated>
bool ClearEvidence(Repeated& topics) {
  bool changed = false;
  for (auto& topic : topics) {
    changed |= topic.evidence_size() > 0;
    topic.clear_evidence();
  }
  return changed;
}

template <typename Repeated>
bool ClearMatched(Repeated& hits) {
  bool changed = false;
  for (auto& hit : hits) {
    changed |= !hit.matched().empty();
    hit.clear_matched();
  }
  return changed;
}

}  // namespace

bool EraseTriagedFeedback(voc::v1::TriagedFeedback& triaged) {
  bool changed = false;
  auto& f = *triaged.mutable_feedback();
  changed |= !f.text().empty();
  f.clear_text();
  if (f.has_customer()) {
    auto& c = *f.mutable_customer();
    changed |= !c.id().empty() || !c.value_tier().empty() || !c.account_manager().empty();
    c.clear_id();
    c.clear_value_tier();
    c.clear_account_manager();
  }
  if (!f.external_id().empty() && f.external_id().rfind("sha256:", 0) != 0) {
    f.set_external_id("sha256:" + auth::Sha256Hex(f.external_id()));
    changed = true;
  }
  for (auto it = f.mutable_attributes()->begin(); it != f.mutable_attributes()->end();) {
    if (it->first == kKeptAttribute) {
      ++it;
      continue;
    }
    it = f.mutable_attributes()->erase(it);
    changed = true;
  }
  auto& r = *triaged.mutable_result();
  changed |= r.evidence_size() > 0;
  r.clear_evidence();
  changed |= ClearEvidence(*r.mutable_topics());
  changed |= ClearEvidence(*r.mutable_topic_mentions());
  changed |= ClearMatched(*r.mutable_red_lines());
  changed |= ClearMatched(*r.mutable_red_line_watch());
  return changed;
}

absl::StatusOr<TriageErasure> ErasureStore::EraseFeedback(const std::vector<std::string>& feedback_ids) {
  return storage::Guarded("erasing a customer's triage results", [&] {
    return db_.InTransaction([&](soci::session& s) {
      TriageErasure out;
      google::protobuf::util::JsonPrintOptions print;
      print.preserve_proto_field_names = true;
      for (std::size_t begin = 0; begin < feedback_ids.size(); begin += kIdsPerStatement) {
        const std::size_t n = std::min(kIdsPerStatement, feedback_ids.size() - begin);
        struct Row {
          std::string id, customer_id, normalized_text, json, terms;
        };
        std::vector<Row> rows;
        {
          soci::details::prepare_temp_type query =
              (s.prepare << "SELECT feedback_id, customer_id, normalized_text, triaged_json, drill_terms"
                            " FROM triage_results WHERE feedback_id IN " + storage::Placeholders("p", n));
          for (std::size_t i = 0; i < n; ++i) query, soci::use(feedback_ids[begin + i]);
          soci::rowset<soci::row> found(query);
          for (const auto& r : found) {
            rows.push_back({r.get<std::string>(0), storage::AsString(r, 1), storage::AsString(r, 2),
                            storage::AsString(r, 3), storage::AsString(r, 4)});
          }
        }
        for (Row& row : rows) {
          voc::v1::TriagedFeedback triaged;
          bool changed = !row.customer_id.empty() || !row.normalized_text.empty() || !row.terms.empty();
          if (google::protobuf::util::JsonStringToMessage(row.json, &triaged).ok()) {
            changed |= EraseTriagedFeedback(triaged);
          } else {
            // Unreadable: nothing of it may survive; the columns say enough.
            triaged.Clear();
            triaged.mutable_result()->set_feedback_id(row.id);
            changed = true;
          }
          if (!changed) continue;
          std::string json;
          (void)google::protobuf::util::MessageToJsonString(triaged, &json, print);
          // drill_terms '' (not NULL): the backfill fills only NULL rows,
          // so the terms are never computed again.
          s << "UPDATE triage_results SET customer_id = '', normalized_text = '', drill_terms = '',"
               " triaged_json = :j WHERE feedback_id = :id",
              soci::use(json), soci::use(row.id);
          ++out.results;
        }
        std::vector<std::string> members;
        {
          soci::details::prepare_temp_type query =
              (s.prepare << "SELECT feedback_id FROM cluster_members WHERE text <> '' AND feedback_id IN " +
                                storage::Placeholders("p", n));
          for (std::size_t i = 0; i < n; ++i) query, soci::use(feedback_ids[begin + i]);
          soci::rowset<std::string> found(query);
          for (const auto& id : found) members.push_back(id);
        }
        for (const std::string& id : members) {
          s << "UPDATE cluster_members SET text = '' WHERE feedback_id = :id", soci::use(id);
          ++out.cluster_texts;
        }
        // Issue 10 item 4: a red-line mark's reason may quote the customer;
        // the verdict stays (the term report stays true).
        for (std::size_t i = 0; i < n; ++i) EraseRedLineMarkReason(s, feedback_ids[begin + i]);
      }
      if (out.cluster_texts > 0) {
        // Every replica's index reloads before it shows a cluster again.
        const std::string counter = kErasureEpochCounter;
        s << "INSERT INTO triage_counters (name, value) VALUES (:n, 1)"
             " ON CONFLICT (name) DO UPDATE SET value = triage_counters.value + 1",
            soci::use(counter);
      }
      return out;
    });
  });
}

}  // namespace voc::triage
