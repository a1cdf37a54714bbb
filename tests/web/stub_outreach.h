// Issue 13: the stub gateway's outreach (what voc-entities' OutreachService
// would answer): one campaign camp-1 of logistics (head p-wang-lei),
// PENDING_APPROVAL, on segment seg-1 whose size now is 42 (40 when it was
// created); one draft of customer_success. Approve and reject: only the
// head of the campaign's department, like the service (PERMISSION_DENIED
// for anyone else, analysts included); FAILED_PRECONDITION out of
// PENDING_APPROVAL.
// The page's campaign form: segments and drafts are validated like the
// service (INVALID_ARGUMENT naming the field, in its order: an empty
// template is "campaign.message.subject_zh: must not be empty"), created,
// submitted and cancelled for the person as voc-entities allows it
// (outreach_access.cc), every step in Campaign.events. A segment's size:
// the owners of batch B-2026-07 are 42, of whom 3 complained lately.
#pragma once

#include <absl/status/statusor.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/util/time.h"
#include "voc/v1/outreach.pb.h"

namespace voc::stub {

class StubOutreach {
 public:
  StubOutreach() {
    Add("camp-1", "B-2026-07 批次刹车异响主动关怀", "logistics", v1::CAMPAIGN_STATE_PENDING_APPROVAL, "email");
    Add("camp-2", "延迟配送致歉", "customer_success", v1::CAMPAIGN_STATE_DRAFT, "sms");
    v1::Segment& segment = segments_.emplace_back();
    segment.set_id("seg-1");
    segment.set_display_name("B-2026-07 车主");
    segment.set_size_at_creation(40);
    segment.mutable_query()->set_entity("vehicle");
    auto* w = segment.mutable_query()->add_where();
    w->set_attribute("production_batch");
    w->set_op("eq");
    w->add_values("B-2026-07");
  }

  v1::ListCampaignsResponse List() {
    std::lock_guard lock(mu_);
    v1::ListCampaignsResponse r;
    for (const auto& c : campaigns_) *r.add_campaigns() = c;
    return r;
  }
  absl::StatusOr<v1::Campaign> Get(const std::string& id) {
    std::lock_guard lock(mu_);
    for (const auto& c : campaigns_) if (c.id() == id) return c;
    return absl::NotFoundError("campaigns/" + id + " not found");
  }
  absl::StatusOr<v1::Segment> GetSegment(const std::string& id) {
    std::lock_guard lock(mu_);
    for (const auto& s : segments_) if (s.id() == id) return s;
    return absl::NotFoundError("segments/" + id + " not found");
  }
  absl::StatusOr<v1::SegmentPreview> Preview(const v1::SegmentQuery& query, int sample_size = 0) {
    if (auto bad = CheckQuery(query); !bad.ok()) return bad;
    v1::SegmentPreview p;
    const bool batch = query.entity() == "vehicle" && query.where_size() == 1 && query.where(0).op() == "eq" &&
                       query.where(0).values_size() == 1 && query.where(0).values(0) == "B-2026-07";
    const std::int64_t excluded = batch && !query.not_complained_topic().empty() ? 3 : 0;
    p.set_size(batch ? 42 - excluded : 0);
    p.set_rows_matched(batch ? 45 : 0);
    p.set_excluded_complained(excluded);
    const int sample = sample_size == 0 ? 10 : sample_size;
    for (int i = 0; i < p.size() && i < sample; ++i) p.add_sample("c-" + std::to_string(20001 + i));
    return p;
  }

