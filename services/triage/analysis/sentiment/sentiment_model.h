// One interface for every sentiment model of the triage analyser, so the
// service can switch between the built-in lexicon rules, a trained linear
// model, or both combined, by configuration.
#pragma once

#include <string>
#include <vector>

#include "services/triage/analysis/analyzer.h"
#include "services/triage/analysis/text/normalizer.h"
#include "services/triage/analysis/text/segmenter.h"

namespace voc::triage::sentiment {

using text::NormalizedText;
using text::Token;

// Intensity levels, shared with Analysis::intensity.
inline constexpr int kIntensityCalm = 0;
inline constexpr int kIntensityGrumble = 1;
inline constexpr int kIntensityComplaint = 2;
inline constexpr int kIntensityAnger = 3;

struct SentimentResult {
  SentimentLabel label = SentimentLabel::kNeutral;
  double score = 0.0;                  // [-1, 1], negative to positive
  int intensity = kIntensityCalm;      // 0 calm, 1 grumble, 2 complaint, 3 anger/threat
  std::vector<std::string> evidence;   // words that drove the score, strongest first
};

// Score() is const and must be safe to call concurrently on one instance.
class SentimentModel {
 public:
  virtual ~SentimentModel() = default;
  // `tokens` must come from segmenting `text.text`.
  virtual SentimentResult Score(const NormalizedText& text, const std::vector<Token>& tokens) const = 0;
};

}  // namespace voc::triage::sentiment
