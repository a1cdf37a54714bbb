// `voc customers erase` (issue 9, PIPL / GDPR) against the real loop: every
// data-owning service as its own process (ingest, triage, assignment,
// tracking, verification, notify) on a private Redis, SQLite files in a temp
// folder, authentication on (TestCredentials). Customer C's feedback flows
// through the queues into cases, a callback note, a resolution, a knowledge
// entry, a re-survey and red-line deliveries; customer D's beside it. Then
// the real `voc` binary erases C with an admin key, and the test asks every
// service, over its API, for anything of C's.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/util/time.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"
#include "voc/v1/ingest.grpc.pb.h"
#include "voc/v1/notify.grpc.pb.h"
#include "voc/v1/privacy.grpc.pb.h"
#include "voc/v1/tracking.grpc.pb.h"
#include "voc/v1/triage.grpc.pb.h"
#include "voc/v1/verification.grpc.pb.h"

namespace voc::testing {
namespace {

// What belongs to customer C and must be gone afterwards, wherever it was
// copied: their id, phone number, order id and a phrase of their own.
constexpr char kCustomerC[] = "cust-erase-c";
constexpr char kPhoneC[] = "13800138000";
constexpr char kOrderC[] = "SO20261202778";
constexpr char kPhraseC[] = "销售答应的赠品一直没给";
constexpr char kNoteC[] = "客户说可以打 13800138000 找他";
// Words of the resolution note that no masker touches, to find the entry by.
constexpr char kResolutionWords[] = "已补发赠品";
// Customer D, who must keep everything.
constexpr char kCustomerD[] = "cust-keep-d";
constexpr char kTextD[] = "客服态度很差，电话打了三次都没人接，非常失望";

const std::vector<std::string>& Services() {
  static const std::vector<std::string> names = {"ingest", "triage", "assignment", "tracking", "verification",
                                                 "notify"};
  return names;
}

std::string BinaryFor(const std::string& name) {
  static const std::map<std::string, std::string> binaries = {
      {"ingest", VOC_INGEST_BIN},         {"triage", VOC_TRIAGE_BIN},
      {"assignment", VOC_ASSIGNMENT_BIN}, {"tracking", VOC_TRACKING_BIN},
      {"verification", VOC_VERIFICATION_BIN}, {"notify", VOC_NOTIFY_BIN}};
  return binaries.at(name);
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::seconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

// True when `message`'s bytes carry one of C's identifiers or texts
// (protobuf keeps strings as their UTF-8 bytes).
std::string LeakIn(const google::protobuf::Message& message) {
  const std::string bytes = message.SerializeAsString();
  for (const char* secret : {kCustomerC, kPhoneC, kOrderC, kPhraseC}) {
    if (bytes.find(secret) != std::string::npos) return secret;
  }
  return "";
}

v1::Feedback Detractor(const std::string& external_id, const std::string& customer, const std::string& text,
                       int nps) {
  v1::Feedback f;
  f.set_channel(v1::CHANNEL_NPS_SURVEY);
  f.set_external_id(external_id);
  f.set_text(text);
  f.set_nps(nps);
  f.mutable_customer()->set_id(customer);
  f.mutable_customer()->set_value_tier("vip");
  f.mutable_customer()->set_account_manager("p-zhang-wei");
  f.mutable_customer()->set_store("store-sh-001");
  f.mutable_customer()->set_region("east");
  return f;
}

class ErasureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    creds_.Add("reader", "cases:read,feedback:read,analytics:read");
    for (const auto& name : Services()) ports_[name] = FreePort();
    WriteConfig();
    for (const auto& name : Services()) Start(name);
    ingest_ = v1::IngestService::NewStub(Channel("ingest"));
    triage_ = v1::TriageService::NewStub(Channel("triage"));
    tracking_ = v1::TrackingService::NewStub(Channel("tracking"));
    verification_ = v1::VerificationService::NewStub(Channel("verification"));
    notify_ = v1::NotifyService::NewStub(Channel("notify"));
  }

  void TearDown() override {
    ingest_.reset();
    triage_.reset();
    tracking_.reset();
    verification_.reset();
    notify_.reset();
    for (auto& [name, process] : processes_) kill(process->pid(), SIGTERM);
    for (auto& [name, process] : processes_) process->Terminate(5000);
  }

  std::string Address(const std::string& name) { return "127.0.0.1:" + std::to_string(ports_.at(name)); }
  std::shared_ptr<grpc::Channel> Channel(const std::string& name, const std::string& principal = "tester") {
    return creds_.Channel(Address(name), principal);
  }

