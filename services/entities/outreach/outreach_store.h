// voc-entities' outreach tables (entities migrations 2 and 3) on SQLite or
// PostgreSQL: segments, campaigns with the audit trail of their state
// machine, one decision per (campaign, customer) - the send audit trail and
// the outbox of what goes to voc-notify - and the stored effect verdicts,
// each the outbox of its voc:outreach entry for voc-verification.
// Errors are classified like every store's (common/storage/errors.h).
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "voc/v1/outreach.pb.h"

namespace voc::entities::outreach {

struct SendRow {
  std::string campaign_id;
  std::string customer_id;
  std::string decision;  // sent | held_out | opted_out | frequency_limit | no_address
  std::string channel;
  std::string language;
  std::string address;
  std::int64_t decided_ms = 0;
  std::string decided_by;
  std::int64_t published_ms = 0;
};

struct EventRow {
  std::string action, actor, note;
  v1::CampaignState from = v1::CAMPAIGN_STATE_UNSPECIFIED, to = v1::CAMPAIGN_STATE_UNSPECIFIED;
  std::int64_t at_ms = 0;
};

class OutreachStore {
 public:
  explicit OutreachStore(storage::Database& db) : db_(db) {}

  // The next number of `kind` ("segment", "campaign"): 1, 2, ...
  absl::StatusOr<std::int64_t> NextId(const std::string& kind);

  absl::Status InsertSegment(const v1::Segment& segment);
  absl::StatusOr<std::optional<v1::Segment>> FindSegment(const std::string& id);

  // A new campaign (its definition: everything but state, events and
  // counts) with its first event.
  absl::Status InsertCampaign(const v1::Campaign& campaign, const EventRow& created);
  // The campaign with state, events and counts; nullopt when unknown.
  absl::StatusOr<std::optional<v1::Campaign>> FindCampaign(const std::string& id);
  // Ids, oldest first; `department` "" = all.
  absl::StatusOr<std::vector<std::string>> ListCampaignIds(const std::string& department);
  // Ids of campaigns APPROVED whose start has come (start_ms <= now_ms), or
  // SENDING and last run (updated_ms) at or before `rerun_before_ms`.
  absl::StatusOr<std::vector<std::string>> DueCampaignIds(std::int64_t now_ms, std::int64_t rerun_before_ms);
  // Moves the campaign from event.from to event.to and appends the event,
  // in one transaction; false (nothing written) when it is no longer in
  // event.from (a concurrent step won).
  absl::StatusOr<bool> Transition(const std::string& id, const EventRow& event);
  absl::Status SetDeferred(const std::string& id, std::int64_t deferred, std::int64_t now_ms);

  // The customers with a decision in the campaign.
  absl::StatusOr<std::set<std::string>> DecidedCustomers(const std::string& campaign_id);
  // When each of `customers` was sent a proactive message (any campaign)
  // after `since_ms`.
  absl::StatusOr<std::map<std::string, std::vector<std::int64_t>>> SentTimes(const std::vector<std::string>& customers,
                                                                             std::int64_t since_ms);
  // Stores decisions; a (campaign, customer) already decided keeps its
  // first decision (another run or replica got there first). Returns how
  // many were new.
  absl::StatusOr<std::int64_t> RecordDecisions(const std::vector<SendRow>& rows);
  // Sent decisions not yet handed to voc-notify, oldest first.
  absl::StatusOr<std::vector<SendRow>> Unpublished(int limit);
  absl::Status MarkPublished(const std::vector<SendRow>& rows, std::int64_t now_ms);
  // The customers of one decision in the campaign.
  absl::StatusOr<std::vector<std::string>> CustomersWithDecision(const std::string& campaign_id,
                                                                  const std::string& decision);
  // The first decision time in the campaign (0 when none).
  absl::StatusOr<std::int64_t> FirstDecisionMs(const std::string& campaign_id);

  absl::Status SaveEffect(const v1::CampaignEffect& effect, std::int64_t now_ms);
  absl::StatusOr<std::optional<v1::CampaignEffect>> FindEffect(const std::string& campaign_id);
  // Ids of campaigns SENDING or SENT without a stored effect, oldest start first.
  absl::StatusOr<std::vector<std::string>> CampaignsAwaitingEffect();
  // Stored effects not yet handed to voc-verification, oldest first.
  absl::StatusOr<std::vector<v1::CampaignEffect>> UnpublishedEffects(int limit);
  absl::Status MarkEffectsPublished(const std::vector<std::string>& campaign_ids, std::int64_t now_ms);

 private:
  storage::Database& db_;
};

}  // namespace voc::entities::outreach
