// Structured logs: one JSON object a line on stderr (or plain text for a
// developer's terminal), with the service name on every line and the
// feedback or case id passed as fields.
//
//   voc::log::Info("feedback_stored", {{"feedback_id", id}, {"channel", ch}});
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace voc::log {

// format: "json" or "text"; level: "debug", "info", "warn", "error".
void Init(std::string_view service, std::string_view format, std::string_view level);

void Debug(std::string_view event, const nlohmann::json& fields = nlohmann::json::object());
// Whether Debug lines are written: a hot path checks it before building the
// fields of a line per item (the json costs allocations even when dropped).
bool DebugEnabled();
void Info(std::string_view event, const nlohmann::json& fields = nlohmann::json::object());
void Warn(std::string_view event, const nlohmann::json& fields = nlohmann::json::object());
void Error(std::string_view event, const nlohmann::json& fields = nlohmann::json::object());

}  // namespace voc::log
