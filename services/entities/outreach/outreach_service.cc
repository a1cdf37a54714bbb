#include "services/entities/outreach/outreach_service.h"

#include <absl/strings/str_replace.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "common/log/log.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "services/entities/outreach/effect.h"
#include "services/entities/outreach/holdout.h"
#include "services/entities/outreach/outreach_access.h"

namespace voc::entities::outreach {
namespace {

constexpr int kScanPage = 1000;
constexpr std::size_t kDecisionBatch = 500;
constexpr char kCustomerEntity[] = "customer";

const std::set<std::string>& IssueKinds() {
  static const std::set<std::string> kKinds = {"cluster", "signal", "project", "finding"};
  return kKinds;
}

std::string StateName(v1::CampaignState s) {
  std::string name = v1::CampaignState_Name(s);
  const std::string prefix = "CAMPAIGN_STATE_";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

absl::Status NotIn(const v1::Campaign& c) {
  return absl::FailedPreconditionError("campaigns/" + c.id() + " is " + StateName(c.state()));
}

absl::Status Required(const std::string& field, const std::string& value, std::size_t most = 10000) {
  if (value.empty()) return status::InvalidArgument(field, "must not be empty");
  if (value.size() > most) return status::InvalidArgument(field, "at most " + std::to_string(most) + " bytes");
  return absl::OkStatus();
}

std::string Attribute(const std::optional<EntityRecord>& row, const std::string& name) {
  if (!row) return "";
  auto it = row->attributes.find(name);
  return it == row->attributes.end() ? "" : it->second;
}

}  // namespace

const std::vector<std::string>& OutreachChannels() {
  static const std::vector<std::string> kChannels = {"email", "sms", "app_push", "wecom"};
  return kChannels;
}

OutreachService::OutreachService(EntityStore& entities, OutreachStore& store, const SchemaHolder& schema,
                                 const Clock& clock, OutreachSettings settings, OutreachSender& sender,
                                 CustomerFeedback* feedback)
    : entities_(entities),
      store_(store),
      schema_(schema),
      clock_(clock),
      settings_(std::move(settings)),
      sender_(sender),
      feedback_(feedback) {}

absl::StatusOr<SegmentMembers> OutreachService::Members(const CompiledSegment& segment) {
  const TimePoint now = clock_.Now();
  SegmentBuilder builder(segment, now);
  std::string after;
  while (true) {
    VOC_ASSIGN_OR_RETURN(std::vector<EntityRecord> rows, entities_.ListRows(segment.entity->name, after, kScanPage));
    for (const EntityRecord& r : rows) builder.Add(r.attributes);
    if (rows.size() < static_cast<std::size_t>(kScanPage)) break;
    after = rows.back().key;
  }
  std::set<std::string> complained;
  if (!segment.not_complained_topic.empty()) {
    if (feedback_ == nullptr) {
      return absl::FailedPreconditionError("query.not_complained_topic: this voc-entities reads no feedback "
                                           "(services.ingest.address and services.triage.address not set)");
    }
    // Every member, once: who complained on the topic lately.
    std::vector<std::string> members = builder.Finish({});
    VOC_ASSIGN_OR_RETURN(auto outcomes,
                         feedback_->Outcomes(members, segment.not_complained_topic,
                                             now - std::chrono::hours(24) * segment.not_complained_days, now));
    for (const auto& [customer, outcome] : outcomes) {
      if (outcome.complained) complained.insert(customer);
    }
    SegmentMembers out;
    out.rows_matched = builder.rows_matched();
    for (std::string& m : members) {
      if (complained.count(m) > 0) {
        ++out.excluded_complained;
      } else {
        out.customers.push_back(std::move(m));
      }
    }
    return out;
  }
  SegmentMembers out;
  out.customers = builder.Finish(complained);
  out.rows_matched = builder.rows_matched();
  return out;
}

absl::StatusOr<v1::SegmentPreview> OutreachService::PreviewSegment(const auth::Principal& caller,
                                                                   const v1::PreviewSegmentRequest& request) {
  VOC_RETURN_IF_ERROR(MayReadSegments(caller));
  const int sample = request.sample_size() == 0 ? 10 : request.sample_size();
  if (sample < 1 || sample > 100) return status::InvalidArgument("sample_size", "must be in 1..100 (0: 10)");
  const std::shared_ptr<const EntitySchema> schema = schema_.Get();
  VOC_ASSIGN_OR_RETURN(CompiledSegment compiled, Compile(*schema, request.query()));
  VOC_ASSIGN_OR_RETURN(SegmentMembers members, Members(compiled));
  v1::SegmentPreview out;
  out.set_size(static_cast<std::int64_t>(members.customers.size()));
  out.set_rows_matched(members.rows_matched);
  out.set_excluded_complained(members.excluded_complained);
  for (std::size_t i = 0; i < members.customers.size() && i < static_cast<std::size_t>(sample); ++i) {
    out.add_sample(members.customers[i]);
  }
  return out;
}

absl::StatusOr<v1::Segment> OutreachService::CreateSegment(const auth::Principal& caller,
                                                           const v1::CreateSegmentRequest& request) {
  VOC_RETURN_IF_ERROR(MayCreateSegments(caller));
  VOC_RETURN_IF_ERROR(Required("display_name", request.display_name(), 200));
  const std::shared_ptr<const EntitySchema> schema = schema_.Get();
  VOC_ASSIGN_OR_RETURN(CompiledSegment compiled, Compile(*schema, request.query()));
  VOC_ASSIGN_OR_RETURN(SegmentMembers members, Members(compiled));
  VOC_ASSIGN_OR_RETURN(std::int64_t n, store_.NextId("segment"));
  v1::Segment segment;
  segment.set_id("seg-" + std::to_string(n));
  segment.set_display_name(request.display_name());
  *segment.mutable_query() = request.query();
  segment.set_size_at_creation(static_cast<std::int64_t>(members.customers.size()));
  segment.set_created_by(caller.Actor());
  *segment.mutable_create_time() = ToProto(clock_.Now());
  VOC_RETURN_IF_ERROR(store_.InsertSegment(segment));
  return segment;
}

absl::StatusOr<v1::Segment> OutreachService::GetSegment(const auth::Principal& caller, const std::string& id) {
  VOC_RETURN_IF_ERROR(MayReadSegments(caller));
  VOC_ASSIGN_OR_RETURN(std::optional<v1::Segment> found, store_.FindSegment(id));
  if (!found) return status::NotFound("segments/" + id);
  return *found;
}

absl::StatusOr<v1::Campaign> OutreachService::CreateCampaign(const auth::Principal& caller,
                                                             const v1::Campaign& given) {
  VOC_RETURN_IF_ERROR(Required("campaign.department", given.department(), 100));
  VOC_RETURN_IF_ERROR(MayCreateCampaign(caller, given.department()));
  VOC_RETURN_IF_ERROR(Required("campaign.display_name", given.display_name(), 200));
  if (IssueKinds().count(given.issue().kind()) == 0) {
    return status::InvalidArgument("campaign.issue.kind", "must be cluster, signal, project or finding");
  }
  VOC_RETURN_IF_ERROR(Required("campaign.issue.id", given.issue().id(), 200));
  VOC_RETURN_IF_ERROR(Required("campaign.issue.topic", given.issue().topic(), 200));
  VOC_RETURN_IF_ERROR(Required("campaign.message.subject_zh", given.message().subject_zh(), 200));
  VOC_RETURN_IF_ERROR(Required("campaign.message.body_zh", given.message().body_zh()));
  VOC_RETURN_IF_ERROR(Required("campaign.message.subject_en", given.message().subject_en(), 200));
  VOC_RETURN_IF_ERROR(Required("campaign.message.body_en", given.message().body_en()));
  const auto& channels = OutreachChannels();
  if (std::find(channels.begin(), channels.end(), given.channel()) == channels.end()) {
    return status::InvalidArgument("campaign.channel", "must be email, sms, app_push or wecom");
  }
  const double share = given.holdout_share() == 0 ? 0.1 : given.holdout_share();
  if (!(share > 0 && share <= 0.5)) {
    return status::InvalidArgument("campaign.holdout_share", "must be in (0, 0.5] (0: 0.1)");
  }
  const int window = given.effect_window_days() == 0 ? 14 : given.effect_window_days();
  if (window < 1 || window > 365) {
    return status::InvalidArgument("campaign.effect_window_days", "must be in 1..365 (0: 14)");
  }
  VOC_RETURN_IF_ERROR(Required("campaign.segment_id", given.segment_id(), 100));
  VOC_ASSIGN_OR_RETURN(std::optional<v1::Segment> segment, store_.FindSegment(given.segment_id()));
  if (!segment) return status::InvalidArgument("campaign.segment_id", "segments/" + given.segment_id() + " not found");

  const TimePoint now = clock_.Now();
  VOC_ASSIGN_OR_RETURN(std::int64_t n, store_.NextId("campaign"));
  v1::Campaign c = given;
  c.set_id("camp-" + std::to_string(n));
  c.set_holdout_share(share);
  c.set_effect_window_days(window);
  if (!c.has_start_time() || IsUnset(c.start_time())) *c.mutable_start_time() = ToProto(now);
  c.set_created_by(caller.Actor());
  c.set_state(v1::CAMPAIGN_STATE_DRAFT);
  EventRow created{"create", caller.Actor(), "", v1::CAMPAIGN_STATE_UNSPECIFIED, v1::CAMPAIGN_STATE_DRAFT,
                   ToMillis(now)};
  VOC_RETURN_IF_ERROR(store_.InsertCampaign(c, created));
  log::Info("outreach_campaign_created",
            {{"campaign", c.id()}, {"department", c.department()}, {"actor", caller.Actor()}});
  return Load(c.id());
}

absl::StatusOr<v1::Campaign> OutreachService::Load(const std::string& id) {
  if (id.empty()) return status::InvalidArgument("id", "must name a campaign (camp-<n>)");
  VOC_ASSIGN_OR_RETURN(std::optional<v1::Campaign> found, store_.FindCampaign(id));
  if (!found) return status::NotFound("campaigns/" + id);
  return *found;
}

absl::StatusOr<v1::Campaign> OutreachService::GetCampaign(const auth::Principal& caller, const std::string& id) {
  VOC_ASSIGN_OR_RETURN(v1::Campaign c, Load(id));
  VOC_RETURN_IF_ERROR(MayReadCampaign(caller, c.department()));
  return c;
}

absl::StatusOr<v1::ListCampaignsResponse> OutreachService::ListCampaigns(const auth::Principal& caller,
                                                                        const std::string& department) {
  VOC_ASSIGN_OR_RETURN(std::vector<std::string> ids, store_.ListCampaignIds(department));
  v1::ListCampaignsResponse out;
  for (const std::string& id : ids) {
    VOC_ASSIGN_OR_RETURN(v1::Campaign c, Load(id));
    if (MayReadCampaign(caller, c.department()).ok()) *out.add_campaigns() = std::move(c);
  }
  return out;
}

absl::StatusOr<v1::Campaign> OutreachService::Step(const auth::Principal& caller, const std::string& id,
                                                   const std::string& action, v1::CampaignState from,
                                                   v1::CampaignState to, const std::string& note) {
  VOC_ASSIGN_OR_RETURN(v1::Campaign c, Load(id));
  if (action == "approve" || action == "reject") {
    VOC_RETURN_IF_ERROR(MayApproveCampaign(caller, c.department()));
  } else {
    VOC_RETURN_IF_ERROR(MayActOnCampaign(caller, c.department(), c.created_by()));
  }
  if (note.size() > 2000) return status::InvalidArgument("note", "at most 2000 bytes");
  if (action == "cancel") {
    if (c.state() == v1::CAMPAIGN_STATE_SENT || c.state() == v1::CAMPAIGN_STATE_CANCELLED) return NotIn(c);
    from = c.state();
  } else if (c.state() != from) {
    return NotIn(c);
  }
  VOC_ASSIGN_OR_RETURN(bool moved,
                       store_.Transition(id, EventRow{action, caller.Actor(), note, from, to, ToMillis(clock_.Now())}));
  if (!moved) return absl::AbortedError("campaigns/" + id + " changed meanwhile; try again");
  log::Info("outreach_campaign_" + action, {{"campaign", id}, {"actor", caller.Actor()}});
  return Load(id);
}

absl::StatusOr<v1::Campaign> OutreachService::Submit(const auth::Principal& caller, const std::string& id,
                                                     const std::string& note) {
  return Step(caller, id, "submit", v1::CAMPAIGN_STATE_DRAFT, v1::CAMPAIGN_STATE_PENDING_APPROVAL, note);
}
absl::StatusOr<v1::Campaign> OutreachService::Approve(const auth::Principal& caller, const std::string& id,
                                                      const std::string& note) {
  return Step(caller, id, "approve", v1::CAMPAIGN_STATE_PENDING_APPROVAL, v1::CAMPAIGN_STATE_APPROVED, note);
}
absl::StatusOr<v1::Campaign> OutreachService::Reject(const auth::Principal& caller, const std::string& id,
                                                     const std::string& note) {
  return Step(caller, id, "reject", v1::CAMPAIGN_STATE_PENDING_APPROVAL, v1::CAMPAIGN_STATE_DRAFT, note);
}
absl::StatusOr<v1::Campaign> OutreachService::Cancel(const auth::Principal& caller, const std::string& id,
                                                     const std::string& note) {
  return Step(caller, id, "cancel", v1::CAMPAIGN_STATE_UNSPECIFIED, v1::CAMPAIGN_STATE_CANCELLED, note);
}

absl::StatusOr<v1::Campaign> OutreachService::Run(const auth::Principal& caller, const std::string& id) {
  VOC_ASSIGN_OR_RETURN(v1::Campaign c, Load(id));
  VOC_RETURN_IF_ERROR(MayRunCampaign(caller, c.department(), c.created_by()));
  if (c.state() != v1::CAMPAIGN_STATE_APPROVED && c.state() != v1::CAMPAIGN_STATE_SENDING) return NotIn(c);
  VOC_RETURN_IF_ERROR(RunOne(c, caller.Actor()));
  return Load(id);
}

absl::Status OutreachService::RunDue() {
  absl::Status first = absl::OkStatus();
  // A campaign still SENDING (members waiting for their quiet hours to end)
  // is scanned again only every kRerunSending: a run reads the whole segment.
  const std::int64_t now_ms = ToMillis(clock_.Now());
  VOC_ASSIGN_OR_RETURN(std::vector<std::string> due,
                       store_.DueCampaignIds(now_ms, now_ms - std::chrono::milliseconds(kRerunSending).count()));
  for (const std::string& id : due) {
    auto c = Load(id);
    absl::Status s = c.ok() ? RunOne(*c, "service:entities") : c.status();
    if (!s.ok()) {
      log::Warn("outreach_run_failed", {{"campaign", id}, {"error", std::string(s.message())}});
      if (first.ok()) first = s;
    }
  }
  auto published = PublishPending();
  if (!published.ok() && first.ok()) first = published.status();
  // Verdicts: each campaign whose effect window has passed is measured
  // once, and every stored verdict goes to voc-verification.
  auto decided = DecideDueEffects();
  if (!decided.ok() && first.ok()) first = decided.status();
  auto verdicts = PublishVerdicts();
  if (!verdicts.ok()) {
    log::Warn("outreach_verdicts_unpublished", {{"error", std::string(verdicts.status().message())}});
    if (first.ok()) first = verdicts.status();
  }
  return first;
}

absl::Status OutreachService::RunOne(const v1::Campaign& campaign, const std::string& actor) {
  std::lock_guard lock(run_mu_);
  const TimePoint now = clock_.Now();
  const std::int64_t now_ms = ToMillis(now);
  const std::string& id = campaign.id();
  if (campaign.state() == v1::CAMPAIGN_STATE_APPROVED) {
    if (ProtoToMillis(campaign.start_time()) > now_ms) return absl::OkStatus();  // not due yet
    VOC_ASSIGN_OR_RETURN(bool started,
                         store_.Transition(id, EventRow{"start", actor, "", v1::CAMPAIGN_STATE_APPROVED,
                                                        v1::CAMPAIGN_STATE_SENDING, now_ms}));
    (void)started;  // another replica may have started it: go on sending either way
  } else if (campaign.state() != v1::CAMPAIGN_STATE_SENDING) {
    return absl::OkStatus();
  }

  VOC_ASSIGN_OR_RETURN(std::optional<v1::Segment> segment, store_.FindSegment(campaign.segment_id()));
  if (!segment) return absl::FailedPreconditionError("segments/" + campaign.segment_id() + " not found");
  const std::shared_ptr<const EntitySchema> schema = schema_.Get();
  auto compiled = Compile(*schema, segment->query());
  if (!compiled.ok()) {
    return absl::FailedPreconditionError("segments/" + segment->id() + " no longer fits the entity schema: " +
                                         std::string(compiled.status().message()));
  }
  // The segment now: the customers it reaches when the campaign sends.
  VOC_ASSIGN_OR_RETURN(SegmentMembers members, Members(*compiled));
  VOC_ASSIGN_OR_RETURN(std::set<std::string> decided, store_.DecidedCustomers(id));

  std::vector<SendRow> rows;
  std::vector<std::string> to_decide;
  for (const std::string& customer : members.customers) {
    if (decided.count(customer) > 0) continue;
    SendRow row;
    row.campaign_id = id;
    row.customer_id = customer;
    row.channel = campaign.channel();
    row.decided_ms = now_ms;
    row.decided_by = actor;
    // The hold-out is drawn before any rule: it is the segment's random share.
    if (IsHeldOut(id, customer, campaign.holdout_share())) {
      row.decision = "held_out";
      rows.push_back(std::move(row));
    } else {
      to_decide.push_back(customer);
    }
  }
  VOC_ASSIGN_OR_RETURN(auto sent_times,
                       store_.SentTimes(to_decide, now_ms - std::int64_t{86400000} * settings_.rules.period_days));
  const bool customers_known = schema->Find(kCustomerEntity) != nullptr;
  std::int64_t deferred = 0;
  for (const std::string& customer : to_decide) {
    std::optional<EntityRecord> record;
    if (customers_known) {
      VOC_ASSIGN_OR_RETURN(record, entities_.FindRow(kCustomerEntity, customer));
    }
    CustomerFacts facts;
    facts.opted_out = Attribute(record, "opted_out") == "true";
    facts.time_zone = Attribute(record, "time_zone");
    std::string address = customer;  // sms, app_push: the company's gateway knows the number or device
    if (campaign.channel() == "email") address = Attribute(record, "email");
    if (campaign.channel() == "wecom") address = Attribute(record, "wecom_id");
    facts.reachable = !address.empty();
    if (auto it = sent_times.find(customer); it != sent_times.end()) {
      for (const std::int64_t ms : it->second) facts.sent_times.push_back(FromMillis(ms));
    }
    const Decision decision = Decide(settings_.rules, facts, now);
    if (!IsFinal(decision)) {
      ++deferred;
      continue;
    }
    SendRow row;
    row.campaign_id = id;
    row.customer_id = customer;
    row.decision = decision == Decision::kSend ? "sent" : DecisionName(decision);
    row.channel = campaign.channel();
    row.language = Attribute(record, "language") == "en" ? "en" : "zh";
    row.address = decision == Decision::kSend ? address : "";
    row.decided_ms = now_ms;
    row.decided_by = actor;
    rows.push_back(std::move(row));
  }
  std::int64_t recorded = 0;
  for (std::size_t begin = 0; begin < rows.size(); begin += kDecisionBatch) {
    std::vector<SendRow> batch(rows.begin() + static_cast<long>(begin),
                               rows.begin() + static_cast<long>(std::min(rows.size(), begin + kDecisionBatch)));
    VOC_ASSIGN_OR_RETURN(std::int64_t n, store_.RecordDecisions(batch));
    recorded += n;
  }
  VOC_RETURN_IF_ERROR(store_.SetDeferred(id, deferred, now_ms));
  log::Info("outreach_campaign_run", {{"campaign", id},
                                      {"members", static_cast<std::int64_t>(members.customers.size())},
                                      {"decided", recorded},
                                      {"deferred_quiet_hours", deferred}});
  VOC_ASSIGN_OR_RETURN(std::int64_t published, PublishPending());
  (void)published;
  if (deferred == 0) {
    VOC_ASSIGN_OR_RETURN(bool finished,
                         store_.Transition(id, EventRow{"finish", actor, "", v1::CAMPAIGN_STATE_SENDING,
                                                        v1::CAMPAIGN_STATE_SENT, now_ms}));
    (void)finished;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::int64_t> OutreachService::PublishPending() {
  std::int64_t total = 0;
  std::map<std::string, v1::Campaign> campaigns;
  while (true) {
    VOC_ASSIGN_OR_RETURN(std::vector<SendRow> rows, store_.Unpublished(200));
    if (rows.empty()) return total;
    std::vector<SendRow> done;
    absl::Status failed = absl::OkStatus();
    for (const SendRow& r : rows) {
      auto it = campaigns.find(r.campaign_id);
      if (it == campaigns.end()) {
        VOC_ASSIGN_OR_RETURN(v1::Campaign c, Load(r.campaign_id));
        it = campaigns.emplace(r.campaign_id, std::move(c)).first;
      }
      const v1::Campaign& c = it->second;
      OutreachMessage m;
      m.id = "outreach:" + r.campaign_id + ":" + r.customer_id;
      m.campaign_id = r.campaign_id;
      m.department = c.department();
      m.customer_id = r.customer_id;
      m.channel = r.channel;
      m.address = r.address;
      m.language = r.language;
      const bool en = r.language == "en";
      m.subject = absl::StrReplaceAll(en ? c.message().subject_en() : c.message().subject_zh(),
                                      {{"{customer_id}", r.customer_id}});
      m.body = absl::StrReplaceAll(en ? c.message().body_en() : c.message().body_zh(),
                                   {{"{customer_id}", r.customer_id}});
      failed = sender_.Send(m);
      if (!failed.ok()) break;
      done.push_back(r);
    }
    if (!done.empty()) VOC_RETURN_IF_ERROR(store_.MarkPublished(done, ToMillis(clock_.Now())));
    total += static_cast<std::int64_t>(done.size());
    if (!failed.ok()) return status::Annotate(failed, "handing outreach messages to voc-notify");
  }
}

absl::StatusOr<std::pair<TimePoint, TimePoint>> OutreachService::EffectWindow(const v1::Campaign& c) {
  VOC_ASSIGN_OR_RETURN(std::int64_t first_ms, store_.FirstDecisionMs(c.id()));
  const TimePoint start = FromMillis(first_ms > 0 ? first_ms : ProtoToMillis(c.start_time()));
  return std::make_pair(start, start + std::chrono::hours(24) * c.effect_window_days());
}

absl::StatusOr<v1::CampaignEffect> OutreachService::Effect(const auth::Principal& caller, const std::string& id) {
  VOC_ASSIGN_OR_RETURN(v1::Campaign c, Load(id));
  VOC_RETURN_IF_ERROR(MayReadCampaign(caller, c.department()));
  VOC_ASSIGN_OR_RETURN(std::optional<v1::CampaignEffect> stored, store_.FindEffect(id));
  if (stored) return *stored;
  if (c.state() != v1::CAMPAIGN_STATE_SENT && c.state() != v1::CAMPAIGN_STATE_SENDING) return NotIn(c);
  VOC_ASSIGN_OR_RETURN(auto window, EffectWindow(c));
  if (clock_.Now() < window.second) {
    return absl::FailedPreconditionError("campaigns/" + id + ": its effect window ends at " +
                                         FormatRfc3339(window.second));
  }
  if (feedback_ == nullptr) {
    return absl::FailedPreconditionError("campaigns/" + id + ": this voc-entities reads no feedback "
                                         "(services.ingest.address and services.triage.address not set)");
  }
  return Measure(c, window.first, window.second);
}

absl::StatusOr<v1::CampaignEffect> OutreachService::Measure(const v1::Campaign& c, TimePoint start, TimePoint end) {
  const std::string& id = c.id();
  VOC_ASSIGN_OR_RETURN(std::vector<std::string> contacted, store_.CustomersWithDecision(id, "sent"));
  VOC_ASSIGN_OR_RETURN(std::vector<std::string> held, store_.CustomersWithDecision(id, "held_out"));
  std::vector<std::string> everyone = contacted;
  everyone.insert(everyone.end(), held.begin(), held.end());
  VOC_ASSIGN_OR_RETURN(auto outcomes, feedback_->Outcomes(everyone, c.issue().topic(), start, end));
  const auto group = [&](const std::vector<std::string>& customers) {
    v1::GroupOutcome g;
    g.set_customers(static_cast<std::int64_t>(customers.size()));
    for (const std::string& customer : customers) {
      auto it = outcomes.find(customer);
      if (it == outcomes.end()) continue;
      if (it->second.complained) g.set_complained(g.complained() + 1);
      if (it->second.contacted_us) g.set_contacted_us(g.contacted_us() + 1);
    }
    if (g.customers() > 0) {
      g.set_complaint_rate(static_cast<double>(g.complained()) / static_cast<double>(g.customers()));
      g.set_contact_rate(static_cast<double>(g.contacted_us()) / static_cast<double>(g.customers()));
    }
    return g;
  };
  v1::CampaignEffect e;
  e.set_campaign_id(id);
  *e.mutable_contacted() = group(contacted);
  *e.mutable_held_out() = group(held);
  const TwoProportionTest t = CompareProportions(e.contacted().complained(), e.contacted().customers(),
                                                 e.held_out().complained(), e.held_out().customers(),
                                                 settings_.min_group);
  e.set_test(kEffectTestName);
  e.set_z(t.z);
  e.set_p_value(t.p_value);
  e.set_difference(t.difference);
  e.set_ci_low(t.ci_low);
  e.set_ci_high(t.ci_high);
  e.set_verdict(t.verdict);
  *e.mutable_window_start() = ToProto(start);
  *e.mutable_window_end() = ToProto(end);
  *e.mutable_compute_time() = ToProto(clock_.Now());
  VOC_RETURN_IF_ERROR(store_.SaveEffect(e, ToMillis(clock_.Now())));
  log::Info("outreach_effect", {{"campaign", id}, {"verdict", t.verdict}, {"p_value", t.p_value}});
  // The first stored verdict wins a race between replicas.
  VOC_ASSIGN_OR_RETURN(std::optional<v1::CampaignEffect> saved, store_.FindEffect(id));
  return saved ? *saved : e;
}

absl::StatusOr<int> OutreachService::DecideDueEffects() {
  // Without the feedback services there is nothing to measure with; the
  // effect report says so when asked.
  if (feedback_ == nullptr) return 0;
  VOC_ASSIGN_OR_RETURN(std::vector<std::string> ids, store_.CampaignsAwaitingEffect());
  absl::Status first = absl::OkStatus();
  int decided = 0;
  for (const std::string& id : ids) {
    absl::Status s = [&]() -> absl::Status {
      VOC_ASSIGN_OR_RETURN(v1::Campaign c, Load(id));
      VOC_ASSIGN_OR_RETURN(auto window, EffectWindow(c));
      if (clock_.Now() < window.second) return absl::OkStatus();  // its window is still open
      VOC_ASSIGN_OR_RETURN(v1::CampaignEffect e, Measure(c, window.first, window.second));
      (void)e;
      ++decided;
      return absl::OkStatus();
    }();
    if (!s.ok()) {
      log::Warn("outreach_effect_postponed", {{"campaign", id}, {"error", std::string(s.message())}});
      if (first.ok()) first = s;
    }
  }
  if (!first.ok()) return first;
  return decided;
}

absl::StatusOr<v1::CampaignVerdict> OutreachService::VerdictOf(const v1::CampaignEffect& effect) {
  VOC_ASSIGN_OR_RETURN(v1::Campaign c, Load(effect.campaign_id()));
  v1::CampaignVerdict v;
  v.set_campaign_id(c.id());
  v.set_display_name(c.display_name());
  v.set_department(c.department());
  *v.mutable_issue() = c.issue();
  v.set_segment_id(c.segment_id());
  VOC_ASSIGN_OR_RETURN(std::optional<v1::Segment> segment, store_.FindSegment(c.segment_id()));
  if (segment) v.set_segment_name(segment->display_name());
  std::int64_t size = c.counts().sent() + c.counts().held_out();
  for (const auto& [reason, n] : c.counts().suppressed()) size += n;
  v.set_segment_size(size);
  v.set_channel(c.channel());
  *v.mutable_effect() = effect;
  return v;
}

absl::StatusOr<std::int64_t> OutreachService::PublishVerdicts() {
  if (verdicts_ == nullptr) return 0;
  std::int64_t total = 0;
  while (true) {
    VOC_ASSIGN_OR_RETURN(std::vector<v1::CampaignEffect> effects, store_.UnpublishedEffects(50));
    if (effects.empty()) return total;
    std::vector<queue::MessageFields> batch;
    std::vector<std::string> ids;
    for (const v1::CampaignEffect& e : effects) {
      VOC_ASSIGN_OR_RETURN(v1::CampaignVerdict v, VerdictOf(e));
      batch.push_back({{"event", queue::kCampaignVerdictEvent}, {"campaign_id", v.campaign_id()},
                       {"payload", v.SerializeAsString()}});
      ids.push_back(v.campaign_id());
    }
    const std::size_t accepted = verdicts_->Publish(batch);
    ids.resize(std::min(accepted, ids.size()));
    if (!ids.empty()) VOC_RETURN_IF_ERROR(store_.MarkEffectsPublished(ids, ToMillis(clock_.Now())));
    total += static_cast<std::int64_t>(ids.size());
    if (accepted < batch.size()) {
      return absl::UnavailableError(std::string(queue::kOutreachStream) + ": the queue took " +
                                    std::to_string(accepted) + " of " + std::to_string(batch.size()) +
                                    " campaign verdicts");
    }
  }
}

}  // namespace voc::entities::outreach
