// voc_triage_documents_analysed_total: one per feedback analysed and stored,
// not again for a redelivery answered from the stored result.
#include <gtest/gtest.h>

#include "common/metrics/loop_metrics.h"
#include "common/util/time.h"
#include "services/triage/triage_processor.h"
#include "tests/unit/triage/triage_test_support.h"

namespace voc::triage {
namespace {

class TriageMetricsTest : public TriageStoreTest {
 protected:
  TriageMetricsTest() : TriageStoreTest(FromMillis(kDay0)) {}
  static voc::v1::Feedback Feedback(const std::string& id, const std::string& text) {
    voc::v1::Feedback f;
    f.set_id(id);
    f.set_channel(voc::v1::CHANNEL_REVIEW);
    f.set_text(text);
    *f.mutable_occurred_time() = voc::ToProto(FromMillis(kDay0));
    return f;
  }
  static constexpr std::int64_t kDay0 = 1764028800000;  // 2025-11-25T00:00Z
};

TEST_F(TriageMetricsTest, EachStoredResultIsCountedOnce) {
  const std::uint64_t before = metrics::TriageDocumentsAnalysed().value();
  ASSERT_TRUE(processor_->Process(Feedback("m1", "快递三天还没到，太慢了")).ok());
  ASSERT_TRUE(processor_->Process(Feedback("m2", "The staff were friendly and helpful.")).ok());
  ASSERT_TRUE(processor_->Process(Feedback("m1", "快递三天还没到，太慢了")).ok());  // redelivered
  EXPECT_EQ(metrics::TriageDocumentsAnalysed().value(), before + 2);
}

}  // namespace
}  // namespace voc::triage
