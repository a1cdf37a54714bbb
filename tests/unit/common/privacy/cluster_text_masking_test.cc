// Triage's clusters (issue 9, "Personal data"): the representative text is
// a customer's own words and is shown company-wide, so TriageService returns
// it masked from ListClusters and GetCluster. It is masked on the way out,
// not when stored: a masker that learned a new name masks it in old clusters.
#include <gtest/gtest.h>

#include "common/privacy/masker.h"
#include "common/util/time.h"
#include "services/triage/triage_service.h"
#include "tests/unit/triage/triage_test_support.h"

namespace voc::triage {
namespace {

constexpr std::int64_t kDay0 = 1764028800000;  // 2025-11-25T00:00Z

class ClusterTextMaskingTest : public TriageStoreTest {
 protected:
  ClusterTextMaskingTest() : TriageStoreTest(FromMillis(kDay0)) {}

  void SetUp() override {
    TriageStoreTest::SetUp();
    if (HasFatalFailure()) return;
    service_ = std::make_unique<TriageService>(*processor_, *store_, nullptr, clock_);
  }

  std::string Process(const std::string& id, const std::string& text) {
    v1::Feedback f;
    f.set_id(id);
    f.set_channel(v1::CHANNEL_REVIEW);
    f.set_text(text);
    *f.mutable_occurred_time() = voc::ToProto(clock_.Now());
    auto triaged = processor_->Process(f);
    EXPECT_TRUE(triaged.ok()) << triaged.status();
    return triaged.ok() ? triaged->result().cluster_id() : "";
  }

  std::unique_ptr<TriageService> service_;
};

TEST_F(ClusterTextMaskingTest, ListClustersAndGetClusterReturnTheRepresentativeTextMasked) {
  const std::string a = Process("c1", "王磊说快递三天了还没到，物流信息一直不更新，太慢了，电话13812345678");
  const std::string b = Process("c2", "王磊说快递三天还没到，物流信息也一直不更新，太慢了吧，电话13812345678");
  ASSERT_FALSE(a.empty());
  ASSERT_EQ(a, b) << "the two complaints should share a cluster";
  // What is stored keeps the words (erasure removes them; masking is for showing).
  const auto stored = processor_->clusters().Get(std::stoull(a));
  ASSERT_TRUE(stored.has_value());
  ASSERT_NE(stored->representative_text.find("13812345678"), std::string::npos);

  v1::ListClustersRequest list;
  auto listed = service_->ListClusters(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->clusters_size(), 1);
  const std::string& listed_text = listed->clusters(0).representative_text();
  EXPECT_EQ(listed_text.find("13812345678"), std::string::npos) << listed_text;
  EXPECT_NE(listed_text.find("【手机号】"), std::string::npos) << listed_text;
  EXPECT_NE(listed_text.find("王磊"), std::string::npos) << "no names before UseMasker: " << listed_text;

  // A masker that knows the name (the directory's, in main) masks old clusters too.
  service_->UseMasker(privacy::Masker({"王磊"}));
  v1::GetClusterRequest get;
  get.set_name("clusters/" + a);
  auto got = service_->GetCluster(get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->representative_text(), privacy::Masker({"王磊"}).Mask(stored->representative_text));
  EXPECT_EQ(got->representative_text().find("王磊"), std::string::npos) << got->representative_text();
  EXPECT_NE(got->representative_text().find("【姓名】"), std::string::npos) << got->representative_text();
}

}  // namespace
}  // namespace voc::triage
