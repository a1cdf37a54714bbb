// The trained model decides the label and score (it is the more accurate);
// the lexicon rules add what training data rarely teaches: intensity (threats,
// insults, shouting) and human-readable evidence.
#pragma once

#include <memory>

#include "services/triage/analysis/sentiment/lexicon_model.h"
#include "services/triage/analysis/sentiment/linear_model.h"

namespace voc::triage::sentiment {

// `trained` should carry the same lexicon as `lexicon` if it uses lexicon features:
// the rules run once and their raw score is handed to it.
class CombinedModel final : public SentimentModel {
 public:
  CombinedModel(std::shared_ptr<const LinearModel> trained, std::shared_ptr<const LexiconModel> lexicon);
  SentimentResult Score(const NormalizedText& text, const std::vector<Token>& tokens) const override;

 private:
  std::shared_ptr<const LinearModel> trained_;
  std::shared_ptr<const LexiconModel> lexicon_;
};

}  // namespace voc::triage::sentiment
