#include "services/gateway/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/servers.h"

namespace voc::gateway {
namespace {

TEST(SafeRelativePath, MapsOrdinaryPaths) {
  EXPECT_EQ(SafeRelativePath("/"), "index.html");
  EXPECT_EQ(SafeRelativePath("/app.js"), "app.js");
  EXPECT_EQ(SafeRelativePath("/css/site.css"), "css/site.css");
  EXPECT_EQ(SafeRelativePath("/docs/"), "docs/index.html");
  EXPECT_EQ(SafeRelativePath("/%E4%B8%AD.txt"), "中.txt");
}

TEST(SafeRelativePath, RejectsTraversal) {
  for (const char* path : {"/../etc/passwd", "/a/../../etc/passwd", "/%2e%2e/etc/passwd",
                           "/%2E%2E%2Fetc%2Fpasswd", "/..%2fetc/passwd", "/.env", "/a/./b",
                           "/..\\etc\\passwd", "/a%5c..%5cb", "/a%00.js", "/a%zz", "/a%2", "",
                           "relative.js", "//etc/passwd", "/a//b"}) {
    EXPECT_FALSE(SafeRelativePath(path)) << path;
  }
}

class StaticFilesTest : public ::testing::Test {
 protected:
  StaticFilesTest() {
    root_ = std::filesystem::path(dir_.path()) / "web";
    std::filesystem::create_directories(root_ / "js");
    Write(root_ / "index.html", "<!doctype html><title>x</title>");
    Write(root_ / "js" / "app.js", "export {};");
    Write(std::filesystem::path(dir_.path()) / "secret.txt", "top secret");
    std::filesystem::create_symlink(std::filesystem::path(dir_.path()) / "secret.txt", root_ / "link.txt");
  }
  static void Write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

  testing::TempDir dir_;
  std::filesystem::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTheirType) {
  StaticFiles files(root_);
  auto index = files.Serve("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("<title>"), std::string::npos);
  auto js = files.Serve("/js/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(files.Serve("/missing.js").status, 404);
  EXPECT_EQ(files.Serve("/js").status, 404) << "a folder is not a file";
}

TEST_F(StaticFilesTest, NeverLeavesTheRoot) {
  StaticFiles files(root_);
  EXPECT_EQ(files.Serve("/../secret.txt").status, 400);
  EXPECT_EQ(files.Serve("/%2e%2e/secret.txt").status, 400);
  auto link = files.Serve("/link.txt");
  EXPECT_EQ(link.status, 404) << "a symlink pointing outside is refused";
  EXPECT_EQ(link.body.find("top secret"), std::string::npos);
}

TEST(StaticFiles, MissingRootIsNotFound) {
  StaticFiles files("/nonexistent/voc/web");
  EXPECT_EQ(files.Serve("/").status, 404);
}

}  // namespace
}  // namespace voc::gateway
