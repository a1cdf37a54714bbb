// Passwords (issue 9): Argon2id through libsodium's crypto_pwhash_str, and
// the password policy. A stored hash names its own algorithm, limits and
// salt, so raising the cost later keeps old hashes verifiable.
#pragma once

#include <absl/status/statusor.h>

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

namespace voc::identity {

inline constexpr std::size_t kMinPasswordLength = 12;   // characters (UTF-8 code points)
inline constexpr std::size_t kMaxPasswordBytes = 1024;  // hashing cost is per call; refuse essays

// crypto_pwhash's work factors.
struct PasswordCost {
  unsigned long long opslimit;
  std::size_t memlimit;
  // What production uses: crypto_pwhash_OPSLIMIT_MODERATE / MEMLIMIT_MODERATE
  // (3 passes over 256 MiB); docs/operations.md quotes the measured time.
  static PasswordCost Moderate();
  // libsodium's interactive limits (2 passes, 64 MiB): unit tests only, where
  // dozens of hashes would otherwise take minutes on a shared machine.
  static PasswordCost Interactive();
};

class PasswordHasher {
 public:
  // At most `max_concurrent` hashes run at once: each takes memlimit bytes,
  // so a burst of logins queues instead of exhausting memory.
  explicit PasswordHasher(PasswordCost cost, int max_concurrent = 2);

  // The crypto_pwhash_str string; RESOURCE_EXHAUSTED when the memory is not there.
  absl::StatusOr<std::string> Hash(std::string_view password);
  // False for a wrong password or a malformed hash.
  bool Verify(const std::string& hash, std::string_view password);
  // The same work as Verify against a hash of a random password: what a
  // login for an unknown user costs, so its answer takes as long.
  void VerifyDummy(std::string_view password);

 private:
  class Slot;
  PasswordCost cost_;
  std::string dummy_hash_;
  std::mutex mu_;
  std::condition_variable free_;
  int available_;
};

// INVALID_ARGUMENT "password: ..." unless the password has at least
// kMinPasswordLength characters, at most kMaxPasswordBytes bytes, and is not
// the user name or the person id (ignoring case).
absl::Status CheckPasswordPolicy(std::string_view password, std::string_view username, std::string_view person_id);

}  // namespace voc::identity
