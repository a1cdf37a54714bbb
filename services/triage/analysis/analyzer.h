// The triage analyser: reads one feedback text (Chinese or English) and returns
// its sentiment, intensity, topics, red-line hits, NPS category and priority.
//
// Analyzer is the plain "text in, analysis out" seam: the offline tools
// (tools/triage, `voc triage eval`) and the benchmarks use only it. The triage
// service uses TriageAnalyzer (analyzer_impl.h), which implements it and adds
// what a running service needs: the live taxonomy and red-line stores, the
// normalised text and drill-down terms. Which sentiment model runs (lexicon
// rules, a trained model, both combined) is configuration either way.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace voc::triage {

enum class SentimentLabel { kNegative, kNeutral, kPositive };
enum class NpsCategory { kNone, kDetractor, kPassive, kPromoter };
enum class RedLineCategory { kSafety, kLegal, kRegulatory, kPrCrisis };

// Priority 1 is the most urgent.
enum class Priority { kP1 = 1, kP2 = 2, kP3 = 3, kP4 = 4 };

// What the analyser knows about a feedback besides its text.
struct AnalysisInput {
  std::string text;                 // UTF-8, already validated by ingest
  std::optional<int> nps;           // 0..10
  std::optional<int> rating;        // 1..5
  std::string channel;              // "nps_survey", "social", ... (lower snake case)
  std::string customer_tier;        // "vip", "high", "standard", or empty
  std::int64_t reach = 0;           // audience of a public post (followers), 0 if unknown
};

// One topic of a feedback, read in the clause it was found in (aspect-based
// sentiment): "便宜,送餐快,难吃" has price and logistics with a positive
// sentiment and food with a negative one.
struct TopicMatch {
  std::string path;                 // e.g. "logistics.delivery_delay": stable topic id
  std::string department;           // owning department id from the taxonomy
  // The clause's own sentiment; a clause with no sentiment of its own
  // ("送了两个小时") takes the feedback's. Negative = a complaint topic.
  SentimentLabel sentiment = SentimentLabel::kNegative;
  std::vector<std::string> evidence;  // the topic's matched terms, then the clause's sentiment words
};

// A red line pages the crisis team (P1); a watch term only raises the
// priority and routes to the owning department.
enum class RedLineLevel { kRedLine, kWatch };

struct RedLineHit {
  RedLineCategory category;
  std::string term;                 // the matched phrase as written in the list
  std::size_t begin = 0;            // byte span in the normalised text
  std::size_t end = 0;
  RedLineLevel level = RedLineLevel::kRedLine;
  std::string rule;                 // why it counts: "<file>:<line>: <checks passed>"
  Priority priority = Priority::kP1;  // watch: the priority it raises the feedback to
  std::string department;           // watch: the owning department ("" = the topic's)
  // The trained second stage may judge it (false: the term says
  // `second_stage: false`, it is unambiguous by itself: 12315, 刹车失灵).
  bool second_stage = true;
};

struct Analysis {
  SentimentLabel sentiment = SentimentLabel::kNeutral;
  double sentiment_score = 0.0;     // [-1, 1]
  int intensity = 0;                // 0 calm, 1 grumble, 2 complaint, 3 anger/threat
  // The complaint topics (their clause is negative), most specific first-seen
  // order: what routing, clusters, drill-downs and reports use.
  std::vector<TopicMatch> topics;
  // Every (topic, sentiment, evidence) the feedback mentions, praise included,
  // one per topic and sentiment, in order of first appearance.
  std::vector<TopicMatch> topic_mentions;
  std::vector<RedLineHit> red_lines;        // confirmed red lines (level red_line): a P1 case
  std::vector<RedLineHit> red_line_watch;   // confirmed watch terms: priority raised, no P1 page
  NpsCategory nps_category = NpsCategory::kNone;
  Priority priority = Priority::kP4;
  std::string priority_reason;      // human-readable, e.g. "red line: safety"
  std::vector<std::string> evidence;  // words that drove the score, for explainability
};

// Thread safety: Analyze() is const and must be safe to call from several
// threads at once on one instance.
class Analyzer {
 public:
  virtual ~Analyzer() = default;
  virtual Analysis Analyze(const AnalysisInput& input) const = 0;
};

// Helpers shared by every analyser implementation.
NpsCategory NpsCategoryFor(std::optional<int> nps);
const char* SentimentLabelName(SentimentLabel label);     // "negative" | "neutral" | "positive"
const char* RedLineCategoryName(RedLineCategory category);  // "safety" | "legal" | "regulatory" | "pr_crisis"

}  // namespace voc::triage
