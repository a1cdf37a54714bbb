#include "tools/load/run.h"

#include <cstdlib>
#include <map>

#include "tools/load/flags.h"
#include "tools/load/modes.h"

namespace voc::load {

rpc::ChannelSecurity LoadToolSecurity() {
  rpc::ChannelSecurity security;
  security.bearer_token = rpc::ApiKeyFromEnvironment();
  return security;
}

int RunLoadTool(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  using Mode = absl::StatusOr<nlohmann::json> (*)(const LoadOptions&, std::ostream&);
  static const std::map<std::string, Mode> modes = {
      {"echo", RunEcho}, {"submit", RunSubmit}, {"batch", RunBatch}, {"e2e", RunEndToEnd}, {"soak", RunSoak}, {"idle", RunIdle}};
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << Usage();
    return args.empty() ? 2 : 0;
  }
  const auto mode = modes.find(args[0]);
  if (mode == modes.end()) {
    err << "voc-load: unknown mode '" << args[0] << "'\n" << Usage();
    return 2;
  }
  const auto options = ParseOptions(args[0], {args.begin() + 1, args.end()});
  if (!options.ok()) {
    err << "voc-load " << args[0] << ": " << options.status().message() << "\n";
    return 2;
  }
  const auto report = mode->second(*options, out);
  if (!report.ok()) {
    err << "voc-load " << args[0] << ": " << report.status().message() << "\n";
    return 1;
  }
  // The last line: the figures, for docs and scripts.
  out << report->dump() << std::endl;
  return 0;
}

}  // namespace voc::load
