// The text exposition format 0.0.4 as written by common/metrics: escaping,
// number formatting, cumulative histogram buckets, name validation.
#include "common/metrics/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace voc::metrics {
namespace {

TEST(MetricsExpositionTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(EscapeLabelValue(R"(C:\path)"), R"(C:\\path)");
  EXPECT_EQ(EscapeLabelValue(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(EscapeLabelValue("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(EscapeLabelValue("plain ünïcode"), "plain ünïcode");
}

TEST(MetricsExpositionTest, HelpEscapesBackslashAndNewlineButKeepsQuotes) {
  EXPECT_EQ(EscapeHelp("a \"quoted\" \\ word\nnext"), "a \"quoted\" \\\\ word\\nnext");
}

TEST(MetricsExpositionTest, ValuesAreIntegersWhenIntegralAndShortestOtherwise) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(1e15), "1000000000000000");
  EXPECT_EQ(FormatValue(0.005), "0.005");
  EXPECT_EQ(FormatValue(0.0001), "0.0001");
  EXPECT_EQ(FormatValue(2.5), "2.5");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
  // Beyond 2^53 integers are no longer exact: the shortest form that reads back.
  EXPECT_EQ(std::stod(FormatValue(1e300)), 1e300);
}

TEST(MetricsExpositionTest, MetricNamesFollowThePrometheusGrammar) {
  EXPECT_TRUE(IsValidMetricName("voc_rpc_handled_total"));
  EXPECT_TRUE(IsValidMetricName("job:rate5m"));
  EXPECT_TRUE(IsValidMetricName("_x"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_FALSE(IsValidMetricName("9lives"));
  EXPECT_FALSE(IsValidMetricName("has-dash"));
  EXPECT_FALSE(IsValidMetricName("has space"));
  EXPECT_FALSE(IsValidMetricName("dot.ted"));
}

TEST(MetricsExpositionTest, LabelNamesFollowTheGrammarAndLeaveDoubleUnderscoreToPrometheus) {
  EXPECT_TRUE(IsValidLabelName("method"));
  EXPECT_TRUE(IsValidLabelName("_private"));
  EXPECT_TRUE(IsValidLabelName("le"));
  EXPECT_FALSE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName("job:name"));  // colons only in metric names
  EXPECT_FALSE(IsValidLabelName("1st"));
  EXPECT_FALSE(IsValidLabelName(""));
}

TEST(MetricsExpositionTest, ValidateDescriptorNamesTheProblem) {
  EXPECT_TRUE(ValidateDescriptor({"ok_total", "help", MetricType::kCounter, {"a", "b"}}).ok());
  const absl::Status bad_name = ValidateDescriptor({"bad-name", "help", MetricType::kCounter, {}});
  EXPECT_EQ(bad_name.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_name.message().find("'bad-name'"), std::string_view::npos) << bad_name;
  EXPECT_FALSE(ValidateDescriptor({"x", "h", MetricType::kGauge, {"a", "a"}}).ok());
  EXPECT_FALSE(ValidateDescriptor({"x", "h", MetricType::kGauge, {"__reserved"}}).ok());
  EXPECT_FALSE(ValidateDescriptor({"x_seconds", "h", MetricType::kHistogram, {"le"}}).ok());
  EXPECT_FALSE(ValidateDescriptor({"x_count", "h", MetricType::kHistogram, {}}).ok());
  EXPECT_FALSE(ValidateDescriptor({"x_seconds", "h", MetricType::kHistogram, {}}, {1, 1}).ok());
  EXPECT_FALSE(ValidateDescriptor({"x_seconds", "h", MetricType::kHistogram, {}}, {2, 1}).ok());
  EXPECT_FALSE(
      ValidateDescriptor({"x_seconds", "h", MetricType::kHistogram, {}}, {1, std::numeric_limits<double>::infinity()})
          .ok());
  EXPECT_TRUE(ValidateDescriptor({"x_seconds", "h", MetricType::kHistogram, {"method"}}, {0.1, 1}).ok());
}

TEST(MetricsExpositionTest, HistogramBucketsAreCumulativeEndWithInfAndCountEqualsInf) {
  std::vector<Sample> samples;
  AppendHistogramSamples({{"method", "Get"}}, {0.1, 1}, {2, 3, 4}, 7.5, samples);
  ASSERT_EQ(samples.size(), 5u);
  EXPECT_EQ(samples[0].suffix, "_bucket");
  EXPECT_EQ(samples[0].labels, (Labels{{"method", "Get"}, {"le", "0.1"}}));
  EXPECT_EQ(samples[0].value, 2);
  EXPECT_EQ(samples[1].labels, (Labels{{"method", "Get"}, {"le", "1"}}));
  EXPECT_EQ(samples[1].value, 5);
  EXPECT_EQ(samples[2].labels, (Labels{{"method", "Get"}, {"le", "+Inf"}}));
  EXPECT_EQ(samples[2].value, 9);
  EXPECT_EQ(samples[3].suffix, "_sum");
  EXPECT_EQ(samples[3].labels, (Labels{{"method", "Get"}}));
  EXPECT_EQ(samples[3].value, 7.5);
  EXPECT_EQ(samples[4].suffix, "_count");
  EXPECT_EQ(samples[4].value, 9);
}

TEST(MetricsExpositionTest, WriteTextHasHelpTypeAndOneLinePerSample) {
  MetricFamilySnapshot family{{"voc_things_total", "Things \"seen\"\\counted.\nSecond line.", MetricType::kCounter,
                               {"kind"}},
                              {{"", {{"kind", "a\"b\\c\nd"}}, 3}, {"", {{"kind", "plain"}}, 0}}};
  MetricFamilySnapshot gauge{{"voc_level", "A level.", MetricType::kGauge, {}}, {{"", {}, 0.25}}};
  EXPECT_EQ(WriteText({family, gauge}),
            "# HELP voc_things_total Things \"seen\"\\\\counted.\\nSecond line.\n"
            "# TYPE voc_things_total counter\n"
            "voc_things_total{kind=\"a\\\"b\\\\c\\nd\"} 3\n"
            "voc_things_total{kind=\"plain\"} 0\n"
            "# HELP voc_level A level.\n"
            "# TYPE voc_level gauge\n"
            "voc_level 0.25\n");
}

TEST(MetricsExpositionTest, WriteTextLeavesOutWhatWouldMakeThePageUnparseable) {
  MetricFamilySnapshot bad_family{{"bad name", "h", MetricType::kGauge, {}}, {{"", {}, 1}}};
  MetricFamilySnapshot bad_label{{"voc_ok", "h", MetricType::kGauge, {}},
                                 {{"", {{"bad-label", "x"}}, 1}, {"", {{"good", "y"}}, 2}}};
  EXPECT_EQ(WriteText({bad_family, bad_label}),
            "# HELP voc_ok h\n"
            "# TYPE voc_ok gauge\n"
            "voc_ok{good=\"y\"} 2\n");
}

}  // namespace
}  // namespace voc::metrics
