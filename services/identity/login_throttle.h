// Throttling of failed logins (issue 9), per account and per client
// address, on the injected clock and kept in the store (login_failures), so
// every replica and a restart see the same counts. A throttled attempt is
// not counted and its password is not checked.
#pragma once

#include <absl/status/status.h>

#include <string>

#include "common/clock/clock.h"
#include "services/identity/settings.h"
#include "services/identity/store/identity_store.h"

namespace voc::identity {

inline constexpr char kThrottledMessage[] = "too many failed logins; try again later";

class LoginThrottle {
 public:
  LoginThrottle(IdentityStore& store, const Clock& clock, const IdentitySettings& settings)
      : store_(store), clock_(clock), settings_(settings) {}

  // RESOURCE_EXHAUSTED kThrottledMessage while the account or the address is
  // locked; a store error otherwise, else OK.
  absl::Status Check(const std::string& username, const std::string& client_address);
  // Counts a failure for both keys (the address only when known).
  absl::Status RecordFailure(const std::string& username, const std::string& client_address);
  // A successful login clears the account's count (not the address's: one
  // good account must not reset an address that guesses at others).
  absl::Status RecordSuccess(const std::string& username);

  // "account:<user name, lower case>" and "addr:<host>" (the port and any
  // "ipv4:" / "ipv6:" prefix dropped: a new connection is the same address).
  static std::string AccountKey(const std::string& username);
  static std::string AddressKey(const std::string& client_address);

 private:
  IdentityStore& store_;
  const Clock& clock_;
  const IdentitySettings& settings_;
};

}  // namespace voc::identity
