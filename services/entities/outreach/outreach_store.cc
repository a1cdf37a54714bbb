#include "services/entities/outreach/outreach_store.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "common/util/time.h"

namespace voc::entities::outreach {
namespace {

constexpr std::size_t kKeysPerSelect = 200;

std::string ToJson(const google::protobuf::Message& m) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &json, options);
  return json;
}

template <typename M>
M FromJson(const std::string& json) {
  M m;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(json, &m, options).ok()) {
    throw soci::soci_error("stored outreach JSON cannot be read back");
  }
  return m;
}

void AppendEvent(soci::session& s, const std::string& id, const EventRow& e) {
  long long seq = 0;
  soci::indicator ind = soci::i_ok;
  s << "SELECT MAX(seq) FROM outreach_campaign_events WHERE campaign_id = :id", soci::into(seq, ind), soci::use(id);
  if (ind == soci::i_null) seq = 0;
  ++seq;
  const int from = static_cast<int>(e.from), to = static_cast<int>(e.to);
  const long long at = e.at_ms;
  storage::Exec(s,
                "INSERT INTO outreach_campaign_events (campaign_id, seq, action, actor, from_state, to_state, note, "
                "at_ms) VALUES (:c, :s, :a, :b, :f, :t, :n, :m)",
                soci::use(id), soci::use(seq), soci::use(e.action), soci::use(e.actor), soci::use(from), soci::use(to),
                soci::use(e.note), soci::use(at));
}

}  // namespace

absl::StatusOr<std::int64_t> OutreachStore::NextId(const std::string& kind) {
  return storage::Guarded("numbering an outreach " + kind, [&] {
    return db_.InTransaction([&](soci::session& s) -> std::int64_t {
      long long last = 0;
      soci::indicator ind = soci::i_ok;
      const char* lock = db_.backend() == storage::Backend::kPostgres ? " FOR UPDATE" : "";
      s << std::string("SELECT last_id FROM outreach_ids WHERE kind = :k") + lock, soci::into(last, ind),
          soci::use(kind);
      if (!s.got_data() || ind == soci::i_null) {
        storage::Exec(s, "INSERT INTO outreach_ids (kind, last_id) VALUES (:k, 0) ON CONFLICT (kind) DO NOTHING",
                      soci::use(kind));
        last = 0;
      }
      storage::Exec(s, "UPDATE outreach_ids SET last_id = last_id + 1 WHERE kind = :k", soci::use(kind));
      s << "SELECT last_id FROM outreach_ids WHERE kind = :k", soci::into(last), soci::use(kind);
      return static_cast<std::int64_t>(last);
    });
  });
}

absl::Status OutreachStore::InsertSegment(const v1::Segment& segment) {
  return storage::Guarded("storing a segment", [&] {
    db_.InTransaction([&](soci::session& s) {
      const std::string query = ToJson(segment.query());
      const long long size = segment.size_at_creation();
      const long long created = ProtoToMillis(segment.create_time());
      storage::Exec(s,
                    "INSERT INTO outreach_segments (id, display_name, query_json, size_at_creation, created_by, "
                    "created_ms) VALUES (:i, :d, :q, :s, :b, :c)",
                    soci::use(segment.id()), soci::use(segment.display_name()), soci::use(query), soci::use(size),
                    soci::use(segment.created_by()), soci::use(created));
    });
  });
}

absl::StatusOr<std::optional<v1::Segment>> OutreachStore::FindSegment(const std::string& id) {
  return storage::Guarded("reading a segment", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::optional<v1::Segment> found;
      storage::ForEachRow(s,
                          "SELECT display_name, query_json, size_at_creation, created_by, created_ms "
                          "FROM outreach_segments WHERE id = :i",
                          {id}, [&](const soci::row& r) {
                            v1::Segment seg;
                            seg.set_id(id);
                            seg.set_display_name(storage::AsString(r, 0));
                            *seg.mutable_query() = FromJson<v1::SegmentQuery>(storage::AsString(r, 1));
                            seg.set_size_at_creation(storage::AsInt(r, 2));
                            seg.set_created_by(storage::AsString(r, 3));
                            *seg.mutable_create_time() = MillisToProto(storage::AsInt(r, 4));
                            found = std::move(seg);
                          });
      return found;
    });
  });
}

