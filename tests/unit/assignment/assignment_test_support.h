// A small org directory and routing rules for the assignment unit tests,
// and a builder for triaged feedback.
#pragma once

#include <memory>
#include <string>

#include "common/clock/clock.h"
#include "common/util/time.h"
#include "common/org/org_directory.h"
#include "services/assignment/routing/router.h"
#include "services/assignment/routing/routing_rules.h"
#include "tests/support/org_fixture.h"

namespace voc::assignment::testing {

using ::voc::testing::kDirectoryYaml;  // tests/support/org_fixture.h

inline const char kRoutingYaml[] = R"(version: 1
detractor_callback:
  sla: 24h
  priority: P2
  owners: [account_manager, store_region_manager, department_head:customer_success]
red_line:
  sla: 4h
  priority: P1
  owners: [department_head:legal, department_head:pr, department_head:executive]
complaint:
  sla: 72h
  priority: P3
  default_department: customer_service
  skip_when_other_case: true
  rules:
    - name: staff attitude at a store
      topic: service.staff_attitude
      requires_store: true
      owner: store_region_manager
)";

inline std::shared_ptr<const Router> MakeRouter(const std::string& routing = kRoutingYaml) {
  auto dir = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Parse(kDirectoryYaml).value());
  auto rules = std::make_shared<const RoutingRules>(RoutingRules::FromString(routing, *dir).value());
  return std::make_shared<const Router>(dir, rules);
}

// 2026-03-02T08:00:00Z
inline TimePoint Received() { return FromMillis(1772438400000LL); }

// A triaged feedback; chain the setters below for the case at hand.
struct Triaged {
  v1::TriagedFeedback t;
  explicit Triaged(const std::string& id, const std::string& customer = "c-with-am") {
    t.mutable_feedback()->set_id(id);
    t.mutable_feedback()->set_name("feedback/" + id);
    t.mutable_feedback()->set_text("not happy");
    t.mutable_feedback()->mutable_customer()->set_id(customer);
    *t.mutable_feedback()->mutable_received_time() = ToProto(Received());
    t.mutable_result()->set_feedback_id(id);
    t.mutable_result()->set_sentiment(v1::SENTIMENT_NEUTRAL);
  }
  Triaged& Detractor(int nps = 3) {
    t.mutable_feedback()->set_nps(nps);
    t.mutable_result()->set_nps_category(v1::NPS_CATEGORY_DETRACTOR);
    return *this;
  }
  Triaged& Negative() {
    t.mutable_result()->set_sentiment(v1::SENTIMENT_NEGATIVE);
    return *this;
  }
  Triaged& Topic(const std::string& topic, const std::string& department) {
    auto* m = t.mutable_result()->add_topics();
    m->set_topic(topic);
    m->set_department(department);
    return *this;
  }
  Triaged& Store(const std::string& store) {
    t.mutable_feedback()->mutable_customer()->set_store(store);
    return *this;
  }
  Triaged& AccountManager(const std::string& am) {
    t.mutable_feedback()->mutable_customer()->set_account_manager(am);
    return *this;
  }
  Triaged& RedLine(const std::string& term) {
    auto* hit = t.mutable_result()->add_red_lines();
    hit->set_category(v1::RED_LINE_CATEGORY_SAFETY);
    hit->set_term(term);
    return Negative();
  }
};

}  // namespace voc::assignment::testing
