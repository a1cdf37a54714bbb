// voc-verification: consumes voc:tracking, voc:triaged and voc:outreach
// (campaign verdicts), runs due checks on
// a timer and serves voc.v1.VerificationService.
#include <iostream>
#include <thread>

#include "common/auth/authenticator.h"
#include "common/auth/dev_clock_access.h"
#include "common/log/log.h"
#include "common/org/org_directory.h"
#include "common/privacy/masker.h"
#include "common/queue/stream.h"
#include "common/reports/settings.h"
#include "common/rpc/channel.h"
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "common/service/periodic_worker.h"
#include "services/verification/digest/digest_grpc.h"
#include "services/verification/digest/digest_programme_source.h"
#include "services/verification/digest/digest_scheduler.h"
#include "services/verification/digest/digest_sources_grpc.h"
#include "services/verification/digest/goal_digest_rows.h"
#include "services/verification/goals/goal_figures_grpc.h"
#include "services/verification/goals/goal_grpc.h"
#include "services/verification/goals/goal_scheduler.h"
#include "services/verification/grpc_clients.h"
#include "services/verification/outcomes/outcome_grpc.h"
#include "services/verification/postponement_tracker.h"
#include "services/verification/privacy_grpc.h"
#include "services/verification/verification_consumer.h"
#include "services/verification/verification_grpc.h"
#include "services/verification/verification_service.h"