  // Who is asking, as voc-entities sees it.
  struct Who {
    std::string person;
    bool analyst_or_admin = false;
  };
  absl::StatusOr<v1::Segment> CreateSegment(const v1::CreateSegmentRequest& r, const Who& who) {
    if (!who.analyst_or_admin && !HeadsAny(who.person)) {
      return absl::PermissionDeniedError("create outreach segments (analysts, department heads and admins)");
    }
    if (r.display_name().empty()) return Invalid("display_name", "must not be empty");
    auto size = Preview(r.query());
    if (!size.ok()) return size.status();
    std::lock_guard lock(mu_);
    v1::Segment s;
    s.set_id("seg-" + std::to_string(segments_.size() + 1));
    s.set_display_name(r.display_name());
    *s.mutable_query() = r.query();
    s.set_size_at_creation(size->size());
    s.set_created_by(who.person);
    segments_.push_back(s);
    return s;
  }
  absl::StatusOr<v1::Campaign> Create(const v1::Campaign& given, const Who& who) {
    if (given.department().empty()) return Invalid("campaign.department", "must not be empty");
    if (!who.analyst_or_admin && HeadOf(given.department()) != who.person) {
      return absl::PermissionDeniedError("create a campaign of " + given.department() +
                                         " (analysts, admins and its head)");
    }
    const std::set<std::string> kinds = {"cluster", "signal", "project", "finding"};
    const std::vector<std::string> channels = {"email", "sms", "app_push", "wecom"};
    if (given.display_name().empty()) return Invalid("campaign.display_name", "must not be empty");
    if (!kinds.count(given.issue().kind())) {
      return Invalid("campaign.issue.kind", "must be cluster, signal, project or finding");
    }
    if (given.issue().id().empty()) return Invalid("campaign.issue.id", "must not be empty");
    if (given.issue().topic().empty()) return Invalid("campaign.issue.topic", "must not be empty");
    const auto& m = given.message();
    if (m.subject_zh().empty()) return Invalid("campaign.message.subject_zh", "must not be empty");
    if (m.body_zh().empty()) return Invalid("campaign.message.body_zh", "must not be empty");
    if (m.subject_en().empty()) return Invalid("campaign.message.subject_en", "must not be empty");
    if (m.body_en().empty()) return Invalid("campaign.message.body_en", "must not be empty");
    if (std::find(channels.begin(), channels.end(), given.channel()) == channels.end()) {
      return Invalid("campaign.channel", "must be email, sms, app_push or wecom");
    }
    const double share = given.holdout_share() == 0 ? 0.1 : given.holdout_share();
    if (!(share > 0 && share <= 0.5)) return Invalid("campaign.holdout_share", "must be in (0, 0.5] (0: 0.1)");
    const int window = given.effect_window_days() == 0 ? 14 : given.effect_window_days();
    if (window < 1 || window > 365) return Invalid("campaign.effect_window_days", "must be in 1..365 (0: 14)");
    if (given.segment_id().empty()) return Invalid("campaign.segment_id", "must not be empty");
    if (!GetSegment(given.segment_id()).ok()) {
      return Invalid("campaign.segment_id", "segments/" + given.segment_id() + " not found");
    }
    std::lock_guard lock(mu_);
    v1::Campaign c = given;
    c.set_id("camp-" + std::to_string(campaigns_.size() + 1));
    c.set_holdout_share(share);
    c.set_effect_window_days(window);
    c.set_created_by(who.person);
    c.set_state(v1::CAMPAIGN_STATE_UNSPECIFIED);
    Event(c, "create", who.person, "", v1::CAMPAIGN_STATE_DRAFT);
    campaigns_.push_back(c);
    return c;
  }
  // Submit (DRAFT only) and cancel (any state but SENT and CANCELLED): its
  // author, analysts, admins and the head of its department.
  absl::StatusOr<v1::Campaign> Act(const std::string& id, const std::string& action, const std::string& note,
                                   const Who& who) {
    std::lock_guard lock(mu_);
    for (auto& c : campaigns_) {
      if (c.id() != id) continue;
      if (!who.analyst_or_admin && who.person != c.created_by() && who.person != HeadOf(c.department())) {
        return absl::PermissionDeniedError("change a campaign of " + c.department() +
                                           " (its author, analysts, admins and its head)");
      }
      const bool allowed = action == "submit" ? c.state() == v1::CAMPAIGN_STATE_DRAFT
                                              : c.state() != v1::CAMPAIGN_STATE_SENT &&
                                                    c.state() != v1::CAMPAIGN_STATE_CANCELLED;
      if (!allowed) {
        return absl::FailedPreconditionError("campaigns/" + id + " is " + v1::CampaignState_Name(c.state()));
      }
      Event(c, action, who.person, note,
            action == "submit" ? v1::CAMPAIGN_STATE_PENDING_APPROVAL : v1::CAMPAIGN_STATE_CANCELLED);
      return c;
    }
    return absl::NotFoundError("campaigns/" + id + " not found");
  }
  // The heads are the stub's org directory's (stub_gateway.cc's departments).
  absl::StatusOr<v1::Campaign> Decide(const std::string& id, bool approve, const std::string& note,
                                      const std::string& person) {
    std::lock_guard lock(mu_);
    for (auto& c : campaigns_) {
      if (c.id() != id) continue;
      if (person.empty() || person != HeadOf(c.department())) {
        return absl::PermissionDeniedError(std::string(approve ? "approve" : "reject") + " campaigns/" + id +
                                           ": only the head of " + c.department());
      }
      if (c.state() != v1::CAMPAIGN_STATE_PENDING_APPROVAL) {
        return absl::FailedPreconditionError("campaigns/" + id + " is " + v1::CampaignState_Name(c.state()));
      }
      Event(c, approve ? "approve" : "reject", person, note,
            approve ? v1::CAMPAIGN_STATE_APPROVED : v1::CAMPAIGN_STATE_DRAFT);
      return c;
    }
    return absl::NotFoundError("campaigns/" + id + " not found");
  }

