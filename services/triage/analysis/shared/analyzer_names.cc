// Definitions of the helper functions declared at the bottom of analyzer.h.
// They live in the lowest library so every sub-library can name categories.
#include "services/triage/analysis/analyzer.h"

namespace voc::triage {

NpsCategory NpsCategoryFor(std::optional<int> nps) {
  if (!nps || *nps < 0 || *nps > 10) return NpsCategory::kNone;
  if (*nps <= 6) return NpsCategory::kDetractor;
  if (*nps <= 8) return NpsCategory::kPassive;
  return NpsCategory::kPromoter;
}

const char* SentimentLabelName(SentimentLabel label) {
  switch (label) {
    case SentimentLabel::kNegative: return "negative";
    case SentimentLabel::kPositive: return "positive";
    case SentimentLabel::kNeutral: break;
  }
  return "neutral";
}

const char* RedLineCategoryName(RedLineCategory category) {
  switch (category) {
    case RedLineCategory::kSafety: return "safety";
    case RedLineCategory::kLegal: return "legal";
    case RedLineCategory::kRegulatory: return "regulatory";
    case RedLineCategory::kPrCrisis: break;
  }
  return "pr_crisis";
}

}  // namespace voc::triage
