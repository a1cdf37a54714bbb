// voc-load: the project's load tool (docs/performance.md).
#include <iostream>

#include "common/log/log.h"
#include "tools/load/run.h"

int main(int argc, char** argv) {
  // The services' library code logs at info; the tool's output is its report.
  voc::log::Init("load", "text", "warn");
  return voc::load::RunLoadTool({argv + 1, argv + argc}, std::cout, std::cerr);
}
