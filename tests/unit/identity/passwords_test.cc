// Passwords (issue 9): the policy, and Argon2id through libsodium (the
// interactive limits here only to keep the suite fast; the code path is the
// one production runs with the moderate limits).
#include "services/identity/passwords.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace voc::identity {
namespace {

TEST(PasswordPolicyTest, NeedsTwelveCharactersCountedAsCharactersNotBytes) {
  EXPECT_EQ(CheckPasswordPolicy("short-pw-11", "p-wang-lei", "p-wang-lei").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckPasswordPolicy("twelve-chars", "p-wang-lei", "p-wang-lei").ok());
  // Four Chinese characters are 12 bytes but 4 characters.
  EXPECT_FALSE(CheckPasswordPolicy("客户之声", "u", "p").ok());
  EXPECT_TRUE(CheckPasswordPolicy("客户之声客户之声客户之声", "u", "p").ok());
  const absl::Status too_short = CheckPasswordPolicy("abc", "u", "p");
  EXPECT_EQ(too_short.message(), "password: must have at least 12 characters");
}

TEST(PasswordPolicyTest, RefusesTheUserNameAndThePersonIdWhateverTheCase) {
  EXPECT_EQ(CheckPasswordPolicy("Wang.Lei.Logistics", "wang.lei.logistics", "p-wang-lei").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckPasswordPolicy("P-WANG-LEI-HEAD", "someone", "p-wang-lei-head").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckPasswordPolicy("p-wang-lei-2026!", "p-wang-lei", "p-wang-lei").ok());
}

TEST(PasswordPolicyTest, RefusesHugePasswords) {
  EXPECT_EQ(CheckPasswordPolicy(std::string(kMaxPasswordBytes + 1, 'x'), "u", "p").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PasswordCostTest, ProductionUsesLibsodiumsModerateLimits) {
  EXPECT_EQ(PasswordCost::Moderate().opslimit, crypto_pwhash_OPSLIMIT_MODERATE);
  EXPECT_EQ(PasswordCost::Moderate().memlimit, crypto_pwhash_MEMLIMIT_MODERATE);
}

TEST(PasswordHasherTest, HashesWithArgon2idAndASaltAndVerifies) {
  PasswordHasher hasher(PasswordCost::Interactive());
  auto a = hasher.Hash("correct horse battery staple");
  auto b = hasher.Hash("correct horse battery staple");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rfind("$argon2id$", 0), 0u) << *a;
  EXPECT_NE(*a, *b);  // a fresh salt each time
  EXPECT_TRUE(hasher.Verify(*a, "correct horse battery staple"));
  EXPECT_FALSE(hasher.Verify(*a, "correct horse battery stapl"));
  EXPECT_FALSE(hasher.Verify("not a hash", "correct horse battery staple"));
  EXPECT_EQ(a->find("correct"), std::string::npos);
}

}  // namespace
}  // namespace voc::identity
