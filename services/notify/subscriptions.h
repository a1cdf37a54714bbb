// Who receives which events beyond the recipients a stage names itself, and
// by which channels: config/subscriptions.yaml (docs/operations.md).
//
//   defaults:    {channels: [email]}            # when neither person nor department says
//   departments: [{id, channels}]               # how a department's people are reached
//   people:      [{id, channels}]               # how one person is reached (wins over the department)
//   rules:       [{event, level?, min_size?, departments?, people?, heads_of?, channels?}]
//
// A rule matches a request of its `event` (red_line, new_p1, sla_warning,
// sla_breach, escalation, weak_signal, cluster_threshold, overdue_digest,
// resurvey, ...); `level` narrows an escalation to that level (param
// "level"), `min_size` a cluster_threshold event to clusters of at least that
// many (param "cluster_size"), `departments` to requests owned by one of
// them. It adds `people` and the heads of `heads_of` ("$department" is the
// request's own department); `channels` replaces the recipients' own.
// Every id is checked against the directory: a mistake is "<file>:<line>:".
#pragma once

#include <absl/status/statusor.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/org/org_directory.h"
#include "voc/v1/notify.pb.h"

namespace voc::notify {

// The events templates exist for (templates.h); a rule naming another is a typo.
const std::set<std::string>& KnownEvents();
// The channels a delivery can go by.
const std::set<std::string>& KnownChannels();

struct SubscriptionRule {
  std::string event;
  int level = 0;       // 0 = any
  int min_size = 0;    // 0 = any
  std::set<std::string> departments;  // empty = any
  std::vector<std::string> people;
  std::vector<std::string> heads_of;
  std::vector<std::string> channels;  // empty = the recipient's own
  int line = 0;        // where it is written, for logs
};

// One person to reach by one set of channels.
struct Recipient {
  std::string person;
  std::vector<std::string> channels;
};

// Immutable once loaded; a reload swaps a std::shared_ptr<const Subscriptions>.
class Subscriptions {
 public:
  static absl::StatusOr<Subscriptions> Load(const std::string& path, const org::OrgDirectory& directory);
  static absl::StatusOr<Subscriptions> Parse(const std::string& yaml, const std::string& source,
                                             const org::OrgDirectory& directory);

  // The request's own recipients plus every matching rule's, each once (in
  // that order), with the channels to reach them by. A recipient the
  // directory does not know is kept: the expander fails its delivery
  // visibly instead of dropping it.
  std::vector<Recipient> RecipientsOf(const v1::NotificationRequest& request,
                                      const org::OrgDirectory& directory) const;
  // A person's channels: theirs, else their department's, else the defaults.
  std::vector<std::string> ChannelsOf(const std::string& person, const org::OrgDirectory& directory) const;

  std::size_t rule_count() const { return rules_.size(); }

 private:
  std::vector<std::string> default_channels_{"email"};
  std::map<std::string, std::vector<std::string>> department_channels_;
  std::map<std::string, std::vector<std::string>> person_channels_;
  std::vector<SubscriptionRule> rules_;
};

}  // namespace voc::notify
