#include "common/rpc/page_token.h"

#include <gtest/gtest.h>

#include "voc/v1/tracking.pb.h"

namespace voc::rpc {
namespace {

v1::ListCasesRequest Request(const std::string& department, int page_size = 2) {
  v1::ListCasesRequest request;
  request.set_department(department);
  request.set_page_size(page_size);
  return request;
}

TEST(PageTokenTest, TheFirstPageHasNoCursorAndSizesAreClamped) {
  auto page = ParsePageRequest(Request("legal", 0));
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->size, 50);
  EXPECT_FALSE(page->after.has_value());
  EXPECT_EQ(ParsePageRequest(Request("legal", 5000))->size, 1000);
  auto negative = ParsePageRequest(Request("legal", -1));
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(negative.status().message()).find("page_size"), std::string::npos);
}

TEST(PageTokenTest, ATokenCarriesTheCursorToTheNextPageOfTheSameRequest) {
  auto request = Request("legal");
  const auto first = ParsePageRequest(request).value();
  const std::string token = NextPageToken(request, first, 2, PageCursor{1700000000000, "case-7"});
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
      << "base64url: " << token;
  EXPECT_EQ(token.find("case-7"), std::string::npos) << "opaque, not readable";
  request.set_page_token(token);
  const auto next = ParsePageRequest(request);
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_TRUE(next->after.has_value());
  EXPECT_EQ(next->after->after_key, 1700000000000);
  EXPECT_EQ(next->after->after_id, "case-7");
}

TEST(PageTokenTest, SeveralSortKeysAndTheWalksStartTimeRoundTrip) {
  auto request = Request("legal");
  const auto first = ParsePageRequest(request).value();
  request.set_page_token(NextPageToken(request, first, 2, PageCursor{1, "case-9", {1700000000000, -4}, 1699999999000}));
  const auto next = ParsePageRequest(request);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->after->after_key, 1);
  EXPECT_EQ(next->after->more_keys, (std::vector<std::int64_t>{1700000000000, -4}));
  EXPECT_EQ(next->after->as_of_ms, 1699999999000);
}

TEST(PageTokenTest, AShortPageIsTheLast) {
  const auto request = Request("legal");
  const auto page = ParsePageRequest(request).value();
  EXPECT_EQ(NextPageToken(request, page, 1, PageCursor{1, "x"}), "");
}

TEST(PageTokenTest, AnEditedTokenIsRefusedNamingPageToken) {
  auto request = Request("legal");
  std::string token = NextPageToken(request, ParsePageRequest(request).value(), 2, PageCursor{42, "abc"});
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string edited = token;
    edited[i] = edited[i] == 'A' ? 'B' : 'A';
    request.set_page_token(edited);
    const auto page = ParsePageRequest(request);
    ASSERT_FALSE(page.ok()) << "byte " << i << " edited was accepted";
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(page.status().message()).rfind("page_token: ", 0), 0u) << page.status();
  }
  request.set_page_token("not a token");
  EXPECT_EQ(ParsePageRequest(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PageTokenTest, ATokenReusedWithAnotherFilterIsRefused) {
  auto legal = Request("legal");
  const std::string token = NextPageToken(legal, ParsePageRequest(legal).value(), 2, PageCursor{1, "a"});
  auto pr = Request("pr");
  pr.set_page_token(token);
  const auto page = ParsePageRequest(pr);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(page.status().message()).find("page_token"), std::string::npos);
  // Only the filter counts: another page size with the same filter is fine.
  auto legal_bigger_pages = Request("legal", 10);
  legal_bigger_pages.set_page_token(token);
  EXPECT_TRUE(ParsePageRequest(legal_bigger_pages).ok());
}

TEST(PageTokenTest, ATokenOfAnotherMethodIsRefused) {
  auto cases = Request("legal");
  const std::string token = NextPageToken(cases, ParsePageRequest(cases).value(), 2, PageCursor{1, "a"});
  v1::ListProjectsRequest projects;
  projects.set_page_token(token);
  EXPECT_EQ(ParsePageRequest(projects).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace voc::rpc
