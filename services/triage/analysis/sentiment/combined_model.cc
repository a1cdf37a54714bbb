#include "services/triage/analysis/sentiment/combined_model.h"

#include <algorithm>

namespace voc::triage::sentiment {

CombinedModel::CombinedModel(std::shared_ptr<const LinearModel> trained, std::shared_ptr<const LexiconModel> lexicon)
    : trained_(std::move(trained)), lexicon_(std::move(lexicon)) {}

SentimentResult CombinedModel::Score(const NormalizedText& text, const std::vector<Token>& tokens) const {
  // The rules run once: their raw score also feeds a trained model that uses it as a feature.
  double lexicon_raw = 0.0;
  SentimentResult rules = lexicon_->Score(text, tokens, &lexicon_raw);
  // The rules' evidence is preferred (it reads better); the trained model's only fills in.
  SentimentResult trained = trained_->Score(text, tokens, lexicon_raw, /*want_evidence=*/rules.evidence.empty());
  if (trained.label == SentimentLabel::kNegative) {
    trained.intensity = std::max(trained.intensity, rules.intensity);
  } else if (rules.intensity == kIntensityAnger) {
    trained.intensity = kIntensityAnger;  // a threat to go to the regulator matters whatever the tone
  }
  if (!rules.evidence.empty()) trained.evidence = std::move(rules.evidence);
  return trained;
}

}  // namespace voc::triage::sentiment
