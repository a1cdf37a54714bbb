// voc-load's entry point as a function, so `voc bench ...` and the binary
// share it: runs one mode and prints its summary, then its JSON line.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace voc::load {

// `args` starts with the mode word. Returns the process exit status: 0 on
// success, 1 when the run failed, 2 for a usage error.
int RunLoadTool(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace voc::load
