// Outreach's pure parts (issue 13): the segment query form and its checks,
// the hold-out (random and stable), the contact rules with a fixed time,
// the effect statistics against values computed independently (Python's
// statistics.NormalDist, see each test), and who may approve.
#include <gtest/gtest.h>

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <cmath>
#include <set>

#include "common/util/time.h"
#include "services/entities/outreach/contact_rules.h"
#include "services/entities/outreach/effect.h"
#include "services/entities/outreach/grpc_customer_feedback.h"
#include "services/entities/outreach/holdout.h"
#include "services/entities/outreach/outreach_access.h"
#include "services/entities/outreach/segment.h"
#include "tests/support/test_principals.h"

namespace voc::entities::outreach {
namespace {

using testing::ApiKeyCaller;
using testing::DemoPerson;
using Attrs = std::map<std::string, std::string>;

TimePoint Utc(int y, int mo, int d, int h, int mi = 0) {
  return absl::ToChronoTime(absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone()));
}

const EntitySchema& Schema() {
  static const EntitySchema schema = EntitySchema::Load("config/entities.yaml").value();
  return schema;
}

v1::SegmentQuery Query(const std::string& entity,
                       std::vector<std::tuple<std::string, std::string, std::vector<std::string>>> where) {
  v1::SegmentQuery q;
  q.set_entity(entity);
  for (auto& [attribute, op, values] : where) {
    v1::SegmentCondition* c = q.add_where();
    c->set_attribute(attribute);
    c->set_op(op);
    for (const auto& v : values) c->add_values(v);
  }
  return q;
}

std::string ErrorOf(const v1::SegmentQuery& q) {
  auto compiled = Compile(Schema(), q);
  EXPECT_FALSE(compiled.ok());
  if (compiled.ok()) return "";
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(compiled.status().message());
}

TEST(SegmentTest, BadQueriesAreRefusedNamingTheField) {
  EXPECT_EQ(ErrorOf(Query("", {})).rfind("query.entity:", 0), 0u);
  EXPECT_NE(ErrorOf(Query("spaceship", {})).find("unknown entity 'spaceship'"), std::string::npos);
  EXPECT_EQ(ErrorOf(Query("vehicle", {{"colour", "eq", {"red"}}})).rfind("query.where[0].attribute:", 0), 0u);
  EXPECT_EQ(ErrorOf(Query("vehicle", {{"model", "eq", {"x"}}, {"model", "like", {"x"}}})).rfind("query.where[1].op:", 0),
            0u);
  EXPECT_EQ(ErrorOf(Query("vehicle", {{"model", "eq", {}}})).rfind("query.where[0].values:", 0), 0u);
  // A value not of the attribute's type, and ops that do not fit the type.
  EXPECT_EQ(ErrorOf(Query("vehicle", {{"build_date", "gte", {"2026-13-01"}}})).rfind("query.where[0].values:", 0), 0u);
  EXPECT_EQ(ErrorOf(Query("vehicle", {{"model", "within_days", {"30"}}})).rfind("query.where[0].op:", 0), 0u);
  EXPECT_EQ(ErrorOf(Query("order", {{"ordered_at", "within_days", {"0"}}})).rfind("query.where[0].values:", 0), 0u);
  EXPECT_EQ(ErrorOf(Query("customer", {{"opted_out", "gte", {"true"}}})).rfind("query.where[0].op:", 0), 0u);
  EXPECT_EQ(ErrorOf(Query("app_build", {})).rfind("query.customer_attribute:", 0), 0u);  // names no customer
  std::vector<std::tuple<std::string, std::string, std::vector<std::string>>> many(11, {"model", "eq", {"x"}});
  EXPECT_EQ(ErrorOf(Query("vehicle", many)).rfind("query.where:", 0), 0u);
}

TEST(SegmentTest, EachOpSelectsTheRowsItSays) {
  const TimePoint now = Utc(2026, 12, 4, 12);
  auto compiled = Compile(Schema(), Query("order", {{"item", "eq", {"sku-1", "sku-2"}},
                                                    {"ordered_at", "within_days", {"30"}},
                                                    {"carrier", "ne", {"SlowShip"}}}));
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_EQ(compiled->customer_attribute, "customer_id");
  EXPECT_TRUE(Matches(*compiled, {{"item", "sku-2"}, {"ordered_at", "2026-11-20T08:00:00.000Z"}}, now));
  EXPECT_FALSE(Matches(*compiled, {{"item", "sku-3"}, {"ordered_at", "2026-11-20T08:00:00.000Z"}}, now));
  EXPECT_FALSE(Matches(*compiled, {{"item", "sku-1"}, {"ordered_at", "2026-11-01T08:00:00.000Z"}}, now));  // 33 days
  EXPECT_FALSE(Matches(*compiled, {{"item", "sku-1"}, {"ordered_at", "2026-12-05T08:00:00.000Z"}}, now));  // future
  EXPECT_FALSE(Matches(*compiled, {{"item", "sku-1"}, {"ordered_at", "2026-11-20T08:00:00.000Z"},
                                   {"carrier", "SlowShip"}}, now));

  // Values are compared in their canonical form, numbers as numbers.
  auto staff = Compile(Schema(), Query("store_day", {{"staff_on_shift", "lte", {"007"}}}));
  ASSERT_FALSE(staff.ok());  // store_day names no customer
  auto vehicles = Compile(Schema(), Query("vehicle", {{"build_date", "gte", {"2026-07-01"}},
                                                      {"build_date", "lte", {"2026-07-31"}}}));
  ASSERT_TRUE(vehicles.ok()) << vehicles.status();
  EXPECT_EQ(vehicles->customer_attribute, "owner_customer_id");
  EXPECT_TRUE(Matches(*vehicles, {{"build_date", "2026-07-31"}}, now));
  EXPECT_FALSE(Matches(*vehicles, {{"build_date", "2026-08-01"}}, now));
  EXPECT_FALSE(Matches(*vehicles, {}, now));  // no value: not in range

  auto owners = Compile(Schema(), Query("customer", {{"products_owned", "has", {"app-5.2.0"}}}));
  ASSERT_TRUE(owners.ok()) << owners.status();
  EXPECT_TRUE(Matches(*owners, {{"products_owned", "e7; app-5.2.0"}}, now));
  EXPECT_FALSE(Matches(*owners, {{"products_owned", "e7;app-5.2.01"}}, now));
}

TEST(SegmentTest, MembersAreTheDistinctCustomersOfMatchingRowsLessTheExcluded) {
  auto compiled = Compile(Schema(), Query("vehicle", {{"production_batch", "eq", {"B-2026-07"}}}));
  ASSERT_TRUE(compiled.ok());
  SegmentBuilder b(*compiled, Utc(2026, 12, 4, 12));
  b.Add({{"production_batch", "B-2026-07"}, {"owner_customer_id", "c-2"}});
  b.Add({{"production_batch", "B-2026-07"}, {"owner_customer_id", "c-1"}});
  b.Add({{"production_batch", "B-2026-07"}, {"owner_customer_id", "c-2"}});  // owns two
  b.Add({{"production_batch", "B-2026-07"}});                                // no owner
  b.Add({{"production_batch", "B-2026-08"}, {"owner_customer_id", "c-3"}});
  b.Add({{"production_batch", "B-2026-07"}, {"owner_customer_id", "c-4"}});
  EXPECT_EQ(b.Finish({"c-4"}), (std::vector<std::string>{"c-1", "c-2"}));
  EXPECT_EQ(b.rows_matched(), 5);
  EXPECT_EQ(b.excluded(), 1);
}

TEST(HoldoutTest, IsStableAndItsShareIsRandom) {
  constexpr int kCustomers = 20000;
  constexpr double kShare = 0.2;
  int held = 0, held_b = 0, both = 0;
  std::vector<int> bins(10, 0);
  for (int i = 0; i < kCustomers; ++i) {
    const std::string customer = "c-" + std::to_string(10000 + i);
    const bool a = IsHeldOut("camp-1", customer, kShare);
    EXPECT_EQ(a, IsHeldOut("camp-1", customer, kShare));  // stable
    const bool b = IsHeldOut("camp-2", customer, kShare);
    held += a;
    held_b += b;
    both += a && b;
    ++bins[static_cast<std::size_t>(HoldoutPlace("camp-1", customer) * 10)];
  }
  // Binomial(20000, 0.2): sd 56.6; 4 sd either way.
  EXPECT_NEAR(held, kShare * kCustomers, 4 * 56.6);
  EXPECT_NEAR(held_b, kShare * kCustomers, 4 * 56.6);
  // Another campaign draws its own: the overlap is what independence gives
  // (0.04 * 20000 = 800, sd 27.7), not the whole hold-out.
  EXPECT_NEAR(both, kShare * kShare * kCustomers, 4 * 27.7);
  // Uniform places: chi-square over 10 bins, 9 df; 27.9 is its 0.999 quantile.
  double chi2 = 0;
  for (const int n : bins) chi2 += (n - kCustomers / 10.0) * (n - kCustomers / 10.0) / (kCustomers / 10.0);
  EXPECT_LT(chi2, 27.9);
  // Consecutive ids are not held out in runs: the longest run of held-out
  // neighbours is short (P(run >= 12) over 20000 draws at 0.2 is < 1e-4).
  int run = 0, longest = 0;
  for (int i = 0; i < kCustomers; ++i) {
    run = IsHeldOut("camp-1", "c-" + std::to_string(10000 + i), kShare) ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  EXPECT_LT(longest, 12);
}

TEST(ContactRulesTest, OptOutAndNoAddressAlwaysSuppress) {
  ContactRules rules;
  CustomerFacts facts;
  facts.opted_out = true;
  EXPECT_EQ(Decide(rules, facts, Utc(2026, 12, 4, 4)), Decision::kOptedOut);  // 12:00 in Shanghai
  facts.opted_out = false;
  facts.reachable = false;
  EXPECT_EQ(Decide(rules, facts, Utc(2026, 12, 4, 4)), Decision::kNoAddress);
  facts.reachable = true;
  EXPECT_EQ(Decide(rules, facts, Utc(2026, 12, 4, 4)), Decision::kSend);
}

TEST(ContactRulesTest, AtMostNMessagesInAnyPeriodAcrossCampaigns) {
  ContactRules rules;
  rules.max_messages = 2;
  rules.period_days = 30;
  const TimePoint now = Utc(2026, 12, 4, 4);
  CustomerFacts facts;
  facts.sent_times = {now - std::chrono::hours(24) * 29};
  EXPECT_EQ(Decide(rules, facts, now), Decision::kSend);
  facts.sent_times.push_back(now - std::chrono::hours(1));
  EXPECT_EQ(Decide(rules, facts, now), Decision::kFrequencyLimit);
  // The older one leaves the period a day later.
  EXPECT_EQ(Decide(rules, facts, now + std::chrono::hours(24) + std::chrono::minutes(1)), Decision::kSend);
  rules.max_messages = 0;
  EXPECT_EQ(Decide(rules, CustomerFacts{}, now), Decision::kFrequencyLimit);
}

TEST(ContactRulesTest, QuietHoursAreTheCustomersLocalHours) {
  ContactRules rules;  // 21:00 - 08:59, default Asia/Shanghai
  CustomerFacts shanghai, london, unknown;
  shanghai.time_zone = "Asia/Shanghai";
  london.time_zone = "Europe/London";
  unknown.time_zone = "Mars/Olympus";  // the default zone
  // 13:30 UTC: 21:30 in Shanghai, 13:30 in London.
  EXPECT_EQ(Decide(rules, shanghai, Utc(2026, 12, 4, 13, 30)), Decision::kQuietHours);
  EXPECT_EQ(Decide(rules, london, Utc(2026, 12, 4, 13, 30)), Decision::kSend);
  EXPECT_EQ(Decide(rules, unknown, Utc(2026, 12, 4, 13, 30)), Decision::kQuietHours);
  // 00:59 UTC: 08:59 in Shanghai (quiet), 01:00 UTC: 09:00 (not).
  EXPECT_EQ(Decide(rules, shanghai, Utc(2026, 12, 4, 0, 59)), Decision::kQuietHours);
  EXPECT_EQ(Decide(rules, shanghai, Utc(2026, 12, 4, 1, 0)), Decision::kSend);
  // 22:00 UTC: 22:00 in London (quiet), 06:00 next day in Shanghai (quiet).
  EXPECT_EQ(Decide(rules, london, Utc(2026, 12, 4, 22)), Decision::kQuietHours);
  // Summer time: 20:30 UTC in July is 21:30 in London.
  EXPECT_EQ(Decide(rules, london, Utc(2026, 7, 4, 20, 30)), Decision::kQuietHours);
  EXPECT_EQ(Decide(rules, london, Utc(2026, 12, 4, 20, 30)), Decision::kSend);
  // A window that does not wrap midnight.
  rules.quiet_start_hour = 12;
  rules.quiet_end_hour = 14;
  EXPECT_EQ(Decide(rules, london, Utc(2026, 12, 4, 13)), Decision::kQuietHours);
  EXPECT_EQ(Decide(rules, london, Utc(2026, 12, 4, 14)), Decision::kSend);
  // Opt-out wins over quiet hours: it is final, not deferred.
  shanghai.opted_out = true;
  EXPECT_EQ(Decide(rules, shanghai, Utc(2026, 12, 4, 5)), Decision::kOptedOut);
  EXPECT_FALSE(IsFinal(Decision::kQuietHours));
}

TEST(ContactRulesTest, BadRulesAreRefusedNamingTheSetting) {
  ContactRules rules;
  rules.default_time_zone = "Nowhere/Special";
  EXPECT_EQ(std::string(Validate(rules, "o").message()).rfind("o.default_time_zone:", 0), 0u);
  rules = ContactRules{};
  rules.quiet_end_hour = 24;
  EXPECT_EQ(std::string(Validate(rules, "o").message()).rfind("o.quiet_hours.end:", 0), 0u);
  rules = ContactRules{};
  rules.period_days = 0;
  EXPECT_EQ(std::string(Validate(rules, "o").message()).rfind("o.period_days:", 0), 0u);
  EXPECT_TRUE(Validate(ContactRules{}, "o").ok());
}

// Expected values: Python 3, statistics.NormalDist (an implementation
// independent of std::erfc):
//   p = (x1+x2)/(n1+n2); z = (p1-p2)/sqrt(p(1-p)(1/n1+1/n2));
//   p_value = 2*(1-NormalDist().cdf(|z|)); q = NormalDist().inv_cdf(0.975);
//   ci = p1-p2 -+ q*sqrt(p1(1-p1)/n1 + p2(1-p2)/n2)
TEST(EffectTest, MatchesAnIndependentlyComputedTwoProportionTest) {
  // 30 of 1000 contacted complained, 20 of 250 held out.
  TwoProportionTest t = CompareProportions(30, 1000, 20, 250);
  EXPECT_NEAR(t.difference, -0.05, 1e-12);
  EXPECT_NEAR(t.z, -3.608439182435, 1e-9);
  EXPECT_NEAR(t.p_value, 0.000308044706, 1e-9);
  EXPECT_NEAR(t.ci_low, -0.085252119489, 1e-9);
  EXPECT_NEAR(t.ci_high, -0.014747880511, 1e-9);
  EXPECT_EQ(t.verdict, "fewer_complaints");

  t = CompareProportions(20, 400, 5, 100);  // the same rate
  EXPECT_NEAR(t.z, 0, 1e-12);
  EXPECT_NEAR(t.p_value, 1, 1e-12);
  EXPECT_NEAR(t.ci_low, -0.047758414701, 1e-9);
  EXPECT_NEAR(t.ci_high, 0.047758414701, 1e-9);
  EXPECT_EQ(t.verdict, "no_difference_detected");

  t = CompareProportions(90, 900, 5, 100);
  EXPECT_NEAR(t.z, 1.617726749844, 1e-9);
  EXPECT_NEAR(t.p_value, 0.105721498508, 1e-9);
  EXPECT_NEAR(t.ci_low, 0.003001714692, 1e-9);
  EXPECT_NEAR(t.ci_high, 0.096998285308, 1e-9);
  EXPECT_EQ(t.verdict, "no_difference_detected");  // the pooled test decides, not the interval

  EXPECT_EQ(CompareProportions(0, 5, 3, 5).verdict, "too_few_customers");
  EXPECT_EQ(CompareProportions(0, 0, 0, 0).verdict, "too_few_customers");
}

TEST(EffectTest, TopicsMatchByPrefixOnDotBoundaries) {
  EXPECT_TRUE(TopicMatches("app", "app"));
  EXPECT_TRUE(TopicMatches("app", "app.crash"));
  EXPECT_FALSE(TopicMatches("app", "apparel.size"));
  EXPECT_FALSE(TopicMatches("", "app"));
}

TEST(OutreachAccessTest, OnlyTheDepartmentHeadApproves) {
  // p-kevin-zhou heads app_engineering; p-wang-lei heads logistics.
  EXPECT_TRUE(MayApproveCampaign(DemoPerson("p-kevin-zhou"), "app_engineering").ok());
  EXPECT_EQ(MayApproveCampaign(DemoPerson("p-wang-lei"), "app_engineering").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayApproveCampaign(DemoPerson("p-emily-carter"), "app_engineering").code(),  // analyst
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayApproveCampaign(DemoPerson("p-sun-li"), "app_engineering").code(),  // admin
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayApproveCampaign(ApiKeyCaller({"entities:write", "admin"}), "app_engineering").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(OutreachAccessTest, WhoCreatesReadsAndRuns) {
  EXPECT_TRUE(MayCreateCampaign(DemoPerson("p-emily-carter"), "logistics").ok());
  EXPECT_TRUE(MayCreateCampaign(DemoPerson("p-wang-lei"), "logistics").ok());
  EXPECT_EQ(MayCreateCampaign(DemoPerson("p-wang-lei"), "app_engineering").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayCreateCampaign(DemoPerson("p-xu-gang"), "logistics").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(MayCreateCampaign(ApiKeyCaller({"entities:write"}), "logistics").ok());  // a draft only
  EXPECT_EQ(MayCreateCampaign(ApiKeyCaller({"entities:read"}), "logistics").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(MayReadCampaign(DemoPerson("p-xu-gang"), "logistics").ok());  // a member of it
  EXPECT_EQ(MayReadCampaign(DemoPerson("p-xu-gang"), "app_engineering").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(MayReadSegments(ApiKeyCaller({"entities:read"})).ok());
  EXPECT_EQ(MayReadSegments(ApiKeyCaller({"feedback:read"})).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayCreateSegments(DemoPerson("p-xu-gang")).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(MayRunCampaign(ApiKeyCaller({"entities:write"}), "logistics", "p-x").ok());
  EXPECT_EQ(MayRunCampaign(DemoPerson("p-xu-gang"), "logistics", "p-wang-lei").code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace voc::entities::outreach
