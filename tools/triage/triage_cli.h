// `voc triage eval` and `voc triage train`: measure the sentiment/topic models
// on a labelled CSV, and train the linear model from one.
#pragma once

#include <ostream>

namespace voc::triage::tools {

// argv[0] is "triage", argv[1] is "eval" or "train". Progress goes to `err`;
// eval prints its figures as one JSON object on the last line of `out`.
// Returns a process exit code (0 ok, 2 usage error, 1 failure).
int RunTriageCommand(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace voc::triage::tools
