#include "tests/e2e/stack.h"

#include <signal.h>

#include <fstream>
#include <stdexcept>
#include <thread>

#include "common/auth/authenticator.h"
#include "common/rpc/channel.h"
#include "common/util/time.h"

namespace voc::e2e {

const std::vector<std::string>& ServiceNames() {
  // voc-identity first: the others ask it about API keys (issue 9).
  static const std::vector<std::string> names = {"identity", "ingest",       "triage",  "assignment",
                                                 "tracking", "verification", "entities"};
  return names;
}

namespace {

std::string BinaryFor(const std::string& name) {
  static const std::map<std::string, std::string> binaries = {
      {"ingest", VOC_INGEST_BIN},         {"triage", VOC_TRIAGE_BIN},
      {"assignment", VOC_ASSIGNMENT_BIN}, {"tracking", VOC_TRACKING_BIN},
      {"verification", VOC_VERIFICATION_BIN}, {"identity", VOC_IDENTITY_BIN},
      {"notify", VOC_NOTIFY_BIN},         {"entities", VOC_ENTITIES_BIN}};
  return binaries.at(name);
}

}  // namespace

std::shared_ptr<grpc::Channel> Stack::ChannelAs(const std::string& service, const std::string& principal) const {
  return credentials_.Channel("127.0.0.1:" + std::to_string(ports_.at(service)), principal);
}

Stack::Stack(StackOptions options) : options_(options), services_(ServiceNames()) {
  if (!options_.smtp_url.empty()) services_.push_back("notify");
  redis_ = std::make_unique<testing::RedisServer>();
  for (const auto& name : services_) ports_[name] = testing::FreePort();
  // An internal system that may only submit feedback (issue 9's tests).
  credentials_.Add("feedback-only", "feedback:write");
  bootstrap_admin_key_ = "vk_b00757a9c0de_" + auth::RandomToken();
  WriteConfig();
  for (const auto& name : services_) StartService(name);
  ingest_ = voc::v1::IngestService::NewStub(ChannelAs("ingest", "tester"));
  triage_ = voc::v1::TriageService::NewStub(ChannelAs("triage", "tester"));
  assignment_ = voc::v1::AssignmentService::NewStub(ChannelAs("assignment", "tester"));
  tracking_ = voc::v1::TrackingService::NewStub(ChannelAs("tracking", "tester"));
  verification_ = voc::v1::VerificationService::NewStub(ChannelAs("verification", "tester"));
  entities_ = voc::v1::EntityService::NewStub(ChannelAs("entities", "tester"));
  root_causes_ = voc::v1::RootCauseService::NewStub(ChannelAs("triage", "tester"));
  outreach_for_people_ = voc::v1::OutreachService::NewStub(ChannelAs("entities", "gateway"));
  tracking_for_people_ = voc::v1::TrackingService::NewStub(ChannelAs("tracking", "gateway"));
  projects_for_people_ = voc::v1::ProjectWorkflowService::NewStub(ChannelAs("tracking", "gateway"));
  rpc::ChannelSecurity admin;
  admin.bearer_token = bootstrap_admin_key_;
  identity_admin_ = voc::v1::IdentityService::NewStub(
      rpc::MakeChannel("127.0.0.1:" + std::to_string(ports_["identity"]), admin));
}

Stack::~Stack() {
  // Close our channels first: a server shutting down waits for open calls.
  ingest_.reset();
  triage_.reset();
  assignment_.reset();
  tracking_.reset();
  verification_.reset();
  entities_.reset();
  root_causes_.reset();
  outreach_for_people_.reset();
  tracking_for_people_.reset();
  projects_for_people_.reset();
  identity_admin_.reset();
  // SIGTERM every service at once, then reap them.
  for (auto& [name, process] : processes_) kill(process->pid(), SIGTERM);
  for (auto& [name, process] : processes_) process->Terminate(5000);
}

void Stack::WriteConfig() {
  config_path_ = dir_.path() + "/voc.yaml";
  std::ofstream out(config_path_);
  out << "data_dir: " << dir_.path() << "/var\n"
      << "redis: {host: 127.0.0.1, port: " << redis_->port() << "}\n"
      << "dev_clock: true\n"
      << "log_format: json\n"
      << "log_level: info\n"
      << "org: {directory: config/directory.yaml}\n"
      << credentials_.AuthYaml();
  if (!options_.notifier_webhook_url.empty()) {
    out << "notifier: {kind: webhook, webhook_url: \"" << options_.notifier_webhook_url << "\"}\n";
  } else if (!options_.smtp_url.empty()) {
    out << "notifier: {kind: stream}\n";
  }
  out
      << "services:\n";
  for (const auto& name : services_) {
    std::string address = "127.0.0.1:" + std::to_string(ports_[name]);
    out << "  " << name << ":\n"
        << "    listen: " << address << "\n"
        << "    address: " << address << "\n"
        << "    metrics_listen: 127.0.0.1:0\n"  // a free port: stacks may run side by side
        << "    database: sqlite3://" << name << ".db\n"
        << "    reclaim_idle_ms: 2000\n";
    if (name == "triage") {
      out << "    taxonomy: config/taxonomy.yaml\n"
          << "    redlines: config/redlines.yaml\n"
          << "    priority: config/priority.yaml\n";
    } else if (name == "assignment") {
      out << "    routing: config/routing.yaml\n";
    } else if (name == "tracking") {
      out << "    sla_sweep_interval_ms: " << options_.sla_sweep_interval_ms << "\n"
          << "    overdue_digest_at: \"" << options_.overdue_digest_at << "\"\n"
          // The shipped committee (config/voc.yaml): improvement projects wait for its approval.
          << "    voc_committee: \"p-emily-carter, p-zhao-min, p-chen-jianguo\"\n";
      if (options_.smtp_url.empty()) out << "    notifier: {kind: log}\n";
    } else if (name == "notify") {
      out << "    subscriptions: config/subscriptions.yaml\n"
          << "    delivery_interval_ms: 100\n"
          << "    case_link_base: " << options_.case_link_base << "\n"
          << "    channels:\n"
          << "      log: {enabled: true}\n"
          << "      email: {smtp_url: \"" << options_.smtp_url << "\", from: voc@example.com, starttls: \"off\","
          << " timeout_ms: 10000}\n";
    } else if (name == "entities") {
      // The shipped schema; the shipped contact rules (at most 2 a customer
      // in 30 days, quiet 21:00-09:00 in the customer's zone).
      out << "    schema: config/entities.yaml\n"
          << "    schema_reload_interval_ms: 0\n"
          << "    import_batch_rows: 500\n"
          << "    outreach:\n"
          << "      run_interval_ms: " << options_.outreach_run_interval_ms << "\n";
    } else if (name == "verification") {
      out << "    check_delay_hours: " << options_.check_delay_hours << "\n"
          << "    window_days: " << options_.window_days << "\n"
          << "    resurvey_delay_days: 90\n"
          << "    significance: 0.05\n"
          << "    scheduler_interval_ms: " << options_.verification_interval_ms << "\n";
    }
  }
  out << "  gateway:\n    listen: 127.0.0.1:0\n    metrics_listen: 127.0.0.1:0\n";
}

std::map<std::string, std::string> Stack::EnvFor(const std::string& name) const {
  auto env = credentials_.ServiceEnv(name);
  if (name == "identity") env["VOC_BOOTSTRAP_ADMIN_KEY"] = bootstrap_admin_key_;
  return env;
}

void Stack::StartService(const std::string& name) {
  processes_.erase(name);
  processes_[name] = std::make_unique<testing::ChildProcess>(
      std::vector<std::string>{BinaryFor(name), "--config", config_path_}, dir_.path() + "/" + name + ".log",
      EnvFor(name), VOC_SOURCE_DIR);
  if (!testing::WaitForPort(ports_[name], 60000)) {
    throw std::runtime_error("voc-" + name + " did not start; see " + dir_.path() + "/" + name + ".log");
  }
}

void Stack::KillService(const std::string& name) {
  auto it = processes_.find(name);
  if (it != processes_.end()) it->second->Kill();
}

void Stack::AdvanceClock(std::chrono::seconds by) {
  for (const auto& name : services_) {
    auto stub = voc::v1::DevClockService::NewStub(ChannelAs(name, "tester"));
    grpc::ClientContext context;
    voc::v1::AdvanceClockRequest request;
    *request.mutable_by() = ToProto(std::chrono::duration_cast<Duration>(by));
    voc::v1::GetTimeResponse response;
    auto status = stub->AdvanceClock(&context, request, &response);
    if (!status.ok()) throw std::runtime_error("advancing " + name + "'s clock: " + status.error_message());
  }
}

std::chrono::system_clock::time_point Stack::Now() {
  auto stub = voc::v1::DevClockService::NewStub(ChannelAs("ingest", "tester"));
  grpc::ClientContext context;
  voc::v1::GetTimeResponse response;
  auto status = stub->GetTime(&context, {}, &response);
  if (!status.ok()) throw std::runtime_error("GetTime: " + status.error_message());
  return FromProto(response.now());
}

bool Stack::WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

}  // namespace voc::e2e