int main(int argc, char** argv) {
  voc::rpc::BlockShutdownSignals();
  auto ctx = voc::BootstrapService(argc, argv, "verification", "verification",
                                   voc::verification::Migrations());
  // Who is calling (issue 9): every RPC runs under auth::Serve with this.
  auto made_authenticator = voc::auth::AuthenticatorFromConfig(ctx.config, *ctx.clock, ctx.redis);
  if (!made_authenticator.ok()) {
    std::cerr << "voc-verification: cannot start: " << made_authenticator.status().message() << "\n";
    return 2;
  }
  std::unique_ptr<voc::auth::CallerAuthenticator> authenticator = *std::move(made_authenticator);
  const auto& config = ctx.config;


  voc::verification::VerificationSettings settings;
  settings.check_delay = std::chrono::hours(config.ServiceInt("check_delay_hours", 720));
  settings.window = std::chrono::hours(24 * config.ServiceInt("window_days", 30));
  settings.resurvey_delay = std::chrono::hours(24 * config.ServiceInt("resurvey_delay_days", 90));
  settings.significance = config.ServiceDouble("significance", 0.05);
  settings.resurvey_survey_url = config.ServiceString("resurvey_survey_url", settings.resurvey_survey_url);
  settings.resurvey_invite_max_attempts =
      static_cast<int>(config.ServiceInt("resurvey_invite_max_attempts", settings.resurvey_invite_max_attempts));
  if (settings.resurvey_invite_max_attempts < 1) {
    voc::log::Error("bad_config", {{"key", "services.verification.resurvey_invite_max_attempts"}, {"must_be", ">= 1"}});
    return 2;
  }
  // Re-survey invitations go out through the loop's notifier (voc-notify's
  // stream in production, see notifier.kind).
  auto notifier = voc::NotifierFromConfig(config);
  if (!notifier.ok()) {
    voc::log::Error("bad_config", {{"error", std::string(notifier.status().message())}});
    return 2;
  }
  if (settings.significance <= 0 || settings.significance >= 1) {
    voc::log::Error("bad_config", {{"key", "services.verification.significance"}, {"must_be", "in (0, 1)"}});
    return 2;
  }

  // Triage (CountFeedback) and tracking (ReopenProject) are called as
  // principal "verification": triage:count and projects:reopen only.
  auto security = voc::rpc::ChannelSecurityFrom(ctx.config);
  if (!security.ok()) {
    std::cerr << "voc-verification: cannot start: " << security.status().message() << "\n";
    return 2;
  }

  voc::verification::VerificationStore store(*ctx.db);
  voc::verification::TriageComplaintCounter counter(voc::rpc::MakeChannel(config.AddressOf("triage"), *security));
  voc::verification::TrackingProjectReopener reopener(
      voc::rpc::MakeChannel(config.AddressOf("tracking"), *security));
  voc::verification::VerificationService service(*ctx.clock, store, counter, reopener, settings, notifier->get());
  // Personal data (issue 9): knowledge entries are de-identified, with the
  // names of the directory's people and customers.
  // (the directory the authenticator loaded for its people)
  service.UseMasker(voc::privacy::Masker::FromDirectory(authenticator->roles()->directory()));
  voc::verification::VerificationGrpc grpc_impl(service, *authenticator);
  // Reports (issue 12), in the report time zone every service shares.
  const voc::reports::ReportSettings& report_settings = ctx.reports;
  voc::verification::OutcomeReporter outcomes_reporter(store, report_settings.utc_offset_minutes,
                                                      report_settings.nps_min_answers);
  voc::verification::OutcomeReportGrpc outcome_report_grpc(*authenticator, outcomes_reporter);

  // Programme goals (issue 12): figures from triage's voice trend and
  // tracking's loop report (as "verification", analytics:read), evaluated
  // daily by GoalScheduler on the scheduler below.
  voc::verification::GoalStore goal_store(*ctx.db);
  voc::verification::TriageVoiceTrendSource goal_voice(voc::rpc::MakeChannel(config.AddressOf("triage"), *security));
  voc::verification::TrackingLoopReportSource goal_loop(voc::rpc::MakeChannel(config.AddressOf("tracking"), *security));
  voc::verification::GoalMeter goal_meter(goal_voice, goal_loop, goal_store, report_settings.utc_offset_minutes);
  voc::verification::GoalService goal_service(*ctx.clock, goal_store, goal_meter, {report_settings.utc_offset_minutes});
  voc::verification::GoalGrpc goal_grpc(goal_service, *authenticator);
  voc::verification::GoalScheduler goal_scheduler(
      goal_service, std::chrono::minutes(config.ServiceInt("goal_evaluation_interval_minutes",
                                                           voc::verification::kDefaultGoalEvaluationIntervalMinutes)));

  // The weekly digest (issue 12): triage and tracking report RPCs are called
  // as "verification" (needs analytics:read); goals come from the goals store.
  voc::verification::DigestSchedule digest_schedule{
      static_cast<int>(config.ServiceInt("digest_weekday", 1)), static_cast<int>(config.ServiceInt("digest_hour", 8)),
      report_settings.utc_offset_minutes};
  if (digest_schedule.weekday < 1 || digest_schedule.weekday > 7) {
    voc::log::Error("bad_config", {{"key", "services.verification.digest_weekday"}, {"must_be", "1 (Monday) .. 7"}});
    return 2;
  }
  if (digest_schedule.hour < 0 || digest_schedule.hour > 23) {
    voc::log::Error("bad_config", {{"key", "services.verification.digest_hour"}, {"must_be", "0 .. 23"}});
    return 2;
  }
  const voc::org::OrgDirectory& directory = authenticator->roles()->directory();
  voc::verification::TriageVoiceDigestSource voice_source(
      voc::rpc::MakeChannel(config.AddressOf("triage"), *security));
  voc::verification::TrackingLoopDigestSource loop_source(
      voc::rpc::MakeChannel(config.AddressOf("tracking"), *security));
  voc::verification::GoalStoreDigestRows goal_rows(goal_store);
  voc::verification::StoreProgrammeDigestSource programme_source(
      store, std::make_shared<const voc::privacy::Masker>(voc::privacy::Masker::FromDirectory(directory)), goal_rows);
  voc::verification::DigestComposer digest_composer(voice_source, loop_source, programme_source);
  voc::verification::DigestStore digest_store(*ctx.db);
  voc::verification::DigestRecipients digest_recipients(*authenticator->roles());
  voc::verification::DigestService digest_service(*ctx.clock, digest_store, digest_composer, directory,
                                                  digest_recipients, **notifier, report_settings.utc_offset_minutes);
  voc::verification::DigestGrpc digest_grpc(digest_service, *authenticator);
  voc::verification::DigestScheduler digest_scheduler(digest_service, digest_store, digest_schedule);
  voc::verification::VerificationConsumer consumer(service);

  // Each read (up to batch_size messages) is stored in one transaction.
  const int batch_size = static_cast<int>(config.ServiceInt("consumer_batch_size", 64));
  voc::queue::ConsumerOptions tracking_options{voc::queue::kTrackingStream, "verification", ctx.consumer_name};
  voc::queue::ConsumerOptions triaged_options{voc::queue::kTriagedStream, "verification", ctx.consumer_name};
  voc::queue::ConsumerOptions outcome_options{voc::verification::kNotifyOutcomesStream, "verification",
                                              ctx.consumer_name};
  // Issue 13: outreach campaigns' verdicts from voc-entities.
  voc::queue::ConsumerOptions outreach_options{voc::queue::kOutreachStream, "verification", ctx.consumer_name};
  tracking_options.batch_size = triaged_options.batch_size = outcome_options.batch_size = batch_size;
  outreach_options.batch_size = batch_size;
  voc::queue::StreamConsumer tracking_consumer(
      ctx.redis, tracking_options,
      [&](const std::vector<voc::queue::StreamMessage>& batch) { return consumer.HandleTrackingBatch(batch); });
  voc::queue::StreamConsumer triaged_consumer(
      ctx.redis, triaged_options,
      [&](const std::vector<voc::queue::StreamMessage>& batch) { return consumer.HandleTriagedBatch(batch); });
  voc::queue::StreamConsumer outcome_consumer(
      ctx.redis, outcome_options,
      [&](const std::vector<voc::queue::StreamMessage>& batch) { return consumer.HandleNotifyOutcomeBatch(batch); });
  voc::queue::StreamConsumer outreach_consumer(
      ctx.redis, outreach_options,
      [&](const std::vector<voc::queue::StreamMessage>& batch) { return consumer.HandleOutreachBatch(batch); });
  std::thread tracking_thread([&] { tracking_consumer.Run(); });
  std::thread outreach_thread([&] { outreach_consumer.Run(); });
  std::thread triaged_thread([&] { triaged_consumer.Run(); });
  std::thread outcome_thread([&] { outcome_consumer.Run(); });

  {
    // A failing run (its database is down) is logged once, with reminders and
    // a line when runs go through again, not once per interval.
    voc::verification::PostponementTracker failures;
    voc::PeriodicWorker scheduler(
        "verification-scheduler", std::chrono::milliseconds(config.ServiceInt("scheduler_interval_ms", 1000)), [&] {
          const auto run = service.RunDueChecks();
          const auto now = ctx.clock->Now();
          LogPostponement("scheduler", {},
                          run.ok() ? failures.Succeeded("due_checks", now)
                                   : failures.Failed("due_checks", std::string(run.status().message()), now));
          const auto goals = goal_scheduler.RunIfDue(now);
          LogPostponement("scheduler", {},
                          goals.ok() ? failures.Succeeded("goal_evaluation", now)
                                     : failures.Failed("goal_evaluation", std::string(goals.status().message()), now));
        });
    scheduler.Start();
    // The weekly digest: a cheap check (one row read) per interval; the
    // week's run composes and sends once.
    voc::verification::PostponementTracker digest_failures;
    voc::PeriodicWorker digest_worker(
        "verification-digest", std::chrono::milliseconds(config.ServiceInt("digest_check_interval_ms", 60000)), [&] {
          const auto now = ctx.clock->Now();
          const auto run = digest_scheduler.RunIfDue(now);
          const bool failed = !run.ok() || !run->errors.empty();
          const std::string why = !run.ok() ? std::string(run.status().message())
                                            : (failed ? run->errors.front() : std::string());
          LogPostponement("digest_scheduler", {},
                          failed ? digest_failures.Failed("weekly_digest", why, now)
                                 : digest_failures.Succeeded("weekly_digest", now));
        });
    digest_worker.Start();
    // PIPL / GDPR erasure (issue 9): voc customers erase.
    voc::verification::ErasureStore erasure_store(*ctx.db);
    const auto privacy_service = voc::verification::MakePrivacyGrpc(*authenticator, erasure_store);
    voc::rpc::ServiceServer server({.service_name = "verification", .listen = ctx.listen, .dev_clock = ctx.dev_clock,
                                    .authorize_dev_clock = voc::auth::DevClockAuthorizer(*authenticator)},
                                   {&grpc_impl, privacy_service.get(), &outcome_report_grpc, &goal_grpc,
                                    &digest_grpc});
    voc::StartServerOrExit(server, "verification");
    const auto readiness = voc::StartReadiness(ctx, server);
    voc::log::Info("verification_started", {{"listen", ctx.listen}});
    server.WaitForShutdownSignal();
  }
  tracking_consumer.Stop();
  triaged_consumer.Stop();
  outcome_consumer.Stop();
  outreach_consumer.Stop();
  tracking_thread.join();
  outreach_thread.join();
  triaged_thread.join();
  outcome_thread.join();
  voc::log::Info("verification_stopped");
  return 0;
}
