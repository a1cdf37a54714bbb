#include "services/entities/outreach/outreach_settings.h"

#include "common/status/status.h"

namespace voc::entities::outreach {
namespace {

constexpr char kPrefix[] = "services.entities.outreach";

std::string Key(const std::string& name) { return std::string(kPrefix) + "." + name; }

}  // namespace

absl::StatusOr<OutreachSettings> OutreachSettingsFrom(const Config& config) {
  OutreachSettings s;
  s.rules.max_messages = static_cast<int>(config.GetInt(Key("max_messages"), s.rules.max_messages));
  s.rules.period_days = static_cast<int>(config.GetInt(Key("period_days"), s.rules.period_days));
  s.rules.quiet_start_hour = static_cast<int>(config.GetInt(Key("quiet_hours.start"), s.rules.quiet_start_hour));
  s.rules.quiet_end_hour = static_cast<int>(config.GetInt(Key("quiet_hours.end"), s.rules.quiet_end_hour));
  s.rules.default_time_zone = config.GetString(Key("default_time_zone"), s.rules.default_time_zone);
  if (absl::Status valid = Validate(s.rules, kPrefix); !valid.ok()) {
    // Validate names the setting; say where it is.
    const std::string message(valid.message());
    const std::string setting = message.substr(0, message.find(':'));
    return absl::InvalidArgumentError(config.Where(setting) + ": " + message);
  }
  const std::int64_t run = config.GetInt(Key("run_interval_ms"), s.run_interval_ms);
  if (run < 0 || run > 86400000) {
    return absl::InvalidArgumentError(config.Where(Key("run_interval_ms")) + ": " + Key("run_interval_ms") +
                                      ": must be in 0..86400000 (0: only by RunCampaign)");
  }
  s.run_interval_ms = static_cast<int>(run);
  const std::int64_t min_group = config.GetInt(Key("min_group"), s.min_group);
  if (min_group < 1 || min_group > 1000000) {
    return absl::InvalidArgumentError(config.Where(Key("min_group")) + ": " + Key("min_group") + ": must be in 1..1000000");
  }
  s.min_group = static_cast<int>(min_group);
  return s;
}

}  // namespace voc::entities::outreach
