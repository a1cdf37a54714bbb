#include "services/tracking/store/erasure_store.h"

#include "services/tracking/store/red_line_mark_store.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "common/erasure/erased_text.h"
#include "common/erasure/privacy_service.h"
#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "services/tracking/store/case_explanation.h"
#include "services/tracking/store/outbox_hex.h"

namespace voc::tracking {
namespace {

using erasure::kErasedText;
constexpr char kErasedId[] = "[erased]";
constexpr std::size_t kIdsPerStatement = 200;

std::string Placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? ", :p" : ":p") + std::to_string(i);
  return out;
}

// Not-empty free text -> kErasedText (empty stays empty: nothing was written).
std::string Erased(const std::string& text) { return text.empty() ? text : std::string(kErasedText); }

}  // namespace

std::string ErasedHistoryDetail(const std::string& action, const std::string& detail,
                                const std::string& customer_id) {
  std::string out = detail;
  if (action == "resolved") {
    out = Erased(detail);
  } else if (action == "callback_logged" || action == "resumed" || action == "reassigned" ||
             action == "priority_changed" || action == "red_line_marked") {
    // "<what happened>: <what the person wrote>" (tracking_service.cc).
    if (detail.find(": ") != std::string::npos) out = erasure::EraseFreeTextAfterColon(detail, kErasedText);
  }
  return erasure::ReplaceToken(out, customer_id, kErasedId);
}

bool EraseCase(voc::v1::Case& c, const std::string& customer_id) {
  bool changed = false;
  auto set = [&changed](std::string* field, std::string value) {
    if (*field != value) {
      *field = std::move(value);
      changed = true;
    }
  };
  set(c.mutable_customer_id(), "");
  set(c.mutable_summary(), Erased(c.summary()));
  set(c.mutable_title(), erasure::ReplaceToken(c.title(), customer_id, kErasedId));
  set(c.mutable_resolution_note(), Erased(c.resolution_note()));
  for (auto& callback : *c.mutable_callbacks()) set(callback.mutable_note(), Erased(callback.note()));
  for (auto& h : *c.mutable_history()) set(h.mutable_detail(), ErasedHistoryDetail(h.action(), h.detail(), customer_id));
  if (c.has_explanation() && EraseExplanation(*c.mutable_explanation(), customer_id, kErasedId)) changed = true;
  // Issue 10: a red-line mark's reason may quote the customer; the verdict stays.
  if (c.has_red_line_mark()) set(c.mutable_red_line_mark()->mutable_reason(), Erased(c.red_line_mark().reason()));
  return changed;
}

absl::StatusOr<TrackingErasure> CaseErasureStore::EraseCustomer(const std::string& customer_id,
                                                                const std::vector<std::string>& feedback_ids) {
  return storage::Guarded("erasing a customer's cases", [&] {
    return db_.InTransaction([&](soci::session& s) {
      TrackingErasure out;
      struct CaseRow {
        std::string id, customer_id, title, summary, resolution_note, explanation;
      };
      std::vector<CaseRow> cases;
      for (std::size_t begin = 0; begin < feedback_ids.size(); begin += kIdsPerStatement) {
        const std::size_t n = std::min(kIdsPerStatement, feedback_ids.size() - begin);
        soci::details::prepare_temp_type query =
            (s.prepare << "SELECT id, customer_id, title, summary, resolution_note, explanation FROM cases"
                              " WHERE feedback_id IN (" +
                              Placeholders(n) + ") ORDER BY id");
        for (std::size_t i = 0; i < n; ++i) query, soci::use(feedback_ids[begin + i]);
        soci::rowset<soci::row> rows(query);
        for (const auto& r : rows) {
          cases.push_back({r.get<std::string>(0), storage::AsString(r, 1), storage::AsString(r, 2),
                           storage::AsString(r, 3), storage::AsString(r, 4), storage::AsString(r, 5)});
        }
      }
      std::unordered_set<std::string> case_ids;
      for (const CaseRow& c : cases) {
        out.case_ids.push_back(c.id);
        case_ids.insert(c.id);
        const std::string title = erasure::ReplaceToken(c.title, customer_id, kErasedId);
        const std::string summary = Erased(c.summary);
        const std::string note = Erased(c.resolution_note);
        // Issue 12: the evidence words in the explanation are the customer's.
        v1::CaseExplanation explanation = ExplanationFromColumn(c.explanation);
        const std::string why = EraseExplanation(explanation, customer_id, kErasedId)
                                    ? ExplanationColumn(explanation)
                                    : c.explanation;
        if (!c.customer_id.empty() || title != c.title || summary != c.summary || note != c.resolution_note ||
            why != c.explanation) {
          s << "UPDATE cases SET customer_id = '', title = :t, summary = :s, resolution_note = :n,"
               " explanation = :e WHERE id = :id",
              soci::use(title), soci::use(summary), soci::use(note), soci::use(why), soci::use(c.id);
          ++out.cases;
        }
        struct Note {
          long long seq;
          std::string note;
        };
        std::vector<Note> notes;
        {
          soci::rowset<soci::row> rows =
              (s.prepare << "SELECT seq, note FROM case_callbacks WHERE case_id = :c", soci::use(c.id));
          for (const auto& r : rows) notes.push_back({storage::AsInt(r, 0), storage::AsString(r, 1)});
        }
        for (const Note& n : notes) {
          const std::string erased = Erased(n.note);
          if (erased == n.note) continue;
          s << "UPDATE case_callbacks SET note = :n WHERE case_id = :c AND seq = :s", soci::use(erased),
              soci::use(c.id), soci::use(n.seq);
          ++out.callback_notes;
        }
        struct Entry {
          long long seq;
          std::string action, detail;
        };
        std::vector<Entry> history;
        {
          soci::rowset<soci::row> rows =
              (s.prepare << "SELECT seq, action, detail FROM case_history WHERE case_id = :c", soci::use(c.id));
          for (const auto& r : rows) {
            history.push_back({storage::AsInt(r, 0), storage::AsString(r, 1), storage::AsString(r, 2)});
          }
        }
        EraseRedLineMarkReason(s, c.id);  // issue 10
        for (const Entry& h : history) {
          const std::string erased = ErasedHistoryDetail(h.action, h.detail, customer_id);
          if (erased == h.detail) continue;
          s << "UPDATE case_history SET detail = :d WHERE case_id = :c AND seq = :s", soci::use(erased),
              soci::use(c.id), soci::use(h.seq);
          ++out.history_entries;
        }
      }
      if (case_ids.empty()) return out;
      // The outbox holds whole case snapshots (case_resolved, ...), published
      // or not: rewrite those of these cases. It cannot be searched by case,
      // so every case event is read; erasure is rare.
      struct Event {
        std::string id, payload_hex;
      };
      std::vector<Event> events;
      {
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT id, payload_hex FROM tracking_outbox WHERE event LIKE 'case%'"
                          " OR event = 'red_line_marked'");
        for (const auto& r : rows) events.push_back({r.get<std::string>(0), storage::AsString(r, 1)});
      }
      for (const Event& e : events) {
        std::string bytes;
        voc::v1::Case snapshot;
        if (!FromHex(e.payload_hex, &bytes) || !snapshot.ParseFromString(bytes)) continue;
        if (!case_ids.count(snapshot.id()) || !EraseCase(snapshot, customer_id)) continue;
        const std::string hex = ToHex(snapshot.SerializeAsString());
        s << "UPDATE tracking_outbox SET payload_hex = :p WHERE id = :id", soci::use(hex), soci::use(e.id);
        ++out.outbox_events;
      }
      return out;
    });
  });
}

}  // namespace voc::tracking
