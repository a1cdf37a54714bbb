#include "services/assignment/routing/router.h"

#include <algorithm>

#include "common/util/time.h"
#include "common/util/utf8.h"
#include "proto/api/enum_names.h"

namespace voc::assignment {
namespace {

constexpr std::size_t kSummaryBytes = 500;

// The more urgent of two priorities (P1 < P2 numerically; unspecified loses).
v1::Priority MoreUrgent(v1::Priority a, v1::Priority b) {
  if (a == v1::PRIORITY_UNSPECIFIED) return b;
  if (b == v1::PRIORITY_UNSPECIFIED) return a;
  return a < b ? a : b;
}

// Topics (issue 10): triage's `topics` are complaint topics, each with its
// clause's sentiment. A topic praised in its clause ("送餐快" in "便宜,送餐快,
// 难吃") must not route or title a complaint; UNSPECIFIED comes from triage
// versions before clause-level topics, whose topics were all complaints.
bool IsComplaintTopic(const v1::TopicMatch& topic) {
  return topic.sentiment() == v1::SENTIMENT_NEGATIVE || topic.sentiment() == v1::SENTIMENT_UNSPECIFIED;
}

// Everything every planned case shares: feedback, customer, summary,
// topics, and the feedback's arrival, from which tracking starts the case's
// SLA clocks. No due time: tracking owns the SLA policies (issue 11) and
// chooses the targets by kind x priority itself.
v1::CreateCaseRequest BaseRequest(const v1::TriagedFeedback& t, const std::string& request_id,
                                  v1::CaseKind kind) {
  const v1::Feedback& f = t.feedback();
  v1::CreateCaseRequest req;
  req.set_request_id(request_id);
  v1::Case* c = req.mutable_case_();
  c->set_kind(kind);
  c->set_feedback_id(f.id());
  c->set_customer_id(f.customer().id());
  c->set_summary(TruncateUtf8(f.text(), kSummaryBytes));
  for (const auto& topic : t.result().topics())
    if (IsComplaintTopic(topic)) c->add_topics(topic.topic());
  // The channel narrows the policy (e.g. complaints made in public).
  if (f.channel() != v1::CHANNEL_UNSPECIFIED) req.set_channel(api::ChannelName(f.channel()));
  // Arrival is received_time; a feedback without one falls back to when it
  // happened, and failing that tracking measures from creation.
  if (!IsUnset(f.received_time())) {
    *req.mutable_reference_time() = f.received_time();
  } else if (!IsUnset(f.occurred_time())) {
    *req.mutable_reference_time() = f.occurred_time();
  }
  return req;
}

// Issue 12, "why is this case here": what triage read that every case of
// the feedback shares (the routing part is each plan's own, see Route).
// Only complaint topics, like Case.topics.
v1::CaseExplanation TriageExplanation(const v1::TriageResult& r) {
  v1::CaseExplanation e;
  e.set_sentiment(r.sentiment());
  e.set_sentiment_score(r.sentiment_score());
  for (const std::string& word : r.evidence()) e.add_evidence(word);
  for (const v1::TopicMatch& topic : r.topics())
    if (IsComplaintTopic(topic)) *e.add_topics() = topic;
  e.set_priority(r.priority());
  e.set_priority_reason(r.priority_reason());
  for (const v1::RedLineHit& hit : r.red_lines()) *e.add_red_lines() = hit;
  e.set_cluster_id(r.cluster_id());
  return e;
}

v1::RoutingExplanation RoutingOf(std::string rule_id, const std::string& rule, int line) {
  v1::RoutingExplanation routing;
  routing.set_rule_id(std::move(rule_id));
  routing.set_rule(rule);
  routing.set_line(line);
  return routing;
}

}  // namespace

std::string Router::ActiveHeadOf(const std::string& department) const {
  const std::string head = directory_->HeadOf(department);
  return directory_->FindActivePerson(head) ? head : "";
}

v1::Owner Router::OwnerForPerson(const std::string& person) const {
  v1::Owner owner;
  owner.set_person(person);
  if (const org::Person* p = directory_->FindPerson(person)) owner.set_department(p->department);
  return owner;
}

std::optional<Router::ResolvedOwner> Router::Resolve(const OwnerSpec& spec,
                                                     const v1::TriagedFeedback& t,
                                                     const std::string& topic_department) const {
  const v1::Customer& customer = t.feedback().customer();
  switch (spec.kind) {
    case OwnerSpec::Kind::kAccountManager: {
      std::string am = customer.account_manager();
      std::string source = "the feedback";
      // An inactive account manager is passed over like an unknown one.
      if (am.empty() || !directory_->FindActivePerson(am)) {
        am = directory_->AccountManagerOf(customer.id());
        source = "the directory";
      }
      if (am.empty() || !directory_->FindActivePerson(am)) return std::nullopt;
      return ResolvedOwner{OwnerForPerson(am),
                           "account manager of customer " + customer.id() + " (from " + source + ")"};
    }
    case OwnerSpec::Kind::kStoreRegionManager: {
      if (!customer.store().empty()) {
        const std::string manager = directory_->StoreRegionManagerOf(customer.store());
        if (directory_->FindActivePerson(manager)) {
          return ResolvedOwner{OwnerForPerson(manager),
                               "regional manager of store " + customer.store()};
        }
      }
      if (!customer.region().empty()) {
        const std::string manager = directory_->RegionManagerOf(customer.region());
        if (directory_->FindActivePerson(manager)) {
          return ResolvedOwner{OwnerForPerson(manager), "manager of region " + customer.region()};
        }
      }
      return std::nullopt;
    }
    case OwnerSpec::Kind::kTopicDepartmentHead: {
      if (!directory_->FindDepartment(topic_department)) return std::nullopt;
      v1::Owner owner;
      owner.set_department(topic_department);
      owner.set_person(ActiveHeadOf(topic_department));
      return ResolvedOwner{owner, "head of " + topic_department};
    }
    case OwnerSpec::Kind::kDepartmentHead: {
      v1::Owner owner;
      owner.set_department(spec.arg);
      owner.set_person(ActiveHeadOf(spec.arg));
      return ResolvedOwner{owner, "head of " + spec.arg};
    }
    case OwnerSpec::Kind::kPerson:
      // Checked active on load; a directory reloaded since may say otherwise.
      if (!directory_->FindActivePerson(spec.arg)) return std::nullopt;
      return ResolvedOwner{OwnerForPerson(spec.arg), "person " + spec.arg};
  }
  return std::nullopt;
}

std::vector<PlannedCase> Router::Route(const v1::TriagedFeedback& t) const {
  std::vector<PlannedCase> plans;
  // A red line and a callback are different work for different people
  // (legal/PR/executives contain the risk; the account manager calls the
  // customer), so a red-line detractor gets both.
  if (auto red_line = PlanRedLine(t)) plans.push_back(std::move(*red_line));
  if (t.result().nps_category() == v1::NPS_CATEGORY_DETRACTOR) plans.push_back(PlanDetractorCallback(t));
  // Topics (issue 10): mixed feedback ("便宜,送餐快,难吃": two praises, one
  // complaint) may score neutral or positive overall and still carry a
  // complaint topic read negative in its own clause; that is a complaint too.
  const bool has_complaint_topic =
      std::any_of(t.result().topics().begin(), t.result().topics().end(),
                  [](const v1::TopicMatch& topic) { return topic.sentiment() == v1::SENTIMENT_NEGATIVE; });
  const bool negative = t.result().sentiment() == v1::SENTIMENT_NEGATIVE || has_complaint_topic;
  if (negative && (plans.empty() || !rules_->complaint.skip_when_other_case)) {
    plans.push_back(PlanComplaint(t));
  }
  const v1::CaseExplanation shared = TriageExplanation(t.result());
  for (PlannedCase& plan : plans) {
    if (plan.routing.reason().empty()) plan.routing.set_reason(plan.reason);
    v1::CaseExplanation* explanation = plan.request.mutable_case_()->mutable_explanation();
    *explanation = shared;
    *explanation->mutable_routing() = plan.routing;
  }
  return plans;
}

std::string RedLineReason(const v1::TriageResult& result) {
  std::string why;
  for (const v1::RedLineHit& h : result.red_lines()) {
    const std::string words = h.matched().empty() ? h.term() : h.matched();
    why += (why.empty() ? "" : "; ") + api::RedLineCategoryLabel(h.category()) + " \"" + words + "\" at [" +
           std::to_string(h.begin()) + "," + std::to_string(h.end()) + ")" + (h.rule().empty() ? "" : " by " + h.rule());
  }
  return why;
}

std::string RedLineReasonOfDecision(const std::string& reason) {
  const auto open = reason.find(kRedLineReasonOpen);
  if (open == std::string::npos) return "";
  const auto from = open + std::string_view(kRedLineReasonOpen).size();
  const auto close = reason.find(kRedLineReasonClose, from);
  return reason.substr(from, close == std::string::npos ? std::string::npos : close - from);
}

std::optional<PlannedCase> Router::PlanRedLine(const v1::TriagedFeedback& t) const {
  if (t.result().red_lines().empty()) return std::nullopt;
  const RedLinePolicy& policy = rules_->red_line;
  PlannedCase plan;
  plan.kind = kRedLine;
  plan.request = BaseRequest(t, "redline:" + t.feedback().id(), v1::CASE_KIND_RED_LINE);
  v1::Case* c = plan.request.mutable_case_();
  const v1::RedLineHit& hit = t.result().red_lines(0);
  c->set_title("Red line (" + api::RedLineCategoryLabel(hit.category()) + "): \"" + hit.term() + "\"");
  c->set_priority(policy.priority);
  // Every listed owner owns a red-line case: the policy is the rule, at its
  // first owner's line.
  plan.routing = RoutingOf("red_line.owners", "red_line.owners",
                           policy.owners.empty() ? 0 : policy.owners.front().line);
  std::string owners;
  for (const OwnerSpec& spec : policy.owners) {
    auto resolved = Resolve(spec, t, "");
    if (!resolved) continue;
    *c->add_owners() = resolved->owner;
    if (!resolved->owner.person().empty()) plan.notify.push_back(resolved->owner.person());
    owners += (owners.empty() ? "" : ", ") + resolved->how;
  }
  // Red lines (issue 10): the case says why it was opened.
  const std::string why = RedLineReason(t.result());
  c->set_summary(TruncateUtf8("Why: " + why + "\n" + t.feedback().text(), kSummaryBytes));
  plan.reason = "red line " + api::RedLineCategoryLabel(hit.category()) + " term \"" + hit.term() +
                "\"" + kRedLineReasonOpen + why + kRedLineReasonClose + "owned jointly by " + owners;
  // The hits themselves travel in explanation.red_lines; the customer's
  // matched words stay out of the routing reason.
  plan.routing.set_reason("red line " + api::RedLineCategoryLabel(hit.category()) + " term \"" + hit.term() +
                          "\" owned jointly by " + owners);
  return plan;
}

PlannedCase Router::PlanDetractorCallback(const v1::TriagedFeedback& t) const {
  const DetractorCallbackPolicy& policy = rules_->detractor_callback;
  PlannedCase plan;
  plan.kind = kDetractorCallback;
  plan.request = BaseRequest(t, "callback:" + t.feedback().id(),
                             v1::CASE_KIND_DETRACTOR_CALLBACK);
  v1::Case* c = plan.request.mutable_case_();
  const std::string nps =
      t.feedback().has_nps() ? " (NPS " + std::to_string(t.feedback().nps()) + ")" : "";
  c->set_title("Call back detractor " + t.feedback().customer().id() + nps);
  c->set_priority(MoreUrgent(policy.priority, t.result().priority()));
  std::string skipped;
  for (std::size_t i = 0; i < policy.owner_chain.size(); ++i) {
    const OwnerSpec& spec = policy.owner_chain[i];
    if (auto resolved = Resolve(spec, t, "")) {
      *c->add_owners() = resolved->owner;
      plan.routing =
          RoutingOf("detractor_callback.owners[" + std::to_string(i) + "]", spec.text, spec.line);
      plan.reason = "detractor callback owned by the " + resolved->how;
      if (!skipped.empty()) plan.reason += "; no " + skipped;
      return plan;
    }
    skipped += (skipped.empty() ? "" : ", no ") + spec.text;
  }
  return plan;  // unreachable: the chain ends with a fixed owner (checked on load)
}

PlannedCase Router::PlanComplaint(const v1::TriagedFeedback& t) const {
  const ComplaintPolicy& policy = rules_->complaint;
  PlannedCase plan;
  plan.kind = kComplaint;
  plan.request =
      BaseRequest(t, "complaint:" + t.feedback().id(), v1::CASE_KIND_COMPLAINT);
  v1::Case* c = plan.request.mutable_case_();
  c->set_priority(t.result().priority() != v1::PRIORITY_UNSPECIFIED ? t.result().priority()
                                                                     : policy.priority);
  const bool has_store = !t.feedback().customer().store().empty();
  std::string title_topic;

  auto decide = [&]() -> std::optional<ResolvedOwner> {
    // 1. The first rule matching a topic, in triage's topic order.
    for (const v1::TopicMatch& topic : t.result().topics()) {
      if (!IsComplaintTopic(topic)) continue;
      for (std::size_t i = 0; i < policy.rules.size(); ++i) {
        const RoutingRule& rule = policy.rules[i];
        if (!rule.Matches(topic.topic()) || (rule.requires_store && !has_store)) continue;
        if (auto resolved = Resolve(rule.owner, t, topic.department())) {
          title_topic = topic.topic();
          plan.routing = RoutingOf("complaint.rules[" + std::to_string(i) + "]", rule.name, rule.line);
          resolved->how += " by rule '" + rule.name + "' (line " + std::to_string(rule.line) +
                           ") on topic " + topic.topic();
          return resolved;
        }
      }
    }
    // 2. The department triage named on the first topic that has one.
    for (const v1::TopicMatch& topic : t.result().topics()) {
      if (!IsComplaintTopic(topic)) continue;
      if (topic.department().empty() || !directory_->FindDepartment(topic.department())) continue;
      title_topic = topic.topic();
      plan.routing = RoutingOf("complaint.topic_department", "topic_department_head", 0);
      v1::Owner owner;
      owner.set_department(topic.department());
      owner.set_person(ActiveHeadOf(topic.department()));
      return ResolvedOwner{owner, "head of " + topic.department() + ", which owns topic " +
                                      topic.topic()};
    }
    return std::nullopt;
  };
  auto resolved = decide();
  if (!resolved) {
    // 3. Nobody named: the default department.
    plan.routing = RoutingOf("complaint.default_department",
                             "default_department: " + policy.default_department, 0);
    v1::Owner owner;
    owner.set_department(policy.default_department);
    owner.set_person(ActiveHeadOf(policy.default_department));
    resolved = ResolvedOwner{owner, "head of the default department " + policy.default_department};
  }
  *c->add_owners() = resolved->owner;
  c->set_title(title_topic.empty() ? "Negative feedback" : "Complaint: " + title_topic);
  plan.reason = "complaint routed to the " + resolved->how;
  return plan;
}

}  // namespace voc::assignment
