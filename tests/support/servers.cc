#include "tests/support/servers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace voc::testing {
namespace fs = std::filesystem;

namespace {

constexpr char kPgBin[] = "/usr/lib/postgresql/15/bin";

std::string RunCapture(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  char buf[512];
  while (fgets(buf, sizeof buf, pipe)) output += buf;
  int status = pclose(pipe);
  if (status != 0) throw std::runtime_error("command failed (" + std::to_string(status) + "): " + command + "\n" + output);
  return output;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "voc-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a free port");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool WaitForPort(int port, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string log_path,
                           std::map<std::string, std::string> env, std::string working_dir) {
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Child: its own process group so a kill reaches nothing else.
    setpgid(0, 0);
    if (!working_dir.empty() && chdir(working_dir.c_str()) != 0) _exit(126);
    if (!log_path.empty()) {
      int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
      }
    }
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    // Tests block shutdown signals in some threads; start the child clean.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Terminate(3000);
}

bool ChildProcess::Running() {
  if (pid_ <= 0) return false;
  int status;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void ChildProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int ChildProcess::Terminate(int timeout_ms) {
  if (pid_ <= 0) return 0;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

std::optional<int> ChildProcess::WaitForExit(int timeout_ms) {
  if (pid_ <= 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (true) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

RedisServer::RedisServer() : port_(FreePort()) { Start(); }

RedisServer::~RedisServer() { Stop(); }

void RedisServer::Start() {
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                               "--dir", dir_.path(), "--save", "", "--appendonly", "no", "--daemonize", "no",
                               "--protected-mode", "yes"},
      dir_.path() + "/redis.log");
  if (!WaitForPort(port_, 10000)) throw std::runtime_error("redis-server did not start on port " + std::to_string(port_));
}

void RedisServer::Stop() {
  if (process_) {
    process_->Terminate(3000);
    process_.reset();
  }
}

bool PostgresServer::Available() {
  return fs::exists(std::string(kPgBin) + "/initdb") && fs::exists(std::string(kPgBin) + "/postgres");
}

std::string PostgresServer::RunAsOwner(const std::vector<std::string>& argv) {
  std::string command;
  for (const auto& a : argv) command += ShellQuote(a) + " ";
  if (geteuid() == 0) command = "runuser -u postgres -- " + command;
  return RunCapture(command);
}

PostgresServer::PostgresServer() : port_(FreePort()) {
  if (!Available()) throw std::runtime_error("PostgreSQL server binaries not installed under " + std::string(kPgBin));
  data_dir_ = dir_.path() + "/data";
  if (geteuid() == 0) {
    // initdb refuses to run as root: hand the folder to the postgres user.
    passwd* pw = getpwnam("postgres");
    if (!pw) throw std::runtime_error("running as root but there is no postgres user");
    if (chown(dir_.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("chown failed");
  }
  RunAsOwner({std::string(kPgBin) + "/initdb", "-D", data_dir_, "-U", "postgres", "--auth=trust", "-E", "UTF8",
              "--locale=C", "--no-sync"});
  Start();
}

void PostgresServer::Start() {
  if (process_) return;
  std::vector<std::string> argv{std::string(kPgBin) + "/postgres", "-D", data_dir_, "-p", std::to_string(port_),
                                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir_.path(),
                                "-c", "fsync=off", "-c", "max_connections=100"};
  if (geteuid() == 0) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  process_ = std::make_unique<ChildProcess>(argv, dir_.path() + "/postgres.log");
  if (!WaitForPort(port_, 20000)) throw std::runtime_error("postgres did not start on port " + std::to_string(port_));
  // Accepting TCP is not yet accepting queries; wait for pg_isready.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      RunCapture(std::string(kPgBin) + "/pg_isready -h 127.0.0.1 -p " + std::to_string(port_));
      return;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  throw std::runtime_error("postgres never became ready");
}

void PostgresServer::Stop() {
  if (!process_) return;
  // A fast shutdown (SIGINT to the postmaster, through pg_ctl so it reaches
  // the server and not runuser): clients are disconnected at once, where the
  // default smart shutdown would wait for every pooled connection to close.
  try {
    RunAsOwner({std::string(kPgBin) + "/pg_ctl", "stop", "-D", data_dir_, "-m", "fast", "-w", "-t", "20"});
  } catch (const std::exception&) {
    // Already gone or not answering: the terminate below ends it either way.
  }
  if (!process_->WaitForExit(10000).has_value()) process_->Terminate(5000);
  process_.reset();
}

PostgresServer::~PostgresServer() { Stop(); }

std::string PostgresServer::Url(const std::string& dbname) const {
  return "postgresql://host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + dbname + " user=postgres";
}

void PostgresServer::CreateDatabase(const std::string& dbname) {
  RunCapture("/usr/bin/psql -h 127.0.0.1 -p " + std::to_string(port_) + " -U postgres -d postgres -c " +
             ShellQuote("CREATE DATABASE \"" + dbname + "\""));
}

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::unique_ptr<ChildProcess> StartServiceProcess(const std::string& binary, const std::string& config,
                                                  const std::string& log_path,
                                                  std::map<std::string, std::string> env, int port) {
  auto process = std::make_unique<ChildProcess>(std::vector<std::string>{binary, "--config", config}, log_path,
                                                std::move(env));
  if (!WaitForPort(port, 30000)) {
    throw std::runtime_error(binary + " did not open port " + std::to_string(port) + ":\n" + ReadFileText(log_path));
  }
  return process;
}

}  // namespace voc::testing
