#include "services/identity/login_throttle.h"

#include <cctype>

#include "common/util/time.h"

namespace voc::identity {
namespace {

constexpr std::size_t kMaxKeyText = 128;  // a user name typed at the login page can be anything

std::int64_t WindowMs(const IdentitySettings& s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s.failure_window).count();
}

}  // namespace

std::string LoginThrottle::AccountKey(const std::string& username) {
  std::string lower = username.substr(0, kMaxKeyText);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "account:" + lower;
}

std::string LoginThrottle::AddressKey(const std::string& client_address) {
  std::string host = client_address.substr(0, kMaxKeyText);
  for (const char* prefix : {"ipv4:", "ipv6:"}) {
    if (host.rfind(prefix, 0) == 0) host = host.substr(5);
  }
  if (!host.empty() && host.front() == '[') {  // [v6]:port
    const auto close = host.find(']');
    host = host.substr(1, close == std::string::npos ? std::string::npos : close - 1);
  } else if (host.find(':') == host.rfind(':') && host.find(':') != std::string::npos) {  // v4:port
    host = host.substr(0, host.find(':'));
  }
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "addr:" + host;
}

absl::Status LoginThrottle::Check(const std::string& username, const std::string& client_address) {
  const std::int64_t now = ToMillis(clock_.Now());
  std::vector<std::string> keys = {AccountKey(username)};
  if (!client_address.empty()) keys.push_back(AddressKey(client_address));
  for (const std::string& key : keys) {
    auto state = store_.ReadFailures(key);
    if (!state.ok()) return state.status();
    if (state->locked_until_ms > now) return absl::ResourceExhaustedError(kThrottledMessage);
  }
  return absl::OkStatus();
}

absl::Status LoginThrottle::RecordFailure(const std::string& username, const std::string& client_address) {
  const std::int64_t now = ToMillis(clock_.Now());
  auto account = store_.RecordFailure(AccountKey(username), now, WindowMs(settings_), settings_.failures_per_account);
  if (!account.ok()) return account.status();
  if (client_address.empty()) return absl::OkStatus();
  return store_.RecordFailure(AddressKey(client_address), now, WindowMs(settings_), settings_.failures_per_address)
      .status();
}

absl::Status LoginThrottle::RecordSuccess(const std::string& username) {
  return store_.ClearFailures(AccountKey(username));
}

}  // namespace voc::identity