absl::Status OutreachStore::InsertCampaign(const v1::Campaign& campaign, const EventRow& created) {
  return storage::Guarded("storing a campaign", [&] {
    db_.InTransaction([&](soci::session& s) {
      v1::Campaign definition = campaign;
      definition.clear_state();
      definition.clear_events();
      definition.clear_counts();
      const std::string json = ToJson(definition);
      const int state = static_cast<int>(created.to);
      const long long start = ProtoToMillis(campaign.start_time());
      const long long zero = 0, at = created.at_ms;
      storage::Exec(s,
                    "INSERT INTO outreach_campaigns (id, department, definition_json, state, start_ms, "
                    "deferred_quiet, created_ms, updated_ms) VALUES (:i, :d, :j, :s, :t, :z, :c, :u)",
                    soci::use(campaign.id()), soci::use(campaign.department()), soci::use(json), soci::use(state),
                    soci::use(start), soci::use(zero), soci::use(at), soci::use(at));
      AppendEvent(s, campaign.id(), created);
    });
  });
}

absl::StatusOr<std::optional<v1::Campaign>> OutreachStore::FindCampaign(const std::string& id) {
  return storage::Guarded("reading a campaign", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::optional<v1::Campaign> found;
      storage::ForEachRow(s, "SELECT definition_json, state, deferred_quiet FROM outreach_campaigns WHERE id = :i",
                          {id}, [&](const soci::row& r) {
                            v1::Campaign c = FromJson<v1::Campaign>(storage::AsString(r, 0));
                            c.set_state(static_cast<v1::CampaignState>(storage::AsInt(r, 1)));
                            c.mutable_counts()->set_deferred_quiet_hours(storage::AsInt(r, 2));
                            found = std::move(c);
                          });
      if (!found) return found;
      storage::ForEachRow(s,
                          "SELECT action, actor, from_state, to_state, note, at_ms FROM outreach_campaign_events "
                          "WHERE campaign_id = :i ORDER BY seq",
                          {id}, [&](const soci::row& r) {
                            v1::CampaignEvent* e = found->add_events();
                            e->set_action(storage::AsString(r, 0));
                            e->set_actor(storage::AsString(r, 1));
                            e->set_from_state(static_cast<v1::CampaignState>(storage::AsInt(r, 2)));
                            e->set_to_state(static_cast<v1::CampaignState>(storage::AsInt(r, 3)));
                            e->set_note(storage::AsString(r, 4));
                            *e->mutable_time() = MillisToProto(storage::AsInt(r, 5));
                          });
      storage::ForEachRow(s,
                          "SELECT decision, COUNT(*) FROM outreach_sends WHERE campaign_id = :i GROUP BY decision",
                          {id}, [&](const soci::row& r) {
                            const std::string decision = storage::AsString(r, 0);
                            const std::int64_t n = storage::AsInt(r, 1);
                            v1::SendCounts* counts = found->mutable_counts();
                            if (decision == "sent") {
                              counts->set_sent(n);
                            } else if (decision == "held_out") {
                              counts->set_held_out(n);
                            } else {
                              (*counts->mutable_suppressed())[decision] = n;
                            }
                          });
      return found;
    });
  });
}

absl::StatusOr<std::vector<std::string>> OutreachStore::ListCampaignIds(const std::string& department) {
  return storage::Guarded("listing campaigns", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<std::string> ids;
      const auto on_row = [&](const soci::row& r) { ids.push_back(storage::AsString(r, 0)); };
      if (department.empty()) {
        storage::ForEachRow(s, "SELECT id FROM outreach_campaigns ORDER BY created_ms, id", {}, on_row);
      } else {
        storage::ForEachRow(s, "SELECT id FROM outreach_campaigns WHERE department = :d ORDER BY created_ms, id",
                            {department}, on_row);
      }
      return ids;
    });
  });
}

absl::StatusOr<std::vector<std::string>> OutreachStore::DueCampaignIds(std::int64_t now_ms,
                                                                       std::int64_t rerun_before_ms) {
  return storage::Guarded("finding due campaigns", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<std::string> ids;
      storage::ForEachRow(s,
                          "SELECT id FROM outreach_campaigns WHERE (state = :a AND start_ms <= :n) OR "
                          "(state = :s AND updated_ms <= :r) ORDER BY start_ms, id",
                          {std::to_string(v1::CAMPAIGN_STATE_APPROVED), std::to_string(now_ms),
                           std::to_string(v1::CAMPAIGN_STATE_SENDING), std::to_string(rerun_before_ms)},
                          [&](const soci::row& r) { ids.push_back(storage::AsString(r, 0)); });
      return ids;
    });
  });
}

