#include "common/log/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>

namespace voc::log {
namespace {

struct State {
  std::string service = "voc";
  bool json = true;
  spdlog::level::level_enum level = spdlog::level::info;
  std::shared_ptr<spdlog::logger> logger;
};

State& GetState() {
  static State state;
  static std::once_flag once;
  std::call_once(once, [] {
    state.logger = spdlog::stderr_logger_mt("voc");
    state.logger->set_pattern("%v");
  });
  return state;
}

std::string Timestamp() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

void Write(spdlog::level::level_enum level, std::string_view event, const nlohmann::json& fields) {
  State& state = GetState();
  if (level < state.level) return;
  std::string line;
  if (state.json) {
    nlohmann::json record = {{"time", Timestamp()},
                             {"level", spdlog::level::to_string_view(level).data()},
                             {"service", state.service},
                             {"event", event}};
    if (fields.is_object()) {
      for (auto it = fields.begin(); it != fields.end(); ++it) record[it.key()] = it.value();
    }
    // Replace invalid UTF-8 rather than throwing from a log call.
    line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = Timestamp() + " " + std::string(spdlog::level::to_string_view(level).data()) + " [" + state.service +
           "] " + std::string(event);
    if (fields.is_object() && !fields.empty()) {
      line += " " + fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  state.logger->log(level, line);
}

}  // namespace

void Init(std::string_view service, std::string_view format, std::string_view level) {
  State& state = GetState();
  state.service = std::string(service);
  state.json = format != "text";
  state.level = spdlog::level::from_str(std::string(level));
  state.logger->set_level(spdlog::level::trace);
  state.logger->flush_on(spdlog::level::trace);
}

void Debug(std::string_view event, const nlohmann::json& fields) { Write(spdlog::level::debug, event, fields); }
bool DebugEnabled() { return GetState().level <= spdlog::level::debug; }
void Info(std::string_view event, const nlohmann::json& fields) { Write(spdlog::level::info, event, fields); }
void Warn(std::string_view event, const nlohmann::json& fields) { Write(spdlog::level::warn, event, fields); }
void Error(std::string_view event, const nlohmann::json& fields) { Write(spdlog::level::err, event, fields); }

}  // namespace voc::log
