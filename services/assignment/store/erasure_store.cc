#include "services/assignment/store/erasure_store.h"

#include <algorithm>

#include "common/erasure/erased_text.h"
#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "services/assignment/routing/router.h"

namespace voc::assignment {
namespace {

constexpr char kErased[] = "[erased]";
constexpr std::size_t kIdsPerStatement = 200;

std::string Placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? ", :p" : ":p") + std::to_string(i);
  return out;
}

}  // namespace

std::string ErasedDecisionReason(const std::string& reason, const std::string& customer_id) {
  std::string out = reason;
  const std::string open = kRedLineReasonOpen, close = kRedLineReasonClose;
  if (const auto at = out.find(open); at != std::string::npos) {
    const auto from = at + open.size();
    const auto end = out.find(close, from);
    out.replace(from, end == std::string::npos ? std::string::npos : end - from, kErased);
  }
  return erasure::ReplaceToken(out, customer_id, kErased);
}

absl::StatusOr<std::int64_t> ErasureStore::EraseFeedback(const std::string& customer_id,
                                                         const std::vector<std::string>& feedback_ids) {
  return storage::Guarded("erasing a customer's routing decisions", [&] {
    return db_.InTransaction([&](soci::session& s) {
      struct Decision {
        std::string feedback_id, kind, reason, title;
      };
      std::vector<Decision> decisions;
      for (std::size_t begin = 0; begin < feedback_ids.size(); begin += kIdsPerStatement) {
        const std::size_t n = std::min(kIdsPerStatement, feedback_ids.size() - begin);
        soci::details::prepare_temp_type query =
            (s.prepare << "SELECT feedback_id, kind, reason, title FROM assignment_decisions WHERE feedback_id IN (" +
                              Placeholders(n) + ")");
        for (std::size_t i = 0; i < n; ++i) query, soci::use(feedback_ids[begin + i]);
        soci::rowset<soci::row> rows(query);
        for (const auto& r : rows) {
          decisions.push_back({r.get<std::string>(0), r.get<std::string>(1), storage::AsString(r, 2),
                               storage::AsString(r, 3)});
        }
      }
      std::int64_t erased = 0;
      for (const Decision& d : decisions) {
        const std::string reason = ErasedDecisionReason(d.reason, customer_id);
        // The stored case title ("Call back detractor <customer id> ...").
        const std::string title = erasure::ReplaceToken(d.title, customer_id, kErased);
        if (reason == d.reason && title == d.title) continue;
        s << "UPDATE assignment_decisions SET reason = :r, title = :t WHERE feedback_id = :f AND kind = :k",
            soci::use(reason), soci::use(title), soci::use(d.feedback_id), soci::use(d.kind);
        ++erased;
      }
      return erased;
    });
  });
}

}  // namespace voc::assignment
