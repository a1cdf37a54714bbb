// The real gateway (Router + HttpServer + the web page) over an in-memory
// backend, for the browser test: no services, no Redis, deterministic data.
// Usage: stub_gateway STATIC_DIR [PORT]   (prints "listening on PORT")
#include <csignal>
#include <iostream>
#include <mutex>

#include "common/util/time.h"
#include "services/gateway/http_server.h"
#include "services/gateway/router.h"

namespace {

using namespace voc;
using namespace voc::gateway;

class InMemoryBackend final : public GatewayBackend {
 public:
  InMemoryBackend() {
    const TimePoint now = clock_.Now();
    Add("c-overdue", "<img src=x onerror=\"window.__xss=1\">Overdue callback", v1::PRIORITY_P1, now - std::chrono::hours(2), true);
    Add("c-soon", "配送延迟投诉", v1::PRIORITY_P2, now + std::chrono::hours(3), false);
    Add("c-later", "App crash on login", v1::PRIORITY_P3, now + std::chrono::hours(20), false);
  }

  grpc::Status ListCases(const v1::ListCasesRequest& request, v1::ListCasesResponse* response) override {
    std::lock_guard lock(mu_);
    // Reversed on purpose: the page itself must put overdue cases first.
    for (auto it = cases_.rbegin(); it != cases_.rend(); ++it) {
      if (request.open_only() && (it->state() == v1::CASE_STATE_RESOLVED || it->state() == v1::CASE_STATE_CLOSED)) continue;
      if (!request.department().empty() && it->owners(0).department() != request.department()) continue;
      *response->add_cases() = *it;
    }
    return grpc::Status::OK;
  }
  grpc::Status GetCase(const std::string& name, v1::Case* response) override {
    std::lock_guard lock(mu_);
    auto* c = Find(name);
    if (!c) return {grpc::StatusCode::NOT_FOUND, name + " not found"};
    *response = *c;
    return grpc::Status::OK;
  }
  grpc::Status GetFeedback(const std::string& name, v1::Feedback* response) override {
    response->set_name(name);
    response->set_id(name.substr(9));
    response->set_channel(v1::CHANNEL_NPS_SURVEY);
    response->set_text("<script>window.__xss=1</script>快递一周还没到，太失望了");
    response->set_nps(2);
    response->mutable_customer()->set_id("c-10001");
    return grpc::Status::OK;
  }
  grpc::Status AcknowledgeCase(const v1::AcknowledgeCaseRequest& request, v1::Case* response) override {
    std::lock_guard lock(mu_);
    auto* c = Find(request.name());
    if (!c) return {grpc::StatusCode::NOT_FOUND, request.name() + " not found"};
    if (c->state() != v1::CASE_STATE_OPEN) return {grpc::StatusCode::FAILED_PRECONDITION, request.name() + " is not open"};
    c->set_state(v1::CASE_STATE_ACKNOWLEDGED);
    History(c, request.actor(), "acknowledged", "");
    *response = *c;
    return grpc::Status::OK;
  }
  grpc::Status LogCallback(const v1::LogCallbackRequest& request, v1::Case* response) override {
    std::lock_guard lock(mu_);
    auto* c = Find(request.name());
    if (!c) return {grpc::StatusCode::NOT_FOUND, request.name() + " not found"};
    auto* cb = c->add_callbacks();
    *cb->mutable_time() = ToProto(clock_.Now());
    cb->set_actor(request.actor());
    cb->set_reached(request.reached());
    cb->set_note(request.note());
    c->set_state(request.reached() ? v1::CASE_STATE_IN_PROGRESS : v1::CASE_STATE_WAITING_ON_CUSTOMER);
    History(c, request.actor(), "callback_logged", request.note());
    *response = *c;
    return grpc::Status::OK;
  }
  grpc::Status ResolveCase(const v1::ResolveCaseRequest& request, v1::Case* response) override {
    std::lock_guard lock(mu_);
    auto* c = Find(request.name());
    if (!c) return {grpc::StatusCode::NOT_FOUND, request.name() + " not found"};
    c->set_state(v1::CASE_STATE_RESOLVED);
    c->set_overdue(false);
    c->set_resolution_note(request.resolution_note());
    History(c, request.actor(), "resolved", request.resolution_note());
    *response = *c;
    return grpc::Status::OK;
  }
  ClockReading Now() override { return {clock_.Now(), "wall_clock"}; }

 private:
  void Add(const std::string& id, const std::string& title, v1::Priority priority, TimePoint due, bool overdue) {
    v1::Case c;
    c.set_name("cases/" + id);
    c.set_id(id);
    c.set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
    c.set_title(title);
    c.set_priority(priority);
    c.set_state(v1::CASE_STATE_OPEN);
    c.set_feedback_id("f-" + id);
    c.set_overdue(overdue);
    auto* owner = c.add_owners();
    owner->set_department("customer_success");
    owner->set_person("p-liu-yang");
    *c.mutable_create_time() = ToProto(due - std::chrono::hours(24));
    *c.mutable_due_time() = ToProto(due);
    History(&c, "system:assignment", "created", "");
    cases_.push_back(c);
  }
  void History(v1::Case* c, const std::string& actor, const std::string& action, const std::string& detail) {
    auto* h = c->add_history();
    *h->mutable_time() = ToProto(clock_.Now());
    h->set_actor(actor);
    h->set_action(action);
    h->set_detail(detail);
  }
  v1::Case* Find(const std::string& name) {
    for (auto& c : cases_) if (c.name() == name) return &c;
    return nullptr;
  }

  SystemClock clock_;
  std::mutex mu_;
  std::vector<v1::Case> cases_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: stub_gateway STATIC_DIR [PORT]\n";
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  InMemoryBackend backend;
  Router router(backend,
                {{"customer_success", "客户成功部", "Customer Success", "p-liu-yang"},
                 {"logistics", "物流部", "Logistics", "p-wang-lei"}},
                StaticFiles(argv[1]));
  HttpServerOptions options;
  options.listen = std::string("127.0.0.1:") + (argc > 2 ? argv[2] : "0");
  options.threads = 2;
  HttpServer server(options, [&](const HttpRequest& r) { return router.Handle(r); });
  std::cout << "listening on " << server.Start() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  server.Stop();
  return 0;
}
