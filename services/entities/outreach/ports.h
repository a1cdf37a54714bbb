// What outreach needs from outside voc-entities, behind interfaces so the
// logic is tested without a network (fakes only for the outside edge):
//   OutreachSender    hands one message to voc-notify (stream_sender.h);
//   CustomerFeedback  which customers complained on (or wrote about) a
//                     topic in a window - triage's results joined to the
//                     feedback's customer (grpc_customer_feedback.h).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <map>
#include <string>
#include <vector>

#include "common/clock/clock.h"

namespace voc::entities::outreach {

struct OutreachMessage {
  // "outreach:<campaign>:<customer>": stable across retries, restarts and
  // replicas, so voc-notify stores the request once and delivers it once.
  std::string id;
  std::string campaign_id;
  std::string department;
  std::string customer_id;
  std::string channel;   // email | sms | app_push | wecom
  std::string address;   // e-mail address, WeCom id, or the customer id (sms, app_push: the gateway resolves it)
  std::string language;  // zh | en
  std::string subject;
  std::string body;
};

// Thread safety: Send from one thread at a time per instance is enough.
class OutreachSender {
 public:
  virtual ~OutreachSender() = default;
  // OK once voc-notify's queue holds the message durably; UNAVAILABLE (and
  // the like) when it could not be handed over (the caller retries later
  // with the same id).
  virtual absl::Status Send(const OutreachMessage& message) = 0;
};

struct TopicOutcome {
  bool complained = false;    // a negative feedback on the topic in the window
  bool contacted_us = false;  // any feedback on the topic in the window
};

class CustomerFeedback {
 public:
  virtual ~CustomerFeedback() = default;
  // For each of `customers` with a feedback on `topic` (a topic id prefix)
  // occurring in [start, end): what they wrote. Customers without one are
  // left out. UNAVAILABLE when the feedback services cannot be asked.
  virtual absl::StatusOr<std::map<std::string, TopicOutcome>> Outcomes(const std::vector<std::string>& customers,
                                                                       const std::string& topic, TimePoint start,
                                                                       TimePoint end) = 0;
};

}  // namespace voc::entities::outreach
