// voc-entities as the operator runs it (issue 13): the real binary with a
// config file, and the real `voc data` CLI against it.
//   - a schema file with a mistake stops the service at start (exit 2)
//     naming the file and the line;
//   - `voc data import` of a CSV with bad rows prints the summary and the
//     bad rows' lines, exits 0 (3 with --strict); the same file again is
//     all unchanged; `voc data get` shows an upsert's old value;
//   - a feedback-only key is refused (exit 1, PERMISSION_DENIED).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"

namespace voc {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class EntitiesCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    creds_.Add("importer", "entities:write");
    creds_.Add("feedback-only", "feedback:write");
    port_ = testing::FreePort();
  }

  std::string WriteConfig(const std::string& schema_path) {
    const std::string path = dir_.path() + "/voc.yaml";
    std::ofstream out(path);
    out << creds_.AuthYaml() << "data_dir: " << dir_.path() << "/var\n"
        << "redis: {host: \"\", port: 0}\n"
        << "log_format: json\n"
        << "services:\n"
        << "  entities:\n"
        << "    database: \"sqlite3://" << dir_.path() << "/entities.db\"\n"
        << "    listen: \"127.0.0.1:" << port_ << "\"\n"
        << "    metrics_listen: \"\"\n"
        << "    schema: \"" << schema_path << "\"\n";
    return path;
  }

  // Runs the voc CLI with `args` as `principal`; returns its exit status and
  // leaves its output (stdout and stderr) in *output.
  int Voc(const std::string& principal, std::vector<std::string> args, std::string* output,
          const std::string& command = "data") {
    const std::string log = dir_.path() + "/voc-" + std::to_string(++runs_) + ".log";
    std::vector<std::string> argv = {VOC_CLI_BIN, "--entities", "127.0.0.1:" + std::to_string(port_), command};
    argv.insert(argv.end(), args.begin(), args.end());
    testing::ChildProcess voc(argv, log, {{"VOC_API_KEY", creds_.Token(principal)}});
    const auto status = voc.WaitForExit(60000);
    *output = ReadAll(log);
    if (!status || !WIFEXITED(*status)) return -1;
    return WEXITSTATUS(*status);
  }

  testing::TestCredentials creds_;
  testing::TempDir dir_;
  int port_ = 0;
  int runs_ = 0;
};

TEST_F(EntitiesCliTest, AMalformedSchemaStopsTheServiceWithItsFileAndLine) {
  const std::string schema = dir_.path() + "/entities.yaml";
  std::ofstream(schema) << "entities:\n  vehicle:\n    key: vin\n    attributes:\n      vin: string\n"
                           "      build_date: datetime\n    link: {vin: vin}\n";
  const std::string log = dir_.path() + "/entities.log";
  testing::ChildProcess service({VOC_ENTITIES_BIN, "--config", WriteConfig(schema)}, log,
                                creds_.ServiceEnv("entities"));
  const auto status = service.WaitForExit(30000);
  ASSERT_TRUE(status.has_value()) << ReadAll(log);
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 2);
  EXPECT_NE(ReadAll(log).find("voc-entities: cannot start: " + schema +
                              ":6: entities.vehicle.attributes.build_date: unknown type 'datetime'"),
            std::string::npos)
      << ReadAll(log);
}

