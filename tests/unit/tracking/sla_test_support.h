// What the sweeper's tests (unit, PostgreSQL integration, benchmark) share:
// policies on the fake calendars, a directory with a management chain, and
// the clock rows clocks writes (tracking migration 3's case_clocks), written
// the way clocks writes them: next_check_ms from NextCheckMs.
#pragma once

#include <soci/soci.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/sla/sla_policy.h"
#include "common/storage/database.h"
#include "services/tracking/case_clocks.h"
#include "services/tracking/sla/clock_schedule.h"
#include "tests/unit/tracking/fake_business_calendar.h"

namespace voc::tracking::sla_test {

// Policies by case kind, on the calendars given.
class FakePolicies final : public sla::SlaPolicies {
 public:
  void AddCalendar(std::shared_ptr<const sla::BusinessCalendar> calendar) {
    calendars_[calendar->id()] = std::move(calendar);
  }
  void AddPolicy(const std::string& kind, sla::SlaPolicy policy) { by_kind_[kind] = std::move(policy); }

  absl::StatusOr<const sla::SlaPolicy*> Find(const sla::PolicyKey& key) const override {
    const auto it = by_kind_.find(key.kind);
    if (it == by_kind_.end()) return absl::NotFoundError("no SLA policy for kind " + key.kind);
    return &it->second;
  }
  const sla::BusinessCalendar* FindCalendar(const std::string& id) const override {
    const auto it = calendars_.find(id);
    return it == calendars_.end() ? nullptr : it->second.get();
  }

 private:
  std::map<std::string, std::shared_ptr<const sla::BusinessCalendar>> calendars_;
  std::map<std::string, sla::SlaPolicy> by_kind_;
};

// A complaint policy on working hours: first response 8 business hours,
// resolution 16; warnings at 75 % and 2 h before; levels at the breach, 4 h
// and 8 h after (manager, manager's manager, the CEO by name).
inline sla::SlaPolicy ComplaintPolicy(const std::string& calendar) {
  sla::SlaPolicy p;
  p.id = "complaint-p2";
  p.calendar = calendar;
  auto chain = [](sla::DurationMs target) {
    sla::ClockTarget t;
    t.target = target;
    t.warnings = {{"75pct", 0.75, 0}, {"2h-before", 0, 2 * kHourMs}};
    t.escalation = {{1, 0, "manager"}, {2, 4 * kHourMs, "manager_of_manager"},
                    {3, 8 * kHourMs, "person:p-ceo"}};
    return t;
  };
  p.first_response = chain(8 * kHourMs);
  p.resolution = chain(16 * kHourMs);
  return p;
}

// The detractor callback: 24 h first response round the clock, one level.
inline sla::SlaPolicy CallbackPolicy() {
  sla::SlaPolicy p;
  p.id = "callback-24h";
  p.calendar = "24x7";
  p.first_response.target = 24 * kHourMs;
  p.first_response.escalation = {{1, 0, "manager"}};
  p.resolution.target = 72 * kHourMs;
  p.resolution.escalation = {{1, 0, "manager"}};
  return p;
}

// Monday 2026-12-07 is a holiday in the tests' office calendar.
inline std::shared_ptr<FakePolicies> TestPolicies() {
  auto policies = std::make_shared<FakePolicies>();
  policies->AddCalendar(std::make_shared<FakeWorkingHoursCalendar>(
      "cn-office", std::set<std::int64_t>{DaysFromCivil(2026, 12, 7)}));
  policies->AddCalendar(std::make_shared<FakeAlwaysCalendar>());
  policies->AddPolicy("complaint", ComplaintPolicy("cn-office"));
  policies->AddPolicy("detractor_callback", CallbackPolicy());
  return policies;
}

// A chain three deep in operations, and a second department.
inline const char kChainDirectoryYaml[] = R"(
departments:
  - {id: customer_success, name: {zh: 客户成功部, en: Customer Success}, head: p-head-cs}
  - {id: logistics, name: {zh: 物流部, en: Logistics}, head: p-head-log}
  - {id: executive, name: {zh: 总裁办, en: Executive}, head: p-ceo}
people:
  - {id: p-ceo, name: CEO, department: executive}
  - {id: p-head-cs, name: Head CS, department: customer_success, manager: p-ceo}
  - {id: p-lead-cs, name: Lead CS, department: customer_success, manager: p-head-cs}
  - {id: p-am, name: Account Manager, department: customer_success, manager: p-lead-cs}
  - {id: p-head-log, name: Head Logistics, department: logistics, manager: p-ceo}
  - {id: p-lead-log, name: Lead Logistics, department: logistics, manager: p-head-log}
  - {id: p-driver, name: Dispatcher, department: logistics, manager: p-lead-log}
)";

