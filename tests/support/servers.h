// Real servers for integration and end-to-end tests: each starts its own
// process on loopback, on a free port, in a temporary folder, and stops it
// (and removes the folder) when destroyed. CI runs on a clean machine where
// nothing is running, so tests never assume a server exists.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

namespace voc::testing {

// A temporary folder removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A port on 127.0.0.1 that was free a moment ago.
int FreePort();

// A child process; killed (SIGTERM, then SIGKILL) on destruction.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, std::string log_path = "",
               std::map<std::string, std::string> env = {}, std::string working_dir = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  // Sends SIGKILL and reaps the process.
  void Kill();
  // Sends SIGTERM, waits up to timeout_ms, then SIGKILL. Returns exit status.
  int Terminate(int timeout_ms = 5000);
  // Waits up to timeout_ms for the process to end by itself and reaps it.
  // Returns its wait status (WIFEXITED / WEXITSTATUS), or nullopt while it
  // still runs.
  std::optional<int> WaitForExit(int timeout_ms);

 private:
  pid_t pid_ = -1;
};

// redis-server on a free loopback port, no persistence.
class RedisServer {
 public:
  RedisServer();
  ~RedisServer();
  int port() const { return port_; }
  // Stops the server (simulating an outage) and starts it again on the same port.
  void Stop();
  void Start();

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

// A PostgreSQL 15 cluster made with initdb in a temporary folder, run as the
// unprivileged `postgres` user when the tests run as root (initdb refuses
// root), listening only on loopback at a free port.
class PostgresServer {
 public:
  PostgresServer();
  ~PostgresServer();
  int port() const { return port_; }
  // A SOCI URL for database `dbname` (created on demand with CreateDatabase).
  std::string Url(const std::string& dbname = "postgres") const;
  void CreateDatabase(const std::string& dbname);

  // Stops the server (a fast shutdown: open client connections are cut, as
  // in an outage) and starts it again on the same port and data folder, so
  // what was stored is still there. Start() returns once it accepts queries.
  void Stop();
  void Start();

  // True when the PostgreSQL server binaries are installed.
  static bool Available();

 private:
  std::string RunAsOwner(const std::vector<std::string>& argv);
  TempDir dir_;
  std::string data_dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

// Waits until a TCP connect to 127.0.0.1:port succeeds. Returns false on timeout.
bool WaitForPort(int port, int timeout_ms);

// The whole text of a file, "" when it cannot be read: a child's log for a
// failure message.
std::string ReadFileText(const std::string& path);

// A service binary started as `binary --config config`, its output in
// log_path; waits up to 30 s for its gRPC port (std::runtime_error with the
// log if it never opens: gtest reports it as the test's failure).
std::unique_ptr<ChildProcess> StartServiceProcess(const std::string& binary, const std::string& config,
                                                  const std::string& log_path,
                                                  std::map<std::string, std::string> env, int port);

}  // namespace voc::testing
