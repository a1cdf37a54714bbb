// voc-notify's throughput: notification requests expanded (subscriptions),
// rendered in the recipient's language, stored with their deliveries in a
// real SQLite file (batches of 64, as the stream consumer stores a read) and
// handed one at a time by the delivery worker to
//   - a recording channel in the process (the cost of voc-notify itself),
//   - a local SMTP server (scripts/mail-catcher.py, aiosmtpd) through the
//     e-mail channel (libcurl, a connection per mail), or
//   - a local HTTP receiver through the Standard Webhooks channel (signed).
// Each request names one recipient, so requests/s = messages/s.
//
//   ./build/tests/benchmarks/notify_benchmark
//
// items_per_second is requests rendered, stored and delivered per second;
// BM_Render is rendering alone.
#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/config/config.h"
#include "common/notify/stream_notifier.h"
#include "services/notify/channels/channels_config.h"
#include "services/notify/delivery_channels.h"
#include "services/notify/delivery_worker.h"
#include "services/notify/expander.h"
#include "services/notify/store/migrations.h"
#include "services/notify/templates.h"
#include "tests/support/servers.h"

namespace {

using namespace voc;
using namespace voc::notify;

constexpr int kRequests = 500;

class CountingChannel final : public Channel {
 public:
  absl::Status Deliver(const RenderedMessage& m, const Destination&) override {
    bytes += m.text.size() + m.html.size();
    ++count;
    return absl::OkStatus();
  }
  std::size_t bytes = 0;
  int count = 0;
};

const org::OrgDirectory& Directory() {
  static const auto* dir = new org::OrgDirectory(org::OrgDirectory::Load("config/directory.yaml").value());
  return *dir;
}

v1::NotificationRequest Breach(int i, const std::string& recipient) {
  v1::NotificationRequest r;
  r.set_id("bench:" + std::to_string(i));
  r.set_event("sla_breach");
  r.set_case_id("cases/" + std::to_string(i));
  r.set_department("logistics");
  r.add_recipients(recipient);
  (*r.mutable_params())["case_title"] = "包裹在广州滞留五天";
  (*r.mutable_params())["clock"] = "resolution";
  (*r.mutable_params())["due_time"] = "2026-12-02 17:00";
  (*r.mutable_params())["owner_people"] = "p-xu-gang";
  return r;
}

void BM_Render(benchmark::State& state) {
  const auto request = Breach(1, "p-wang-lei");
  RenderContext ctx{state.range(0) ? "en" : "zh", "王磊", "bench:1/p-wang-lei/email", "https://voc.example.com"};
  for (auto _ : state) benchmark::DoNotOptimize(Render(request, ctx, Directory()));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) ? "en" : "zh");
}
BENCHMARK(BM_Render)->Arg(0)->Arg(1);

enum Sink { kRecording = 0, kSmtp = 1, kWebhook = 2 };

// A local HTTP receiver answering 200 to every POST (python3 http.server).
constexpr char kReceiver[] = R"(
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
)";

void BM_StoreAndDeliver(benchmark::State& state) {
  const Sink sink = static_cast<Sink>(state.range(0));
  testing::TempDir dir;
  std::unique_ptr<testing::ChildProcess> receiver;
  const int port = testing::FreePort();
  SystemClock wall;
  DeliveryChannels channels;
  auto counting = std::make_shared<CountingChannel>();
  std::string channel = "email";
  if (sink == kRecording) {
    channels.Add("email", counting);
  } else {
    std::string yaml = "services:\n  notify:\n    channels:\n";
    if (sink == kSmtp) {
      receiver = std::make_unique<testing::ChildProcess>(
          std::vector<std::string>{"/usr/bin/python3", "scripts/mail-catcher.py", "--port", std::to_string(port),
                                   "--dir", dir.path() + "/mail"},
          dir.path() + "/catcher.log");
      yaml += "      email: {smtp_url: \"smtp://127.0.0.1:" + std::to_string(port) +
              "\", from: voc@example.com, starttls: \"off\"}\n";
    } else {
      std::ofstream(dir.path() + "/receiver.py") << kReceiver;
      receiver = std::make_unique<testing::ChildProcess>(
          std::vector<std::string>{"/usr/bin/python3", dir.path() + "/receiver.py", std::to_string(port)},
          dir.path() + "/receiver.log");
      channel = "webhook";
    }
    if (!testing::WaitForPort(port, 10000)) {
      state.SkipWithError("the local receiver did not start");
      return;
    }
    const auto config = Config::FromString(yaml, "notify").value();
    std::shared_ptr<ChannelRouter> router = ChannelsFromConfig(config, wall).value();
    ChannelEndpoint endpoint;
    endpoint.url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
    setenv("VOC_BENCH_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
    endpoint.secret_env = "VOC_BENCH_WEBHOOK_SECRET";
    channels.Add(channel, router, endpoint);
  }
  auto db = storage::Database::Open("sqlite3://" + dir.path() + "/notify.db").value();
  (void)db->Migrate("notify", Migrations()).value();
  NotifyStore store(*db);
  const auto directory = std::make_shared<const org::OrgDirectory>(Directory());
  SubscriptionsHolder holder(
      Subscriptions::Parse("defaults:\n  channels: [" + channel + "]\n", "bench.yaml", *directory).value());
  Expander expander(directory, holder, "https://voc.example.com");
  RetryPolicy policy;
  DeliveryWorker worker(store, channels, wall, [] { return 0.5; }, policy, nullptr);
  int round = 0;
  std::int64_t delivered = 0;
  for (auto _ : state) {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
        wall.Now().time_since_epoch()).count();
    std::vector<ExpandedRequest> batch;
    for (int i = 0; i < kRequests; ++i) {
      batch.push_back(expander.Expand(Breach(round * kRequests + i, i % 2 ? "p-wang-lei" : "p-james-wilson"), now));
      if (batch.size() == 64 || i == kRequests - 1) {
        (void)store.SaveRequests(batch, now).value();
        batch.clear();
      }
    }
    for (;;) {
      const auto pass = worker.RunOnce(256).value();
      delivered += pass.delivered;
      if (pass.delivered + pass.retried + pass.failed == 0) break;
      if (pass.failed > 0) {
        state.SkipWithError("a delivery failed");
        return;
      }
    }
    ++round;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kRequests);
  state.counters["delivered"] = static_cast<double>(delivered);
  state.SetLabel(sink == kRecording ? "recording channel" : sink == kSmtp ? "local SMTP (aiosmtpd)" : "local webhook");
}
BENCHMARK(BM_StoreAndDeliver)->Arg(kRecording)->Arg(kSmtp)->Arg(kWebhook)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
