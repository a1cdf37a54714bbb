// The red-line receiver against a real HTTP client (curl, as the notifier
// uses) on loopback.
#include "tools/load/webhook_receiver.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

namespace voc::load {
namespace {

long Post(int port, const std::string& body) {
  CURL* curl = curl_easy_init();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return status;
}

TEST(WebhookReceiverTest, FindsTheFeedbackIdInARedLineAlert) {
  EXPECT_EQ(WebhookReceiver::FeedbackIdOf(
                R"({"kind":"red_line","body":"Feedback fb-42 hit a red line. safety. Open cases/x in VoC Loop."})"),
            "fb-42");
  EXPECT_EQ(WebhookReceiver::FeedbackIdOf(R"({"kind":"escalation","body":"cases/x is overdue"})"), std::nullopt);
  EXPECT_EQ(WebhookReceiver::FeedbackIdOf("not json"), std::nullopt);
}

TEST(WebhookReceiverTest, AnswersEveryPostAndNotesEachAlertOnce) {
  WebhookReceiver receiver("127.0.0.1:0");
  const auto port = receiver.Start();
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_EQ(Post(*port, R"({"body":"Feedback a hit a red line."})"), 200);
  EXPECT_EQ(Post(*port, R"({"body":"Feedback b hit a red line."})"), 200);
  EXPECT_EQ(Post(*port, R"({"body":"Feedback a hit a red line."})"), 200);  // a retry
  EXPECT_EQ(Post(*port, R"({"body":"cases/c is overdue"})"), 200);
  EXPECT_EQ(receiver.requests(), 4);
  const auto arrivals = receiver.Arrivals();
  EXPECT_EQ(arrivals.size(), 2u);
  EXPECT_TRUE(arrivals.count("a") && arrivals.count("b"));
  receiver.Stop();
  EXPECT_EQ(Post(*port, "{}"), 0);  // nobody listens any more
}

}  // namespace
}  // namespace voc::load
