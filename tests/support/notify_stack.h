// voc-notify's delivery path for integration tests (review D1: the alerts
// and digest delivery tests each repeated this set-up): a real SMTP server
// (Debian's python3-aiosmtpd) on a free loopback port that stores each
// accepted mail as JSON, a real redis-server, and voc-notify's consumer and
// e-mail worker on a SQLite file, all in the test's temp folder.
//
// The stages under test publish to redis_options() (StreamNotifier);
// DeliverAll() then stores and expands every request on the notify stream
// by the given subscriptions and delivers it by e-mail; Mails() reads what
// the SMTP server received.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/org/org_directory.h"
#include "common/queue/redis_client.h"
#include "tests/support/servers.h"
#include "tests/support/smtp_catcher.h"

namespace voc::testing {

class NotifyStack {
 public:
  // Starts the SMTP server and Redis; `dir` is the test's temp folder
  // (mail, logs and notify.db go there). Check Started() with ASSERT_TRUE.
  explicit NotifyStack(const std::string& dir);
  ~NotifyStack();
  NotifyStack(const NotifyStack&) = delete;
  NotifyStack& operator=(const NotifyStack&) = delete;

  // False (with the SMTP server's log in SmtpLog()) when it did not listen
  // within 15 s.
  bool Started() const { return smtp_.Started(); }
  std::string SmtpLog() const { return smtp_.Log(); }
  const queue::RedisOptions& redis_options() const { return redis_options_; }

  // Consumes every request on the notify stream (as consumer
  // `consumer_name`), stores and expands each by `subscriptions_yaml`, and
  // delivers by e-mail until a worker pass delivers nothing (10 passes at
  // most). Returns how many deliveries succeeded; a failed pass's status.
  absl::StatusOr<int> DeliverAll(std::shared_ptr<const org::OrgDirectory> directory,
                                 const std::string& subscriptions_yaml, const Clock& clock,
                                 const std::string& consumer_name);

  // Every mail received, as {"rcpt_tos": [...], "subject": ..., "text": ...},
  // in arrival order.
  std::vector<nlohmann::json> Mails() const { return smtp_.Mails(); }

 private:
  std::string dir_;
  SmtpCatcher smtp_;
  RedisServer redis_;
  queue::RedisOptions redis_options_;
};

}  // namespace voc::testing
