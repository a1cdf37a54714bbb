// Issue 13: the stub gateway's outreach (what voc-entities' OutreachService
// would answer): one campaign camp-1 of logistics (head p-wang-lei),
// PENDING_APPROVAL, on segment seg-1 whose size now is 42 (40 when it was
// created); one draft of customer_success. Approve and reject: only the
// head of the campaign's department, like the service (PERMISSION_DENIED
// for anyone else, analysts included); FAILED_PRECONDITION out of
// PENDING_APPROVAL.
#pragma once

#include <absl/status/statusor.h>

#include <mutex>
#include <string>
#include <vector>

#include "voc/v1/outreach.pb.h"

namespace voc::stub {

class StubOutreach {
 public:
  StubOutreach() {
    Add("camp-1", "B-2026-07 批次刹车异响主动关怀", "logistics", v1::CAMPAIGN_STATE_PENDING_APPROVAL, "email");
    Add("camp-2", "延迟配送致歉", "customer_success", v1::CAMPAIGN_STATE_DRAFT, "sms");
    segment_.set_id("seg-1");
    segment_.set_display_name("B-2026-07 车主");
    segment_.set_size_at_creation(40);
    segment_.mutable_query()->set_entity("vehicle");
    auto* w = segment_.mutable_query()->add_where();
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
    if (id != segment_.id()) return absl::NotFoundError("segments/" + id + " not found");
    return segment_;
  }
  v1::SegmentPreview Preview(const v1::SegmentQuery& query) {
    v1::SegmentPreview p;
    const bool batch = query.entity() == "vehicle" && query.where_size() == 1 &&
                       query.where(0).values_size() == 1 && query.where(0).values(0) == "B-2026-07";
    p.set_size(batch ? 42 : 0);
    p.set_rows_matched(batch ? 45 : 0);
    return p;
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
      auto* e = c.add_events();
      e->set_action(approve ? "approve" : "reject");
      e->set_actor(person);
      e->set_from_state(c.state());
      c.set_state(approve ? v1::CAMPAIGN_STATE_APPROVED : v1::CAMPAIGN_STATE_DRAFT);
      e->set_to_state(c.state());
      e->set_note(note);
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
  v1::Segment segment_;
};

}  // namespace voc::stub
