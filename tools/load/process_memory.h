// Resident memory of the loop's processes, from /proc/<pid>/status.
#pragma once

#include <absl/status/statusor.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace voc::load {

// VmRSS of `pid` in kB; NOT_FOUND when the process is gone.
absl::StatusOr<std::int64_t> ResidentKb(pid_t pid);

// The processes whose program (argv[0]'s file name) is `name`.
std::vector<pid_t> FindProcesses(const std::string& name);

// Parses "ingest=123,triage=456" or a file with one "name=pid" a line (the
// pids file scripts/bench-stack.sh writes). INVALID_ARGUMENT naming the bad
// entry.
absl::StatusOr<std::map<std::string, pid_t>> ParsePidList(const std::string& text);

// For each program name, its one running process. INVALID_ARGUMENT when a
// name matches none or several (then give the pids explicitly).
absl::StatusOr<std::map<std::string, pid_t>> FindEach(const std::vector<std::string>& names);

}  // namespace voc::load
