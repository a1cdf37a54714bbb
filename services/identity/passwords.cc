#include "services/identity/passwords.h"

#include <sodium.h>

#include <cctype>
#include <stdexcept>

#include "common/status/status.h"

namespace voc::identity {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t CodePoints(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

PasswordCost PasswordCost::Moderate() {
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

PasswordCost PasswordCost::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

// Holds one of the hasher's concurrent slots for its lifetime.
class PasswordHasher::Slot {
 public:
  explicit Slot(PasswordHasher& h) : h_(h) {
    std::unique_lock lock(h_.mu_);
    h_.free_.wait(lock, [&] { return h_.available_ > 0; });
    --h_.available_;
  }
  ~Slot() {
    {
      std::lock_guard lock(h_.mu_);
      ++h_.available_;
    }
    h_.free_.notify_one();
  }

 private:
  PasswordHasher& h_;
};

PasswordHasher::PasswordHasher(PasswordCost cost, int max_concurrent)
    : cost_(cost), available_(max_concurrent < 1 ? 1 : max_concurrent) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, reinterpret_cast<const char*>(random), sizeof random, cost_.opslimit,
                        cost_.memlimit) != 0) {
    throw std::runtime_error("cannot hash a password: out of memory");
  }
  dummy_hash_ = hash;
}

absl::StatusOr<std::string> PasswordHasher::Hash(std::string_view password) {
  Slot slot(*this);
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), cost_.opslimit, cost_.memlimit) != 0) {
    return absl::ResourceExhaustedError("cannot hash the password now: out of memory; try again");
  }
  return std::string(hash);
}

bool PasswordHasher::Verify(const std::string& hash, std::string_view password) {
  Slot slot(*this);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::VerifyDummy(std::string_view password) { (void)Verify(dummy_hash_, password); }

absl::Status CheckPasswordPolicy(std::string_view password, std::string_view username, std::string_view person_id) {
  if (CodePoints(password) < kMinPasswordLength) {
    return status::InvalidArgument("password", "must have at least " + std::to_string(kMinPasswordLength) +
                                                   " characters");
  }
  if (password.size() > kMaxPasswordBytes) {
    return status::InvalidArgument("password", "must have at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  const std::string lower = Lower(password);
  if (lower == Lower(username) || lower == Lower(person_id)) {
    return status::InvalidArgument("password", "must not be the user name or the person id");
  }
  return absl::OkStatus();
}

}  // namespace voc::identity