  void WriteConfig() {
    std::ofstream(dir_.path() + "/subscriptions.yaml") << "defaults:\n  channels: [file]\n";
    config_ = dir_.path() + "/voc.yaml";
    std::ofstream out(config_);
    out << creds_.AuthYaml() << "data_dir: " << dir_.path() << "/var\n"
        << "redis: {host: 127.0.0.1, port: " << redis_.port() << "}\n"
        << "log_format: json\nlog_level: info\n"
        << "org: {directory: config/directory.yaml}\n"
        << "notifier: {kind: stream}\n"
        << "services:\n";
    for (const auto& name : Services()) {
      out << "  " << name << ":\n"
          << "    listen: " << Address(name) << "\n"
          << "    address: " << Address(name) << "\n"
          << "    metrics_listen: \"\"\n"
          << "    database: sqlite3://" << name << ".db\n"
          << "    reclaim_idle_ms: 2000\n";
      if (name == "tracking") out << "    sla_sweep_interval_ms: 3600000\n";
      if (name == "verification") out << "    scheduler_interval_ms: 3600000\n";
      if (name == "notify") {
        out << "    subscriptions: " << dir_.path() << "/subscriptions.yaml\n"
            << "    delivery_interval_ms: 100\n"
            << "    channels:\n      file: {path: outbox.jsonl}\n";
      }
    }
  }

  void Start(const std::string& name) {
    processes_[name] = std::make_unique<ChildProcess>(
        std::vector<std::string>{BinaryFor(name), "--config", config_}, dir_.path() + "/" + name + ".log",
        creds_.ServiceEnv(name), VOC_SOURCE_DIR);
    ASSERT_TRUE(WaitForPort(ports_[name], 60000)) << "voc-" << name << " did not start; see " << dir_.path();
  }