 private:
  static std::string HeadOf(const std::string& department) {
    if (department == "customer_success") return "p-liu-yang";
    if (department == "logistics") return "p-wang-lei";
    return "";
  }
  static bool HeadsAny(const std::string& person) {
    return !person.empty() && (person == HeadOf("customer_success") || person == HeadOf("logistics"));
  }
  static absl::Status Invalid(const std::string& field, const std::string& why) {
    return absl::InvalidArgumentError(field + ": " + why);
  }
  // Like voc-entities' segment compiler, for the entities of config/entities.yaml.
  static absl::Status CheckQuery(const v1::SegmentQuery& q) {
    const std::set<std::string> entities = {"vehicle", "order", "customer", "store_day", "app_build"};
    const std::set<std::string> ops = {"eq", "ne", "has", "gte", "lte", "within_days"};
    if (!entities.count(q.entity())) {
      return Invalid("query.entity", q.entity().empty() ? "must name an entity" : "no entity " + q.entity());
    }
    if (q.where_size() > 10) return Invalid("query.where", "at most 10 conditions");
    for (int i = 0; i < q.where_size(); ++i) {
      const std::string at = "query.where[" + std::to_string(i) + "]";
      if (q.where(i).attribute().empty()) return Invalid(at + ".attribute", "must not be empty");
      if (!ops.count(q.where(i).op())) return Invalid(at + ".op", "must be eq, ne, has, gte, lte or within_days");
      if (q.where(i).values_size() == 0) return Invalid(at + ".values", "give at least one value");
    }
    return absl::OkStatus();
  }
  // A step of the campaign's history, with its move (the stub's clock is the wall).
  static void Event(v1::Campaign& c, const std::string& action, const std::string& actor, const std::string& note,
                    v1::CampaignState to) {
    auto* e = c.add_events();
    e->set_action(action);
    e->set_actor(actor);
    e->set_from_state(c.state());
    e->set_to_state(to);
    e->set_note(note);
    *e->mutable_time() = ToProto(std::chrono::system_clock::now());
    c.set_state(to);
  }
  void Add(const std::string& id, const std::string& name, const std::string& department, v1::CampaignState s,
           const std::string& channel) {
    v1::Campaign c;
    c.set_id(id);
    c.set_display_name(name);
    c.set_department(department);
    c.mutable_issue()->set_kind("signal");
    c.mutable_issue()->set_id("sig-3");
    c.mutable_issue()->set_topic("vehicle.brakes");
    c.set_segment_id("seg-1");
    c.set_channel(channel);
    c.set_state(s);
    campaigns_.push_back(std::move(c));
  }

  std::mutex mu_;
  std::vector<v1::Campaign> campaigns_;
  std::vector<v1::Segment> segments_;
};

}  // namespace voc::stub
