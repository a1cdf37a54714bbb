#include "tools/load/process_memory.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace voc::load {

absl::StatusOr<std::int64_t> ResidentKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return absl::NotFoundError("process " + std::to_string(pid) + " is gone");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));  // "VmRSS:   1234 kB"
  }
  return absl::NotFoundError("process " + std::to_string(pid) + " has no VmRSS (a zombie?)");
}

std::vector<pid_t> FindProcesses(const std::string& name) {
  std::vector<pid_t> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string dir = entry.path().filename();
    if (dir.empty() || dir.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string argv0;
    if (!in || !std::getline(in, argv0, '\0')) continue;
    if (std::filesystem::path(argv0).filename() == name) pids.push_back(static_cast<pid_t>(std::stol(dir)));
  }
  return pids;
}

absl::StatusOr<std::map<std::string, pid_t>> ParsePidList(const std::string& text) {
  std::map<std::string, pid_t> out;
  std::string normalised = text;
  for (char& c : normalised) {
    if (c == ',' || c == '\n') c = ' ';
  }
  std::istringstream words(normalised);
  std::string word;
  while (words >> word) {
    const auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == word.size() ||
        word.find_first_not_of("0123456789", eq + 1) != std::string::npos) {
      return absl::InvalidArgumentError("pids: '" + word + "' is not name=pid");
    }
    out[word.substr(0, eq)] = static_cast<pid_t>(std::stol(word.substr(eq + 1)));
  }
  return out;
}

absl::StatusOr<std::map<std::string, pid_t>> FindEach(const std::vector<std::string>& names) {
  std::map<std::string, pid_t> out;
  for (const auto& name : names) {
    const auto pids = FindProcesses(name);
    if (pids.size() != 1) {
      return absl::InvalidArgumentError(std::to_string(pids.size()) + " processes named " + name +
                                        " are running; give --pids or --pids-file");
    }
    out[name] = pids.front();
  }
  return out;
}

}  // namespace voc::load