absl::StatusOr<bool> OutreachStore::Transition(const std::string& id, const EventRow& event) {
  return storage::Guarded("changing a campaign's state", [&] {
    return db_.InTransaction([&](soci::session& s) {
      const int from = static_cast<int>(event.from), to = static_cast<int>(event.to);
      const long long at = event.at_ms;
      const long long changed = storage::Exec(
          s, "UPDATE outreach_campaigns SET state = :t, updated_ms = :u WHERE id = :i AND state = :f", soci::use(to),
          soci::use(at), soci::use(id), soci::use(from));
      if (changed == 0) return false;
      AppendEvent(s, id, event);
      return true;
    });
  });
}

absl::Status OutreachStore::SetDeferred(const std::string& id, std::int64_t deferred, std::int64_t now_ms) {
  return storage::Guarded("counting deferred sends", [&] {
    db_.InTransaction([&](soci::session& s) {
      const long long n = deferred, at = now_ms;
      storage::Exec(s, "UPDATE outreach_campaigns SET deferred_quiet = :n, updated_ms = :u WHERE id = :i",
                    soci::use(n), soci::use(at), soci::use(id));
    });
  });
}

absl::StatusOr<std::set<std::string>> OutreachStore::DecidedCustomers(const std::string& campaign_id) {
  return storage::Guarded("reading a campaign's decisions", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::set<std::string> out;
      storage::ForEachRow(s, "SELECT customer_id FROM outreach_sends WHERE campaign_id = :c", {campaign_id},
                          [&](const soci::row& r) { out.insert(storage::AsString(r, 0)); });
      return out;
    });
  });
}

absl::StatusOr<std::map<std::string, std::vector<std::int64_t>>> OutreachStore::SentTimes(
    const std::vector<std::string>& customers, std::int64_t since_ms) {
  return storage::Guarded("reading customers' recent messages", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::map<std::string, std::vector<std::int64_t>> out;
      for (std::size_t begin = 0; begin < customers.size(); begin += kKeysPerSelect) {
        const std::size_t n = std::min(kKeysPerSelect, customers.size() - begin);
        std::vector<std::string> params{std::to_string(since_ms)};
        params.insert(params.end(), customers.begin() + static_cast<long>(begin),
                      customers.begin() + static_cast<long>(begin + n));
        storage::ForEachRow(s,
                            "SELECT customer_id, decided_ms FROM outreach_sends WHERE decision = 'sent' AND "
                            "decided_ms > :since AND customer_id IN " +
                                storage::Placeholders("k", n),
                            params, [&](const soci::row& r) {
                              out[storage::AsString(r, 0)].push_back(storage::AsInt(r, 1));
                            });
      }
      return out;
    });
  });
}

absl::StatusOr<std::int64_t> OutreachStore::RecordDecisions(const std::vector<SendRow>& rows) {
  return storage::Guarded("recording outreach decisions", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::int64_t added = 0;
      for (const SendRow& r : rows) {
        const long long decided = r.decided_ms, published = r.published_ms;
        added += storage::Exec(s,
                               "INSERT INTO outreach_sends (campaign_id, customer_id, decision, channel, language, "
                               "address, decided_ms, decided_by, published_ms) VALUES (:c, :u, :d, :h, :l, :a, :t, "
                               ":b, :p) ON CONFLICT (campaign_id, customer_id) DO NOTHING",
                               soci::use(r.campaign_id), soci::use(r.customer_id), soci::use(r.decision),
                               soci::use(r.channel), soci::use(r.language), soci::use(r.address), soci::use(decided),
                               soci::use(r.decided_by), soci::use(published));
      }
      return added;
    });
  });
}

absl::StatusOr<std::vector<SendRow>> OutreachStore::Unpublished(int limit) {
  return storage::Guarded("reading unpublished outreach messages", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<SendRow> out;
      storage::ForEachRow(s,
                          "SELECT campaign_id, customer_id, channel, language, address, decided_ms, decided_by "
                          "FROM outreach_sends WHERE published_ms = 0 AND decision = 'sent' "
                          "ORDER BY decided_ms, campaign_id, customer_id LIMIT " +
                              std::to_string(std::max(1, limit)),
                          {}, [&](const soci::row& r) {
                            SendRow row;
                            row.campaign_id = storage::AsString(r, 0);
                            row.customer_id = storage::AsString(r, 1);
                            row.decision = "sent";
                            row.channel = storage::AsString(r, 2);
                            row.language = storage::AsString(r, 3);
                            row.address = storage::AsString(r, 4);
                            row.decided_ms = storage::AsInt(r, 5);
                            row.decided_by = storage::AsString(r, 6);
                            out.push_back(std::move(row));
                          });
      return out;
    });
  });
}