  v1::Feedback Submit(const v1::Feedback& feedback) {
    grpc::ClientContext context;
    v1::SubmitFeedbackRequest request;
    *request.mutable_feedback() = feedback;
    v1::SubmitFeedbackResponse response;
    const grpc::Status status = ingest_->SubmitFeedback(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.feedback();
  }

  std::vector<v1::Case> CasesOf(const std::string& feedback_id) {
    grpc::ClientContext context;
    v1::ListCasesRequest request;
    request.set_feedback_id(feedback_id);
    request.set_page_size(100);
    v1::ListCasesResponse response;
    EXPECT_TRUE(tracking_->ListCases(&context, request, &response).ok());
    return {response.cases().begin(), response.cases().end()};
  }

  v1::Case GetCase(const std::string& name) {
    grpc::ClientContext context;
    v1::GetCaseRequest request;
    request.set_name(name);
    v1::Case c;
    const grpc::Status status = tracking_->GetCase(&context, request, &c);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return c;
  }

  v1::CountFeedbackResponse Counts() {
    grpc::ClientContext context;
    v1::CountFeedbackRequest request;
    *request.mutable_start_time() = ToProto(FromMillis(0));
    *request.mutable_end_time() = ToProto(FromMillis(4102444800000LL));  // 2100
    v1::CountFeedbackResponse response;
    EXPECT_TRUE(triage_->CountFeedback(&context, request, &response).ok());
    return response;
  }

  v1::ResurveySummary ResurveySummary() {
    grpc::ClientContext context;
    v1::ResurveySummary response;
    EXPECT_TRUE(verification_->GetResurveySummary(&context, {}, &response).ok());
    return response;
  }

  v1::ListResurveysResponse Resurveys(const std::string& customer_id) {
    grpc::ClientContext context;
    v1::ListResurveysRequest request;
    request.set_customer_id(customer_id);
    request.set_page_size(100);
    v1::ListResurveysResponse response;
    EXPECT_TRUE(verification_->ListResurveys(&context, request, &response).ok());
    return response;
  }

  v1::SearchKnowledgeResponse Knowledge(const std::string& query) {
    grpc::ClientContext context;
    v1::SearchKnowledgeRequest request;
    request.set_query(query);
    v1::SearchKnowledgeResponse response;
    EXPECT_TRUE(verification_->SearchKnowledge(&context, request, &response).ok());
    return response;
  }

  v1::ListDeliveriesResponse Deliveries(const std::string& case_id) {
    grpc::ClientContext context;
    v1::ListDeliveriesRequest request;
    request.set_case_id(case_id);
    v1::ListDeliveriesResponse response;
    EXPECT_TRUE(notify_->ListDeliveries(&context, request, &response).ok());
    return response;
  }

  // Runs the real CLI; returns its exit code, its output in *output.
  int RunCli(const std::vector<std::string>& args, const std::string& api_key, std::string* output) {
    const std::string log = dir_.path() + "/cli-" + std::to_string(cli_runs_++) + ".log";
    std::vector<std::string> argv = {VOC_CLI_BIN, "--config", config_};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess cli(argv, log, {{"VOC_API_KEY", api_key}}, VOC_SOURCE_DIR);
    const auto status = cli.WaitForExit(120000);
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    *output = text.str();
    if (!status || !WIFEXITED(*status)) return -1;
    return WEXITSTATUS(*status);
  }

  grpc::Status EraseAs(const std::string& service, const std::string& principal, const std::string& acting_for,
                       v1::EraseCustomerResponse* response) {
    auto stub = v1::PrivacyService::NewStub(Channel(service, principal));
    grpc::ClientContext context;
    if (!acting_for.empty()) ActFor(context, acting_for);
    v1::EraseCustomerRequest request;
    request.set_customer_id(kCustomerC);
    return stub->EraseCustomer(&context, request, response);
  }

  TestCredentials creds_;
  TempDir dir_;
  RedisServer redis_;
  std::map<std::string, int> ports_;
  std::map<std::string, std::unique_ptr<ChildProcess>> processes_;
  std::string config_;
  int cli_runs_ = 0;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::TriageService::Stub> triage_;
  std::unique_ptr<v1::TrackingService::Stub> tracking_;
  std::unique_ptr<v1::VerificationService::Stub> verification_;
  std::unique_ptr<v1::NotifyService::Stub> notify_;
};

TEST_F(ErasureTest, EraseLeavesNothingOfTheCustomerAndKeepsCountsAndOthers) {
  // C: a detractor whose text names a red line, their phone and an order.
  v1::Feedback c_feedback = Detractor("erase-c-1", kCustomerC,
                                      std::string("开了两个月刹车失灵，") + kPhraseC + "，订单号 " + kOrderC +
                                          "，请打 " + kPhoneC + " 联系我",
                                      1);
  (*c_feedback.mutable_attributes())["order_id"] = kOrderC;
  const v1::Feedback c = Submit(c_feedback);
  const v1::Feedback d = Submit(Detractor("keep-d-1", kCustomerD, kTextD, 2));
  ASSERT_FALSE(c.id().empty());
  ASSERT_FALSE(d.id().empty());

  // Through triage and assignment into tracking: a callback and a red-line case for C.
  v1::Case c_callback, c_red_line;
  ASSERT_TRUE(WaitFor([&] {
    for (const auto& k : CasesOf(c.id())) {
      if (k.kind() == v1::CASE_KIND_DETRACTOR_CALLBACK) c_callback = k;
      if (k.kind() == v1::CASE_KIND_RED_LINE) c_red_line = k;
    }
    return !c_callback.name().empty() && !c_red_line.name().empty();
  })) << "no callback and red-line case for C; logs in " << dir_.path();
  ASSERT_TRUE(WaitFor([&] { return !CasesOf(d.id()).empty(); })) << "no case for D; logs in " << dir_.path();
  const v1::Case d_case_before = GetCase(CasesOf(d.id())[0].name());

  // People write about C too: a callback note and a resolution note with
  // their phone number; the resolution makes a knowledge entry and a re-survey.
  {
    grpc::ClientContext context;
    v1::LogCallbackRequest request;
    request.set_name(c_callback.name());
    request.set_reached(true);
    request.set_note(kNoteC);
    v1::Case out;
    const grpc::Status status = tracking_->LogCallback(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    grpc::ClientContext context;
    v1::ResolveCaseRequest request;
    request.set_name(c_callback.name());
    request.set_resolution_note(std::string(kResolutionWords) + "，" + kNoteC);
    v1::Case out;
    const grpc::Status status = tracking_->ResolveCase(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_TRUE(WaitFor([&] { return Resurveys(kCustomerC).resurveys_size() == 1; }))
      << "no re-survey for C; logs in " << dir_.path();
  ASSERT_TRUE(WaitFor([&] { return Knowledge(kResolutionWords).entries_size() > 0; }))
      << "no knowledge entry of C's case; logs in " << dir_.path();
  ASSERT_TRUE(WaitFor([&] { return Deliveries(c_red_line.id()).deliveries_size() > 0; }))
      << "no red-line delivery for C's case; logs in " << dir_.path();
  // Before: C's data is there to be found (so the checks below can fail).
  ASSERT_NE(LeakIn(GetCase(c_callback.name())), "");

  const v1::CountFeedbackResponse counts_before = Counts();
  const v1::ResurveySummary summary_before = ResurveySummary();
  ASSERT_EQ(counts_before.total_count(), 2);

  // The erase, by the real CLI with an admin key.
  std::string output;
  ASSERT_EQ(RunCli({"customers", "erase", kCustomerC, "--yes"}, creds_.Token("tester"), &output), 0) << output;
  for (const auto& service : Services()) EXPECT_NE(output.find(service), std::string::npos) << output;
  EXPECT_NE(output.find("feedback 1"), std::string::npos) << output;
  EXPECT_NE(output.find("triage_results 1"), std::string::npos) << output;
  EXPECT_NE(output.find("cases "), std::string::npos) << output;
  EXPECT_NE(output.find("knowledge_entries 1"), std::string::npos) << output;
  EXPECT_NE(output.find("resurveys 1"), std::string::npos) << output;
  EXPECT_NE(output.find("deliveries"), std::string::npos) << output;
  EXPECT_EQ(output.find(kPhoneC), std::string::npos) << "the CLI printed C's text: " << output;

  // Ingest: the feedback is there (counts stay) but holds nothing of C's.
  {
    grpc::ClientContext context;
    v1::GetFeedbackRequest request;
    request.set_name("feedback/" + c.id());
    v1::Feedback f;
    ASSERT_TRUE(ingest_->GetFeedback(&context, request, &f).ok());
    EXPECT_EQ(LeakIn(f), "") << f.DebugString();
    EXPECT_TRUE(f.text().empty());
    EXPECT_EQ(f.nps(), 1);
    EXPECT_EQ(f.attributes().count("order_id"), 0u);
  }
  {
    grpc::ClientContext context;
    v1::ListFeedbackRequest request;
    request.set_page_size(100);
    v1::ListFeedbackResponse all;
    ASSERT_TRUE(ingest_->ListFeedback(&context, request, &all).ok());
    EXPECT_EQ(all.feedbacks_size(), 2);
    EXPECT_EQ(LeakIn(all), "");
    grpc::ClientContext by_customer_context;
    request.set_customer_id(kCustomerC);
    v1::ListFeedbackResponse by_customer;
    ASSERT_TRUE(ingest_->ListFeedback(&by_customer_context, request, &by_customer).ok());
    EXPECT_EQ(by_customer.feedbacks_size(), 0);
  }
  // Triage: the result keeps its reading, not C's words; clusters neither.
  {
    grpc::ClientContext context;
    v1::GetTriageResultRequest request;
    request.set_feedback(c.id());
    v1::TriageResult result;
    ASSERT_TRUE(triage_->GetTriageResult(&context, request, &result).ok());
    EXPECT_EQ(LeakIn(result), "") << result.DebugString();
    EXPECT_EQ(result.sentiment(), v1::SENTIMENT_NEGATIVE);
    grpc::ClientContext clusters_context;
    v1::ListClustersRequest clusters_request;
    clusters_request.set_min_size(1);
    v1::ListClustersResponse clusters;
    ASSERT_TRUE(triage_->ListClusters(&clusters_context, clusters_request, &clusters).ok());
    EXPECT_EQ(LeakIn(clusters), "") << clusters.DebugString();
  }
  // Tracking: C's cases keep their states and history, not C's texts.
  for (const v1::Case& k : {c_callback, c_red_line}) {
    const v1::Case after = GetCase(k.name());
    EXPECT_EQ(LeakIn(after), "") << after.DebugString();
    EXPECT_EQ(after.state(), k.name() == c_callback.name() ? v1::CASE_STATE_RESOLVED : k.state());
    EXPECT_TRUE(after.customer_id().empty());
  }
  {
    grpc::ClientContext context;
    v1::ListCasesRequest request;
    request.set_page_size(100);
    v1::ListCasesResponse all;
    ASSERT_TRUE(tracking_->ListCases(&context, request, &all).ok());
    EXPECT_EQ(LeakIn(all), "");
    grpc::ClientContext by_customer_context;
    request.set_customer_id(kCustomerC);
    v1::ListCasesResponse by_customer;
    ASSERT_TRUE(tracking_->ListCases(&by_customer_context, request, &by_customer).ok());
    EXPECT_EQ(by_customer.cases_size(), 0);
  }
  // Verification: no knowledge entry quotes C, no re-survey names them; the
  // figures are the same.
  EXPECT_EQ(Knowledge(kResolutionWords).entries_size(), 0);
  EXPECT_EQ(Knowledge(kPhoneC).entries_size(), 0);
  EXPECT_EQ(Resurveys(kCustomerC).resurveys_size(), 0);
  EXPECT_EQ(LeakIn(Resurveys("")), "");
  const v1::ResurveySummary summary_after = ResurveySummary();
  EXPECT_EQ(summary_after.SerializeAsString(), summary_before.SerializeAsString()) << summary_after.DebugString();
  const v1::CountFeedbackResponse counts_after = Counts();
  EXPECT_EQ(counts_after.total_count(), counts_before.total_count());
  EXPECT_EQ(counts_after.negative_count(), counts_before.negative_count());
  // Notify: the red-line deliveries stay (states, recipients), their texts go.
  {
    const v1::ListDeliveriesResponse deliveries = Deliveries(c_red_line.id());
    EXPECT_GT(deliveries.deliveries_size(), 0);
    EXPECT_EQ(LeakIn(deliveries), "") << deliveries.DebugString();
  }

  // D is untouched.
  {
    grpc::ClientContext context;
    v1::GetFeedbackRequest request;
    request.set_name("feedback/" + d.id());
    v1::Feedback f;
    ASSERT_TRUE(ingest_->GetFeedback(&context, request, &f).ok());
    EXPECT_EQ(f.text(), kTextD);
    EXPECT_EQ(f.customer().id(), kCustomerD);
    EXPECT_EQ(f.external_id(), "keep-d-1");
    const v1::Case d_case_after = GetCase(d_case_before.name());
    EXPECT_EQ(d_case_after.summary(), d_case_before.summary());
    EXPECT_EQ(d_case_after.customer_id(), kCustomerD);
    EXPECT_EQ(d_case_after.title(), d_case_before.title());
  }

  // A second erase finds nothing left, and says so.
  ASSERT_EQ(RunCli({"customers", "erase", kCustomerC, "--yes"}, creds_.Token("tester"), &output), 0) << output;
  EXPECT_NE(output.find("total         0 records erased"), std::string::npos) << output;
  for (const auto& service : Services()) {
    v1::EraseCustomerResponse again;
    const grpc::Status status = EraseAs(service, "tester", "", &again);
    ASSERT_TRUE(status.ok()) << service << ": " << status.error_message();
    EXPECT_EQ(again.service(), service);
    EXPECT_TRUE(again.erased().empty()) << service << ": " << again.DebugString();
  }
  // Ingest still answers which feedback was C's, so a re-run reaches every service.
  v1::EraseCustomerResponse ingest_again;
  ASSERT_TRUE(EraseAs("ingest", "tester", "", &ingest_again).ok());
  ASSERT_EQ(ingest_again.feedback_ids_size(), 1);
  EXPECT_EQ(ingest_again.feedback_ids(0), c.id());
}

TEST_F(ErasureTest, OnlyAnAdminMayErase) {
  for (const auto& service : Services()) {
    v1::EraseCustomerResponse response;
    // A key that reads everything is not an admin.
    EXPECT_EQ(EraseAs(service, "reader", "", &response).error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << service;
    // Nor is a department head the gateway calls for.
    EXPECT_EQ(EraseAs(service, "gateway", "p-wang-lei", &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << service;
    // An admin person may (nothing to erase here).
    const grpc::Status admin = EraseAs(service, "gateway", "p-sun-li", &response);
    EXPECT_TRUE(admin.ok()) << service << ": " << admin.error_message();
    // No credential at all.
    auto stub = v1::PrivacyService::NewStub(grpc::CreateChannel(Address(service), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::EraseCustomerRequest request;
    request.set_customer_id(kCustomerC);
    EXPECT_EQ(stub->EraseCustomer(&context, request, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << service;
  }
  // The CLI with a non-admin key reports the refusal and exits 1.
  std::string output;
  EXPECT_EQ(RunCli({"customers", "erase", kCustomerC, "--yes"}, creds_.Token("reader"), &output), 1) << output;
  EXPECT_NE(output.find("PERMISSION_DENIED"), std::string::npos) << output;
  EXPECT_NE(output.find("again"), std::string::npos) << output;
}

TEST_F(ErasureTest, ARequestWithoutACustomerIsRefusedNamingTheField) {
  auto stub = v1::PrivacyService::NewStub(Channel("tracking"));
  grpc::ClientContext context;
  v1::EraseCustomerRequest request;
  v1::EraseCustomerResponse response;
  const grpc::Status status = stub->EraseCustomer(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("customer_id"), std::string::npos) << status.error_message();
}

}  // namespace
}  // namespace voc::testing
