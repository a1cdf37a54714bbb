// echo: the ceiling every other figure is divided by.
#include <fmt/format.h>

#include "common/rpc/server.h"
#include "tools/load/echo_server.h"
#include "tools/load/modes.h"

namespace voc::load {

nlohmann::json MeasureEcho(int in_flight, std::int64_t count, double seconds, std::ostream& out) {
  EchoServer server;
  const auto port = server.Start();
  if (!port.ok()) return {{"error", std::string(port.status().message())}};
  auto stub = echo::EchoService::NewStub(rpc::MakeChannel("127.0.0.1:" + std::to_string(*port)));
  DriveOptions drive;
  drive.in_flight = in_flight;
  drive.count = count;
  drive.duration = Seconds(seconds);
  const DriveResult result = Drive(drive, EchoCalls(*stub));
  const auto latency = result.ok_latencies.Summarize();
  const double per_s = Rate(result.ok, result.elapsed);
  out << fmt::format("echo ({} B payload, {} in flight): {} calls in {:.2f} s = {:.0f} calls/s\n",
                     kEchoPayloadBytes, in_flight, result.ok,
                     ToSeconds(result.elapsed), per_s)
      << "  latency " << FormatSummary(latency) << "\n";
  return {{"calls", result.ok},
          {"failed", result.started - result.ok},
          {"per_s", per_s},
          {"elapsed_s", ToSeconds(result.elapsed)},
          {"latency", ToJson(latency)}};
}

absl::StatusOr<nlohmann::json> RunEcho(const LoadOptions& options, std::ostream& out) {
  nlohmann::json echo = MeasureEcho(options.in_flight, options.count, options.seconds, out);
  if (echo.contains("error")) return absl::UnavailableError(echo["error"].get<std::string>());
  echo["mode"] = "echo";
  echo["in_flight"] = options.in_flight;
  echo["payload_bytes"] = kEchoPayloadBytes;
  return echo;
}

}  // namespace voc::load
