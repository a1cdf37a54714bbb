// Standalone entry point for the triage eval/train commands, usable before
// (and besides) the `voc` CLI: `voc-triage-tool eval --data FILE.csv`.
#include <iostream>
#include <string>
#include <vector>

#include "tools/triage/triage_cli.h"

int main(int argc, char** argv) {
  std::vector<char*> args;
  static char triage[] = "triage";
  args.push_back(triage);
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  return voc::triage::tools::RunTriageCommand(static_cast<int>(args.size()), args.data(), std::cout, std::cerr);
}
