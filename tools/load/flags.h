// Command-line options of voc-load: "--name value" or "--name=value", and
// boolean switches.
#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <vector>

#include "tools/load/modes.h"

namespace voc::load {

// The options for `mode` from `args` (everything after the mode word).
// INVALID_ARGUMENT naming the option for an unknown option, a missing or
// malformed value, or a required option left out.
absl::StatusOr<LoadOptions> ParseOptions(const std::string& mode, const std::vector<std::string>& args);

// What `voc-load --help` prints.
std::string Usage();

}  // namespace voc::load
