// A real SMTP server for tests that check mail (issue 11): Debian's
// python3-aiosmtpd on a free loopback port, started in the test's temp
// folder, storing each accepted mail as JSON ({"rcpt_tos": [...],
// "subject": ..., "text": the plain part}) parsed by Python's e-mail
// package. One script for every mail test (review D1-D3: it was copied into
// three of them). Link voc_test_smtp.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/servers.h"

namespace voc::testing {

class SmtpCatcher {
 public:
  // Starts the server; mails go to `dir`/mail, its log to `dir`/smtp.log.
  // Check Started() with ASSERT_TRUE (Log() says why it did not).
  explicit SmtpCatcher(const std::string& dir);
  ~SmtpCatcher();
  SmtpCatcher(const SmtpCatcher&) = delete;
  SmtpCatcher& operator=(const SmtpCatcher&) = delete;

  // False when it did not listen within 15 s.
  bool Started() const { return listening_; }
  std::string Log() const;
  int port() const { return port_; }
  // "smtp://127.0.0.1:<port>", for notify's e-mail channel.
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // Every mail received, in arrival order.
  std::vector<nlohmann::json> Mails() const;

 private:
  std::string dir_;
  std::string mail_dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> server_;
  bool listening_ = false;
};

}  // namespace voc::testing
