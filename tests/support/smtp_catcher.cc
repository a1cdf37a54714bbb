#include "tests/support/smtp_catcher.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace voc::testing {
namespace {

// Numbered files, renamed into place, so a reader never sees half a mail.
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

SmtpCatcher::SmtpCatcher(const std::string& dir) : dir_(dir), mail_dir_(dir + "/mail") {
  port_ = FreePort();
  std::filesystem::create_directories(mail_dir_);
  std::ofstream(dir_ + "/smtp.py") << kSmtpServerPy;
  server_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{VOC_SYSTEM_PYTHON, dir_ + "/smtp.py", std::to_string(port_), mail_dir_},
      dir_ + "/smtp.log");
  listening_ = WaitForPort(port_, 15000);
}

SmtpCatcher::~SmtpCatcher() = default;

std::string SmtpCatcher::Log() const { return ReadAll(dir_ + "/smtp.log"); }

std::vector<nlohmann::json> SmtpCatcher::Mails() const {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(mail_dir_)) {
    if (entry.path().filename().string().rfind("mail-", 0) == 0) paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());  // mail-0000.json, mail-0001.json, ...
  std::vector<nlohmann::json> mails;
  for (const std::string& path : paths) mails.push_back(nlohmann::json::parse(ReadAll(path)));
  return mails;
}

}  // namespace voc::testing