absl::Status OutreachStore::MarkPublished(const std::vector<SendRow>& rows, std::int64_t now_ms) {
  return storage::Guarded("marking outreach messages published", [&] {
    db_.InTransaction([&](soci::session& s) {
      const long long at = std::max<std::int64_t>(1, now_ms);
      for (const SendRow& r : rows) {
        storage::Exec(s,
                      "UPDATE outreach_sends SET published_ms = :p WHERE campaign_id = :c AND customer_id = :u",
                      soci::use(at), soci::use(r.campaign_id), soci::use(r.customer_id));
      }
    });
  });
}

absl::StatusOr<std::vector<std::string>> OutreachStore::CustomersWithDecision(const std::string& campaign_id,
                                                                               const std::string& decision) {
  return storage::Guarded("reading a campaign's groups", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<std::string> out;
      storage::ForEachRow(s,
                          "SELECT customer_id FROM outreach_sends WHERE campaign_id = :c AND decision = :d "
                          "ORDER BY customer_id",
                          {campaign_id, decision}, [&](const soci::row& r) { out.push_back(storage::AsString(r, 0)); });
      return out;
    });
  });
}

absl::StatusOr<std::int64_t> OutreachStore::FirstDecisionMs(const std::string& campaign_id) {
  return storage::Guarded("reading a campaign's first decision", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::int64_t first = 0;
      storage::ForEachRow(s, "SELECT MIN(decided_ms) FROM outreach_sends WHERE campaign_id = :c", {campaign_id},
                          [&](const soci::row& r) { first = storage::AsInt(r, 0); });
      return first;
    });
  });
}

absl::Status OutreachStore::SaveEffect(const v1::CampaignEffect& effect, std::int64_t now_ms) {
  return storage::Guarded("storing a campaign's effect", [&] {
    db_.InTransaction([&](soci::session& s) {
      const std::string json = ToJson(effect);
      const long long at = now_ms;
      storage::Exec(s,
                    "INSERT INTO outreach_effects (campaign_id, effect_json, computed_ms) VALUES (:c, :j, :t) "
                    "ON CONFLICT (campaign_id) DO NOTHING",
                    soci::use(effect.campaign_id()), soci::use(json), soci::use(at));
    });
  });
}

absl::StatusOr<std::optional<v1::CampaignEffect>> OutreachStore::FindEffect(const std::string& campaign_id) {
  return storage::Guarded("reading a campaign's effect", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::optional<v1::CampaignEffect> found;
      storage::ForEachRow(s, "SELECT effect_json FROM outreach_effects WHERE campaign_id = :c", {campaign_id},
                          [&](const soci::row& r) { found = FromJson<v1::CampaignEffect>(storage::AsString(r, 0)); });
      return found;
    });
  });
}

absl::StatusOr<std::vector<std::string>> OutreachStore::CampaignsAwaitingEffect() {
  return storage::Guarded("finding campaigns awaiting their effect", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<std::string> ids;
      storage::ForEachRow(s,
                          "SELECT id FROM outreach_campaigns c WHERE (state = :s OR state = :t) AND NOT EXISTS "
                          "(SELECT 1 FROM outreach_effects e WHERE e.campaign_id = c.id) ORDER BY start_ms, id",
                          {std::to_string(v1::CAMPAIGN_STATE_SENDING), std::to_string(v1::CAMPAIGN_STATE_SENT)},
                          [&](const soci::row& r) { ids.push_back(storage::AsString(r, 0)); });
      return ids;
    });
  });
}

absl::StatusOr<std::vector<v1::CampaignEffect>> OutreachStore::UnpublishedEffects(int limit) {
  return storage::Guarded("reading unpublished campaign verdicts", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<v1::CampaignEffect> out;
      storage::ForEachRow(s,
                          "SELECT effect_json FROM outreach_effects WHERE published_ms = 0 "
                          "ORDER BY computed_ms, campaign_id LIMIT " +
                              std::to_string(std::max(1, limit)),
                          {}, [&](const soci::row& r) { out.push_back(FromJson<v1::CampaignEffect>(storage::AsString(r, 0))); });
      return out;
    });
  });
}

absl::Status OutreachStore::MarkEffectsPublished(const std::vector<std::string>& campaign_ids, std::int64_t now_ms) {
  return storage::Guarded("marking campaign verdicts published", [&] {
    db_.InTransaction([&](soci::session& s) {
      const long long at = std::max<std::int64_t>(1, now_ms);
      for (const std::string& id : campaign_ids) {
        storage::Exec(s, "UPDATE outreach_effects SET published_ms = :p WHERE campaign_id = :c", soci::use(at),
                      soci::use(id));
      }
    });
  });
}

}  // namespace voc::entities::outreach
