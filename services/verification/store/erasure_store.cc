#include "services/verification/store/erasure_store.h"

#include <algorithm>

#include "common/erasure/erased_text.h"
#include "common/erasure/privacy_service.h"
#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "services/verification/store/verification_store.h"

namespace voc::verification {
namespace {

constexpr std::size_t kIdsPerStatement = 200;

// Runs `sql_head` + " WHERE " + `match` for the customer and each chunk of
// feedback ids: `match` uses :c for the customer id (first) and {ids} for
// the chunk's IN list (each occurrence gets its own bound copy, as both
// backends bind by position). Returns the rows changed.
long long UpdateMatching(soci::session& s, const std::string& sql_head, const std::string& match,
                         const std::string& customer_id, const std::vector<std::string>& feedback_ids) {
  long long changed = 0;
  std::size_t begin = 0;
  do {
    const std::size_t n = std::min(kIdsPerStatement, feedback_ids.size() - begin);
    std::string where = match;
    int lists = 0;
    for (std::size_t at = where.find("{ids}"); at != std::string::npos; at = where.find("{ids}")) {
      const std::string in = n == 0 ? "('')" : storage::Placeholders("p" + std::to_string(lists) + "_", n);
      where.replace(at, 5, in);
      ++lists;
    }
    soci::statement st(s);
    st.exchange(soci::use(customer_id));
    for (int list = 0; list < lists; ++list) {
      for (std::size_t i = 0; i < n; ++i) st.exchange(soci::use(feedback_ids[begin + i]));
    }
    st.alloc();
    st.prepare(sql_head + " WHERE " + where);
    st.define_and_bind();
    st.execute(true);
    changed += st.get_affected_rows();
    begin += n;
  } while (begin < feedback_ids.size());
  return changed;
}

}  // namespace

absl::StatusOr<VerificationErasure> ErasureStore::EraseCustomer(const std::string& customer_id,
                                                                const std::vector<std::string>& feedback_ids,
                                                                const std::vector<std::string>& case_ids) {
  return storage::Guarded("erasing a customer's re-surveys", [&] {
    return db_.InTransaction([&](soci::session& s) {
      VerificationErasure out;
      // Each condition names the customer first (:c), then the ids; only
      // rows with something left to erase match, so a re-run changes none.
      out.resurveys = UpdateMatching(
          s, "UPDATE verification_resurveys SET customer_id = ''",
          "customer_id <> '' AND (customer_id = :c OR original_feedback_id IN {ids} OR new_feedback_id IN {ids})",
          customer_id, feedback_ids);
      out.detractor_originals = UpdateMatching(
          s, "UPDATE verification_detractor_originals SET customer_id = '', contact_email = ''",
          "(customer_id <> '' OR contact_email <> '') AND (customer_id = :c OR feedback_id IN {ids})", customer_id,
          feedback_ids);
      out.awaiting_originals = UpdateMatching(
          s, "UPDATE verification_awaiting_originals SET customer_id = ''",
          "customer_id <> '' AND (customer_id = :c OR feedback_id IN {ids})", customer_id, feedback_ids);
      for (const std::string& case_id : case_ids) {
        const std::string source = "cases/" + case_id;
        std::string title, topic, resolution, evidence;
        soci::indicator found = soci::i_null;
        s << "SELECT title, topic, resolution, evidence FROM verification_knowledge WHERE source = :s",
            soci::use(source), soci::into(title, found), soci::into(topic), soci::into(resolution),
            soci::into(evidence);
        if (!s.got_data()) continue;
        const std::string erased_title = erasure::ReplaceToken(title, customer_id, "[erased]");
        const std::string erased = erasure::kErasedText;
        if (erased_title == title && resolution == erased && evidence == erased) continue;
        const std::string search = FoldCase(erased_title + "\n" + topic + "\n" + erased + "\n" + erased);
        s << "UPDATE verification_knowledge SET title = :t, resolution = :r, evidence = :e, search_text = :x"
             " WHERE source = :s",
            soci::use(erased_title), soci::use(erased), soci::use(erased), soci::use(search), soci::use(source);
        ++out.knowledge_entries;
      }
      return out;
    });
  });
}

}  // namespace voc::verification
