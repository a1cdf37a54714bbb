// voc-ingest as the operator starts it: the real binary, a config file and a
// real redis-server. Without services.ingest.listen it serves on the
// documented loopback default (docs/operations.md); a listen address it
// cannot use is a clear start-up error (exit status 2), never an abort.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"

namespace voc {
namespace {

using namespace std::chrono_literals;

class IngestStartupTest : public ::testing::Test {
 protected:
  // Writes a config whose ingest section has `listen_line` (may be empty).
  std::string WriteConfig(const std::string& listen_line, const std::string& database = "sqlite3://ingest.db") {
    const std::string path = dir_.path() + "/voc.yaml";
    std::ofstream out(path);
    out << creds_.AuthYaml() << "data_dir: " << dir_.path() << "/var\n"
        << "redis: {host: 127.0.0.1, port: " << redis_.port() << "}\n"
        << "log_format: json\n"
        << "services:\n"
        << "  ingest:\n"
        << "    database: \"" << database << "\"\n"
        << "    metrics_listen: 127.0.0.1:0\n";  // these tests are about `listen`
    if (!listen_line.empty()) out << "    " << listen_line << "\n";
    return path;
  }

  std::string Log() const {
    std::ifstream in(log_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Waits (bounded) until the log holds `needle` or the process ended.
  bool WaitForLogOrExit(testing::ChildProcess& process, const std::string& needle) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Log().find(needle) != std::string::npos) return true;
      if (!process.Running()) return false;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  testing::TestCredentials creds_;
  testing::TempDir dir_;
  testing::RedisServer redis_;
  std::string log_path_ = dir_.path() + "/ingest.log";
};

TEST_F(IngestStartupTest, WithoutAListenAddressItUsesTheLoopbackDefault) {
  testing::ChildProcess ingest({VOC_INGEST_BIN, "--config", WriteConfig("")}, log_path_, creds_.ServiceEnv("ingest"));
  if (WaitForLogOrExit(ingest, "\"server_started\"")) {
    EXPECT_NE(Log().find("\"listen\":\"127.0.0.1:7101\""), std::string::npos) << Log();
    const int status = ingest.Terminate(10000);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status << "\n" << Log();
    return;
  }
  // Another program holds 7101 on this machine: the default was still the
  // one tried, and the refusal is a clean exit, not an abort.
  const auto status = ingest.WaitForExit(10000);
  ASSERT_TRUE(status.has_value()) << Log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 2) << "status " << *status << "\n" << Log();
  EXPECT_NE(Log().find("cannot listen on '127.0.0.1:7101'"), std::string::npos) << Log();
}

TEST_F(IngestStartupTest, AMalformedListenAddressExitsWithStatus2AndSaysWhy) {
  testing::ChildProcess ingest({VOC_INGEST_BIN, "--config", WriteConfig("listen: \"not a host:port\"")},
                               log_path_, creds_.ServiceEnv("ingest"));
  const auto status = ingest.WaitForExit(30000);
  ASSERT_TRUE(status.has_value()) << "still running with a malformed listen address\n" << Log();
  ASSERT_TRUE(WIFEXITED(*status)) << "killed by signal " << WTERMSIG(*status) << " (an abort?)\n" << Log();
  EXPECT_EQ(WEXITSTATUS(*status), 2) << Log();
  EXPECT_NE(Log().find("voc-ingest: cannot start: cannot listen on 'not a host:port'"), std::string::npos)
      << Log();
  EXPECT_EQ(Log().find("terminate called"), std::string::npos) << Log();
}

// Open, Migrate and Config::Load return statuses; BootstrapService prints
// them the same way.
TEST_F(IngestStartupTest, AMalformedDatabaseUrlExitsWithStatus2NamingItWithoutThePassword) {
  testing::ChildProcess ingest(
      {VOC_INGEST_BIN, "--config", WriteConfig("", "mysql://host=db password=secret")}, log_path_,
      creds_.ServiceEnv("ingest"));
  const auto status = ingest.WaitForExit(30000);
  ASSERT_TRUE(status.has_value()) << "still running with a malformed database URL\n" << Log();
  ASSERT_TRUE(WIFEXITED(*status)) << "killed by signal " << WTERMSIG(*status) << "\n" << Log();
  EXPECT_EQ(WEXITSTATUS(*status), 2) << Log();
  EXPECT_NE(Log().find("voc-ingest: cannot start: database URL must start with sqlite3:// or postgresql://, got "
                       "mysql://host=db password=***"),
            std::string::npos)
      << Log();
  EXPECT_EQ(Log().find("secret"), std::string::npos) << Log();
}

// The report settings (issue 12) are read by BootstrapService for every
// service, so a bad one stops any of them, naming the file and line.
TEST_F(IngestStartupTest, AReportTimeZoneOutOfRangeExitsWithStatus2NamingTheLine) {
  const std::string path = WriteConfig("");
  std::ofstream(path, std::ios::app) << "reports:\n  utc_offset_minutes: 900\n";
  std::ifstream in(path);
  int line = 0, offset_line = 0;
  for (std::string text; std::getline(in, text);) {
    ++line;
    if (text.find("utc_offset_minutes") != std::string::npos) offset_line = line;
  }
  testing::ChildProcess ingest({VOC_INGEST_BIN, "--config", path}, log_path_, creds_.ServiceEnv("ingest"));
  const auto status = ingest.WaitForExit(30000);
  ASSERT_TRUE(status.has_value()) << "still running with a bad report time zone\n" << Log();
  ASSERT_TRUE(WIFEXITED(*status)) << "killed by signal " << WTERMSIG(*status) << "\n" << Log();
  EXPECT_EQ(WEXITSTATUS(*status), 2) << Log();
  EXPECT_NE(Log().find("voc-ingest: cannot start: " + path + ":" + std::to_string(offset_line) +
                       ": reports.utc_offset_minutes: 900 is outside -720 .. 840"),
            std::string::npos)
      << Log();
}

TEST_F(IngestStartupTest, AMissingConfigFileExitsWithStatus2NamingIt) {
  const std::string missing = dir_.path() + "/absent.yaml";
  testing::ChildProcess ingest({VOC_INGEST_BIN, "--config", missing}, log_path_);
  const auto status = ingest.WaitForExit(30000);
  ASSERT_TRUE(status.has_value()) << Log();
  ASSERT_TRUE(WIFEXITED(*status)) << "killed by signal " << WTERMSIG(*status) << "\n" << Log();
  EXPECT_EQ(WEXITSTATUS(*status), 2) << Log();
  EXPECT_NE(Log().find("voc-ingest: cannot start: " + missing + ": cannot be read"), std::string::npos) << Log();
}

}  // namespace
}  // namespace voc