TEST_F(EntitiesCliTest, ImportReportsBadRowsByLineAndAReimportChangesNothing) {
  const std::string log = dir_.path() + "/entities.log";
  testing::ChildProcess service({VOC_ENTITIES_BIN, "--config", WriteConfig(VOC_SOURCE_DIR "/config/entities.yaml")},
                                log, creds_.ServiceEnv("entities"));
  ASSERT_TRUE(testing::WaitForPort(port_, 30000)) << ReadAll(log);

  const std::string csv = dir_.path() + "/vehicles.csv";
  std::ofstream(csv) << "vin,model,production_batch,compressor_supplier,build_date\n"
                        "LVV1,Xingchen E7,B-2026-07,Hanon Dalian,2026-07-02\n"
                        "LVV2,Xingchen E7,B-2026-07,Hanon Dalian,2026-07-31\n"
                        ",Xingchen E7,B-2026-07,Hanon Dalian,2026-07-03\n"
                        "LVV4,Xingchen S3,B-2026-06,Sanden Chongqing,June\n"
                        "LVV5,Xingchen S3\n";
  std::string out;
  ASSERT_EQ(Voc("importer", {"import", "--entity", "vehicle", csv}, &out), 0) << out;
  EXPECT_NE(out.find("5 rows read: 2 inserted, 0 updated, 0 unchanged, 3 rejected"), std::string::npos) << out;
  EXPECT_NE(out.find("line 4: vin: key value must not be empty"), std::string::npos) << out;
  EXPECT_NE(out.find("line 5: build_date: not a date (YYYY-MM-DD): 'June'"), std::string::npos) << out;
  EXPECT_NE(out.find("line 6: has 2 fields, the header 5"), std::string::npos) << out;
  EXPECT_EQ(Voc("importer", {"import", "--entity", "vehicle", "--strict", csv}, &out), 3) << out;
  EXPECT_NE(out.find("5 rows read: 0 inserted, 0 updated, 2 unchanged, 3 rejected"), std::string::npos) << out;

  // One attribute changes: GetEntity shows the new value and the old one.
  const std::string change = dir_.path() + "/change.jsonl";
  std::ofstream(change) << "{\"vin\":\"LVV2\",\"compressor_supplier\":\"Sanden Chongqing\"}\n";
  ASSERT_EQ(Voc("importer", {"import", "--entity", "vehicle", change}, &out), 0) << out;
  EXPECT_NE(out.find("1 rows read: 0 inserted, 1 updated, 0 unchanged, 0 rejected; 1 old values kept in history"),
            std::string::npos)
      << out;
  ASSERT_EQ(Voc("importer", {"get", "--entity", "vehicle", "LVV2"}, &out), 0) << out;
  EXPECT_NE(out.find("compressor_supplier: Sanden Chongqing"), std::string::npos) << out;
  EXPECT_NE(out.find("compressor_supplier: 'Hanon Dalian' -> 'Sanden Chongqing'"), std::string::npos) << out;
  EXPECT_NE(out.find("model: Xingchen E7"), std::string::npos) << out;

  EXPECT_EQ(Voc("feedback-only", {"import", "--entity", "vehicle", csv}, &out), 1) << out;
  EXPECT_NE(out.find("entities:write"), std::string::npos) << out;
  EXPECT_EQ(Voc("importer", {"import", "--entity", "vehicles", csv}, &out), 1) << out;
  EXPECT_NE(out.find("entity: unknown entity 'vehicles'"), std::string::npos) << out;
}

// Issue 13 (outreach): voc campaigns against the same binary - a preview
// of a batch's owners, a saved segment, a draft campaign submitted by a
// key; a bad condition refused naming the field.
TEST_F(EntitiesCliTest, CampaignsPreviewSegmentAndSubmitOverTheCli) {
  const std::string log = dir_.path() + "/entities.log";
  testing::ChildProcess service({VOC_ENTITIES_BIN, "--config", WriteConfig(VOC_SOURCE_DIR "/config/entities.yaml")},
                                log, creds_.ServiceEnv("entities"));
  ASSERT_TRUE(testing::WaitForPort(port_, 30000)) << ReadAll(log);
  const std::string csv = dir_.path() + "/vehicles.csv";
  std::ofstream(csv) << "vin,production_batch,owner_customer_id\n"
                        "LVV1,B-2026-07,c-1\nLVV2,B-2026-07,c-2\nLVV3,B-2026-07,c-1\nLVV4,B-2026-08,c-3\n";
  std::string out;
  ASSERT_EQ(Voc("importer", {"import", "--entity", "vehicle", csv}, &out), 0) << out;
  ASSERT_EQ(Voc("importer", {"preview", "--entity", "vehicle", "--where", "production_batch eq B-2026-07"}, &out,
                "campaigns"),
            0)
      << out;
  EXPECT_NE(out.find("segment size: 2 customers (3 vehicle rows matched)"), std::string::npos) << out;
  EXPECT_NE(out.find("sample: c-1 c-2"), std::string::npos) << out;
  EXPECT_EQ(Voc("importer", {"preview", "--entity", "vehicle", "--where", "production_batch like B"}, &out,
                "campaigns"),
            1)
      << out;
  EXPECT_NE(out.find("query.where[0].op: unknown op 'like'"), std::string::npos) << out;
  ASSERT_EQ(Voc("importer", {"segment", "--name", "B-2026-07 owners", "--entity", "vehicle", "--where",
                             "production_batch eq B-2026-07"},
                &out, "campaigns"),
            0)
      << out;
  EXPECT_NE(out.find("seg-1  B-2026-07 owners  2 customers"), std::string::npos) << out;
  ASSERT_EQ(Voc("importer", {"create", "--name", "pads", "--department", "product_quality", "--segment", "seg-1",
                             "--issue", "signal:s-1", "--topic", "product.defect", "--channel", "email",
                             "--subject-zh", "刹车片", "--body-zh", "免费更换", "--subject-en", "Pads", "--body-en",
                             "Free replacement", "--submit"},
                &out, "campaigns"),
            0)
      << out;
  EXPECT_NE(out.find("camp-1  PENDING_APPROVAL  pads"), std::string::npos) << out;
  EXPECT_NE(out.find("submit by service:importer"), std::string::npos) << out;  // the audit trail
  // A key never runs what its department head has not approved.
  EXPECT_EQ(Voc("importer", {"run", "camp-1"}, &out, "campaigns"), 1) << out;
  EXPECT_NE(out.find("campaigns/camp-1 is PENDING_APPROVAL"), std::string::npos) << out;
}

}  // namespace
}  // namespace voc
