// Erasing one customer's personal data from ingest's `feedback` table
// (issue 9, PIPL / GDPR; voc.v1.PrivacyService, services/ingest/privacy_grpc.h).
//
// What goes, per feedback of the customer: the text, the customer's id,
// value tier and account manager, every attribute except resurvey_token (a
// random token that matches a re-survey answer; order ids, phone numbers,
// followers, app versions are the source's identifiers), and the external id,
// replaced by "sha256:<hex of it>" (the source's ticket number is an
// identifier too). What stays: the feedback id, channel, product, store,
// region, NPS, rating and times, so counts and trends stay true.
//
// The (channel, external_id) idempotency key: an erased feedback keeps its
// id (the hash of its source), so a resubmission under its old external id
// meets that row; IngestStore::InsertOrGet recognises it by the hashed
// external id (ErasedExternalId) and answers with the erased feedback as a
// duplicate, so a channel's retry does not bring the customer's text back.
//
// Each erasure is recorded in `feedback_erasures` (customer id SHA-256,
// feedback id, time; migration 3), so a second call finds the customer's
// feedback ids again (the CLI passes them on) while erasing nothing.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/storage/database.h"

namespace voc::ingest {

// Migration 3: feedback_erasures.
voc::storage::Migration ErasureMigration();

// The attribute kept through an erasure (verification matches answers by it).
inline constexpr char kKeptAttribute[] = "resurvey_token";

// How many erasures this process has committed (any ErasureStore). The relay
// feed (relay_feed.h) drops rows pushed before the count moved, so a row
// erased after its insert is published as the table holds it, erased.
std::uint64_t ErasuresCommitted();

// What an erased feedback's external id becomes: "sha256:<hex of it>".
std::string ErasedExternalId(const std::string& external_id);

struct IngestErasure {
  std::int64_t feedback_erased = 0;         // rows erased by this call
  std::vector<std::string> feedback_ids;    // every feedback id ever erased for the customer, sorted
};

class ErasureStore {
 public:
  explicit ErasureStore(voc::storage::Database& db) : db_(db) {}

  // One transaction. `customer_hash` is erasure::CustomerHash(customer_id).
  absl::StatusOr<IngestErasure> EraseCustomer(const std::string& customer_id, const std::string& customer_hash,
                                              std::int64_t now_ms);

 private:
  voc::storage::Database& db_;
};

// The attributes JSON with only the kept attribute left ("{}" when none).
std::string KeptAttributesJson(const std::string& attributes_json);

}  // namespace voc::ingest
