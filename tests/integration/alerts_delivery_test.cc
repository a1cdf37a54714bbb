// Issue 11: the alerts nothing published before reach people's mailboxes.
// Assignment's new_p1 and triage's weak_signal and cluster_threshold go
// through StreamNotifier to a real redis-server, are stored and expanded by
// voc-notify's consumer (subscription rules pick the recipients: the owning
// department's head, or min_size for clusters) and delivered by its
// worker's e-mail channel to a real SMTP server (python3-aiosmtpd).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/clock/clock.h"
#include "common/notify/stream_notifier.h"
#include "common/queue/stream.h"
#include "common/util/time.h"
#include "services/assignment/assignment_service.h"
#include "services/assignment/store/assignment_store.h"
#include "services/triage/store/alert_outbox.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/triage_alerts.h"
#include "tests/support/notify_stack.h"

namespace voc {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr char kSubscriptionsYaml[] = R"(defaults:
  channels: [email]
rules:
  - event: new_p1
    heads_of: [$department]
  - event: cluster_threshold
    min_size: 20
    people: [p-emily-carter]
  - event: weak_signal
    people: [p-emily-carter]
)";

// Tracking at the edge: opens every case as "cases/<request id>".
class OpeningCaseCreator final : public assignment::CaseCreator {
 public:
  absl::StatusOr<std::string> CreateCase(const v1::CreateCaseRequest& request) override {
    return "cases/" + request.request_id();
  }
  absl::StatusOr<std::vector<absl::StatusOr<std::string>>> CreateCases(
      const std::vector<v1::CreateCaseRequest>& batch) override {
    std::vector<absl::StatusOr<std::string>> names;
    for (const auto& request : batch) names.push_back(CreateCase(request));
    return names;
  }
};

TEST(AlertsDelivery, NewP1WeakSignalAndClusterThresholdReachTheSmtpServerOnceEach) {
  testing::TempDir dir;
  testing::NotifyStack stack(dir.path());  // SMTP, Redis, voc-notify's consumer and worker
  ASSERT_TRUE(stack.Started()) << stack.SmtpLog();
  const queue::RedisOptions& redis_options = stack.redis_options();
  FakeClock clock{FromMillis(1772438400000LL)};  // 2026-03-02T08:00:00Z
  StreamNotifier notifier(redis_options, &clock);
  auto directory = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());

  // voc-assignment's side: a P1 logistics complaint, delivered twice.
  auto adb = storage::Database::Open("sqlite3://" + dir.path() + "/assignment.db").value();
  ASSERT_TRUE(adb->Migrate("assignment", assignment::AssignmentMigrations()).ok());
  assignment::AssignmentStore assignments(*adb);
  OpeningCaseCreator cases;
  auto router = assignment::LoadRouter({"config/directory.yaml", "config/routing.yaml"});
  ASSERT_TRUE(router.ok()) << router.status();
  assignment::AssignmentService service(assignments, clock, cases, notifier, *router);
  v1::TriagedFeedback triaged;
  triaged.mutable_feedback()->set_id("fb-late");
  triaged.mutable_feedback()->set_text("三天了快递还没到");
  triaged.mutable_feedback()->mutable_customer()->set_id("c-1");
  *triaged.mutable_feedback()->mutable_received_time() = ToProto(clock.Now());
  triaged.mutable_result()->set_feedback_id("fb-late");
  triaged.mutable_result()->set_sentiment(v1::SENTIMENT_NEGATIVE);
  triaged.mutable_result()->set_priority(v1::PRIORITY_P1);
  auto* topic = triaged.mutable_result()->add_topics();
  topic->set_topic("logistics.delivery_delay");
  topic->set_department("logistics");
  ASSERT_TRUE(service.Handle(triaged).ok());
  ASSERT_TRUE(service.Handle(triaged).ok());  // redelivered
  const auto assignment = service.GetAssignment("fb-late").value();
  ASSERT_EQ(assignment.decisions_size(), 1);
  const std::string p1_department = assignment.decisions(0).department();
  const std::string p1_case = assignment.decisions(0).case_name();

  // voc-triage's side: an emerging signal and a cluster reaching 10 and 20.
  auto tdb = storage::Database::Open("sqlite3://" + dir.path() + "/triage.db").value();
  ASSERT_TRUE(tdb->Migrate("triage", triage::TriageMigrations()).ok());
  triage::AlertOutbox outbox(*tdb);
  triage::TriageAlerts alerts(outbox, notifier, clock);
  triage::WeakSignal signal;
  signal.combination = "logistics:快递 + time:三天";
  signal.terms = {"快递", "三天"};
  signal.day = 1772438400000LL / 86400000;
  signal.count = 9;
  signal.history_days = 28;
  signal.expected = 0.4;
  signal.p_value = 1e-8;
  alerts.WeakSignalEmerged(signal);
  alerts.WeakSignalEmerged(signal);  // a second announcement of the same signal
  alerts.ClusterReached(42, 10, "logistics.delivery_delay");  // below every min_size: nobody
  alerts.ClusterReached(42, 20, "logistics.delivery_delay");

  // voc-notify's side.
  const auto delivered = stack.DeliverAll(directory, kSubscriptionsYaml, clock, "alerts-test");
  ASSERT_TRUE(delivered.ok()) << delivered.status();

  const std::vector<json> mails = stack.Mails();
  ASSERT_EQ(*delivered, 3) << "new_p1 once, weak_signal once, cluster at 20 once";
  ASSERT_EQ(mails.size(), 3u);
  const org::Person* head = directory->FindPerson(directory->HeadOf(p1_department));
  ASSERT_NE(head, nullptr) << p1_department;
  const std::string case_id = p1_case.substr(p1_case.find('/') + 1);
  int p1 = 0, weak = 0, cluster = 0;
  for (const json& mail : mails) {
    const std::string rcpt = mail["rcpt_tos"][0].get<std::string>();
    const std::string subject = mail["subject"].get<std::string>();
    const std::string text = mail["text"].get<std::string>();
    if (subject.find("P1") != std::string::npos) {
      ++p1;
      EXPECT_EQ(rcpt, head->email);
      EXPECT_NE(subject.find(case_id), std::string::npos) << subject;
    } else if (subject.find("三天") != std::string::npos) {
      ++weak;
      EXPECT_EQ(rcpt, "emily.carter@example.com");
      EXPECT_EQ(subject, "[Weak signal] An emerging issue: logistics:快递 + time:三天");
      EXPECT_NE(text.find("9 today"), std::string::npos) << text;
    } else {
      ++cluster;
      EXPECT_EQ(rcpt, "emily.carter@example.com");
      EXPECT_EQ(subject, "[Similar complaints] Cluster 42 reached 20");
      EXPECT_NE(text.find("logistics.delivery_delay"), std::string::npos) << text;
    }
  }
  EXPECT_EQ(p1, 1);
  EXPECT_EQ(weak, 1);
  EXPECT_EQ(cluster, 1);
}

}  // namespace
}  // namespace voc
