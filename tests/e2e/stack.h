// An end-to-end VoC Loop: a private redis-server and every service as its
// own process (the real binaries), SQLite files in a temporary folder, the
// dev clock on so tests can move the whole system's time forward. Issue 13:
// voc-entities (operational data, the root-cause join, outreach) runs in
// every stack; triage's root causes call it, and it reads who complained
// from ingest and triage.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"
#include "voc/v1/assignment.grpc.pb.h"
#include "voc/v1/devclock.grpc.pb.h"
#include "voc/v1/entities.grpc.pb.h"
#include "voc/v1/identity.grpc.pb.h"
#include "voc/v1/ingest.grpc.pb.h"
#include "voc/v1/outreach.grpc.pb.h"
#include "voc/v1/rootcause.grpc.pb.h"
#include "voc/v1/tracking.grpc.pb.h"
#include "voc/v1/triage.grpc.pb.h"
#include "voc/v1/verification.grpc.pb.h"

namespace voc::e2e {

struct StackOptions {
  // Verification: check a closed project this long after it closed, and
  // compare windows of window_days.
  int check_delay_hours = 1;
  int window_days = 7;
  // Periodic work (real milliseconds). Long values leave it to the RPCs.
  int sla_sweep_interval_ms = 200;
  int verification_interval_ms = 3600000;
  // When set, every alert (red lines, escalations) is POSTed here instead
  // of logged (the top-level `notifier:` setting).
  std::string notifier_webhook_url;
  // Issue 11: when set ("smtp://127.0.0.1:<port>"), the stack also runs
  // voc-notify delivering e-mail there (plain SMTP, the shipped
  // subscriptions, links to case_link_base), and every stage publishes its
  // notifications to the notify stream (`notifier: {kind: stream}`).
  std::string smtp_url;
  std::string case_link_base = "http://voc.test";
  // services.tracking.overdue_digest_at: off by default, so a test that
  // moves the clock past 08:30 gets no digest it did not ask for.
  std::string overdue_digest_at = "off";
  // services.entities.outreach.run_interval_ms: 0 (the default here) runs a
  // campaign only by RunCampaign, so a test decides when it sends.
  int outreach_run_interval_ms = 0;
};

class Stack {
 public:
  explicit Stack(StackOptions options = {});
  ~Stack();

  // Starts (or restarts) one service process: "ingest", "triage", ...
  void StartService(const std::string& name);
  // SIGKILLs one service process (no clean shutdown).
  void KillService(const std::string& name);

  // The services this stack runs: ServiceNames(), plus "notify" with smtp_url.
  const std::vector<std::string>& services() const { return services_; }

  // Moves every service's clock forward by the same amount.
  void AdvanceClock(std::chrono::seconds by);
  // The dev clock's "now" as seen by ingest.
  std::chrono::system_clock::time_point Now();

  // Polls `condition` every 50 ms until it holds or `timeout` passes (for
  // asynchronous delivery through the queues, never for SLAs).
  static bool WaitFor(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Stubs whose calls carry the "tester" principal's token (every scope):
  // authentication is on in every stack (issue 9).
  voc::v1::IngestService::Stub& ingest() { return *ingest_; }
  voc::v1::TriageService::Stub& triage() { return *triage_; }
  voc::v1::AssignmentService::Stub& assignment() { return *assignment_; }
  voc::v1::TrackingService::Stub& tracking() { return *tracking_; }
  voc::v1::VerificationService::Stub& verification() { return *verification_; }
  // Issue 13: voc-entities' rows and imports, and triage's root causes.
  voc::v1::EntityService::Stub& entities() { return *entities_; }
  voc::v1::RootCauseService::Stub& root_causes() { return *root_causes_; }

  // The tracking stub of the "gateway" principal: a call made with
  // testing::ActFor(context, person) is that person's, as from the web page.
  voc::v1::TrackingService::Stub& tracking_for_people() { return *tracking_for_people_; }
  // The project workflow (the VoC committee's decisions) the same way.
  voc::v1::ProjectWorkflowService::Stub& projects_for_people() { return *projects_for_people_; }
  // Outreach (voc-entities) the same way: segments, campaigns, the head's approval.
  voc::v1::OutreachService::Stub& outreach_for_people() { return *outreach_for_people_; }
  // voc-identity as the bootstrap admin key (scope admin): makes accounts
  // and API keys for the tests.
  voc::v1::IdentityService::Stub& identity_admin() { return *identity_admin_; }
  // This stack's tokens; a channel to a service as any principal of them.
  testing::TestCredentials& credentials() { return credentials_; }
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& service, const std::string& principal) const;

  const std::string& log_dir() const { return dir_.path(); }
  // Where a service ("ingest", ...) or "redis" listens on 127.0.0.1, and a
  // running service's pid (for tools that look from outside).
  int port(const std::string& name) const { return name == "redis" ? redis_->port() : ports_.at(name); }
  pid_t pid(const std::string& name) const { return processes_.at(name)->pid(); }

 private:
  void WriteConfig();
  std::map<std::string, std::string> EnvFor(const std::string& name) const;

  StackOptions options_;
  std::vector<std::string> services_;
  testing::TempDir dir_;
  testing::TestCredentials credentials_;
  std::string bootstrap_admin_key_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::map<std::string, int> ports_;
  std::map<std::string, std::unique_ptr<testing::ChildProcess>> processes_;
  std::string config_path_;
  std::unique_ptr<voc::v1::IngestService::Stub> ingest_;
  std::unique_ptr<voc::v1::TriageService::Stub> triage_;
  std::unique_ptr<voc::v1::AssignmentService::Stub> assignment_;
  std::unique_ptr<voc::v1::TrackingService::Stub> tracking_;
  std::unique_ptr<voc::v1::VerificationService::Stub> verification_;
  std::unique_ptr<voc::v1::EntityService::Stub> entities_;
  std::unique_ptr<voc::v1::RootCauseService::Stub> root_causes_;
  std::unique_ptr<voc::v1::OutreachService::Stub> outreach_for_people_;
  std::unique_ptr<voc::v1::TrackingService::Stub> tracking_for_people_;
  std::unique_ptr<voc::v1::ProjectWorkflowService::Stub> projects_for_people_;
  std::unique_ptr<voc::v1::IdentityService::Stub> identity_admin_;
};

// The services the loop runs, in start order (consumers after producers do
// not matter for correctness: groups start at the stream's beginning).
const std::vector<std::string>& ServiceNames();

}  // namespace voc::e2e