// Writes clock rows as clocks does: start (due from the calendar, the next
// check from NextCheckMs), met (next check NULL). The service under test
// runs without policies, so these rows say which clocks a case has.
class ClockWriter {
 public:
  ClockWriter(storage::Database& db, const sla::SlaPolicies& policies) : db_(db), policies_(policies) {}

  ClockRow Start(const std::string& case_id, const std::string& clock, const std::string& kind,
                 sla::TimeMs started_ms) {
    const sla::SlaPolicy* policy = *policies_.Find({kind, "p2", "", ""});
    const sla::BusinessCalendar& calendar = *policies_.FindCalendar(policy->calendar);
    const sla::ClockTarget& target =
        clock == kFirstResponseClock ? policy->first_response : policy->resolution;
    ClockRow row;
    row.case_id = case_id;
    row.clock = clock;
    row.policy_id = policy->id;
    row.calendar_id = policy->calendar;
    row.target_ms = target.target;
    row.started_ms = started_ms;
    row.due_ms = calendar.Add(started_ms, target.target);
    row.next_check_ms = NextCheckMs(row, target, calendar, {});
    db_.WithSession([&](soci::session& s) {
      long long t = row.target_ms, st = row.started_ms, due = *row.due_ms, next = *row.next_check_ms;
      s << "INSERT INTO case_clocks (case_id, clock, policy_id, calendar_id, target_ms, started_ms,"
           " due_ms, used_ms, breached, next_check_ms) VALUES (:c, :k, :p, :cal, :t, :s, :d, 0, 0, :n)"
           // Replaces the row CreateCase wrote (without policies it starts
           // a wall-clock override clock): the test decides the clock.
           " ON CONFLICT (case_id, clock) DO UPDATE SET policy_id = excluded.policy_id,"
           " calendar_id = excluded.calendar_id, target_ms = excluded.target_ms,"
           " started_ms = excluded.started_ms, due_ms = excluded.due_ms, used_ms = 0,"
           " paused_since_ms = NULL, met_ms = NULL, breached = 0,"
           " next_check_ms = excluded.next_check_ms",
          soci::use(row.case_id), soci::use(row.clock), soci::use(row.policy_id),
          soci::use(row.calendar_id), soci::use(t), soci::use(st), soci::use(due), soci::use(next);
    });
    return row;
  }

  // Drops the clocks CreateCase started, so a test starts only its own.
  void Clear(const std::string& case_id) {
    db_.WithSession([&](soci::session& s) {
      s << "DELETE FROM case_clocks WHERE case_id = :c", soci::use(case_id);
    });
  }

  void Meet(const std::string& case_id, const std::string& clock, sla::TimeMs met_ms) {
    db_.WithSession([&](soci::session& s) {
      long long met = met_ms;
      s << "UPDATE case_clocks SET met_ms = :m, next_check_ms = NULL WHERE case_id = :c AND clock = :k",
          soci::use(met), soci::use(case_id), soci::use(clock);
    });
  }

 private:
  storage::Database& db_;
  const sla::SlaPolicies& policies_;
};

}  // namespace voc::tracking::sla_test
