#include "tests/support/notify_stack.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/queue/stream.h"
#include "common/storage/database.h"
#include "services/notify/channels/email_channel.h"
#include "services/notify/delivery_channels.h"
#include "services/notify/delivery_worker.h"
#include "services/notify/expander.h"
#include "services/notify/notify_consumer.h"
#include "services/notify/store/migrations.h"
#include "services/notify/store/notify_store.h"
#include "services/notify/subscriptions.h"

namespace voc::testing {
namespace {

using namespace std::chrono_literals;

// Stores each accepted mail as JSON, parsed by Python's e-mail package.
constexpr char kSmtpServerPy[] = R"PY(
import email, email.policy, json, os, signal, sys
from aiosmtpd.controller import Controller
port, out_dir = int(sys.argv[1]), sys.argv[2]
class Handler:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        plain = msg.get_body(("plain",))
        record = {"rcpt_tos": envelope.rcpt_tos, "subject": str(msg["subject"]),
                  "text": plain.get_content() if plain is not None else None}
        n = len(os.listdir(out_dir))
        with open(os.path.join(out_dir, "tmp"), "w") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(os.path.join(out_dir, "tmp"), os.path.join(out_dir, "mail-%04d.json" % n))
        return "250 OK"
controller = Controller(Handler(), hostname="127.0.0.1", port=port, server_hostname="voc-test-smtp")
controller.start()
signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
signal.pause()
)PY";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

NotifyStack::NotifyStack(const std::string& dir) : dir_(dir), mail_dir_(dir + "/mail") {
  smtp_port_ = FreePort();
  std::filesystem::create_directories(mail_dir_);
  std::ofstream(dir_ + "/smtp.py") << kSmtpServerPy;
  smtp_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{VOC_SYSTEM_PYTHON, dir_ + "/smtp.py", std::to_string(smtp_port_), mail_dir_},
      dir_ + "/smtp.log");
  smtp_listening_ = WaitForPort(smtp_port_, 15000);
  redis_options_.port = redis_.port();
}

NotifyStack::~NotifyStack() = default;

std::string NotifyStack::SmtpLog() const { return ReadAll(dir_ + "/smtp.log"); }

absl::StatusOr<int> NotifyStack::DeliverAll(std::shared_ptr<const org::OrgDirectory> directory,
                                            const std::string& subscriptions_yaml, const Clock& clock,
                                            const std::string& consumer_name) {
  auto ndb = storage::Database::Open("sqlite3://" + dir_ + "/notify.db");
  if (!ndb.ok()) return ndb.status();
  if (auto migrated = (*ndb)->Migrate("notify", notify::Migrations()); !migrated.ok()) return migrated.status();
  notify::NotifyStore store(**ndb);
  auto subscriptions = notify::Subscriptions::Parse(subscriptions_yaml, "s.yaml", *directory);
  if (!subscriptions.ok()) return subscriptions.status();
  notify::SubscriptionsHolder holder(*std::move(subscriptions));
  notify::Expander expander(directory, holder, "http://voc.example");
  notify::NotifyConsumer consumer(store, expander, clock);
  queue::ConsumerOptions options{queue::kNotifyRequestsStream, "notify", consumer_name};
  options.block = 50ms;
  queue::StreamConsumer stream(redis_options_, options, [&](const std::vector<queue::StreamMessage>& batch) {
    return consumer.HandleBatch(batch);
  });
  while (stream.PollOnce() > 0) {
  }
  notify::SmtpOptions smtp_options;
  smtp_options.url = "smtp://127.0.0.1:" + std::to_string(smtp_port_);
  smtp_options.from_address = "voc@example.com";
  smtp_options.starttls = notify::StartTls::kOff;
  smtp_options.timeout_ms = 10000;
  notify::DeliveryChannels channels;
  channels.Add("email", std::make_shared<notify::EmailChannel>(smtp_options, clock));
  notify::DeliveryWorker worker(store, channels, clock, [] { return 0.5; }, {}, nullptr);
  int delivered = 0;
  for (int i = 0; i < 10; ++i) {
    auto pass = worker.RunOnce();
    if (!pass.ok()) return pass.status();
    delivered += pass->delivered;
    if (pass->delivered == 0) break;
  }
  return delivered;
}

std::vector<nlohmann::json> NotifyStack::Mails() const {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(mail_dir_)) paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());  // mail-0000.json, mail-0001.json, ...
  std::vector<nlohmann::json> mails;
  for (const std::string& path : paths) mails.push_back(nlohmann::json::parse(ReadAll(path)));
  return mails;
}

}  // namespace voc::testing
