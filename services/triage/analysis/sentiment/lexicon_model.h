// The built-in sentiment model: polarity lexicons plus rules for negation,
// degree words, contrast, questions and intensity cues. It needs no training
// and explains itself (SentimentResult::evidence).
//
// Lexicon files (UTF-8, '#' starts a comment, fields separated by a tab):
//   <lang>_sentiment.tsv   word  weight            weight in [-3, 3]; 0 blocks a wrong
//                                                  match ("好像" is not "好")
//   <lang>_rules.tsv       kind  word  [value]     kind: negator, degree (value = multiplier),
//                                                  contrast, concession, summary, question,
//                                                  threat, insult, anger
// where <lang> is "zh" or "en". Entries are normalised like the texts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "services/triage/analysis/sentiment/sentiment_model.h"

namespace voc::triage::sentiment {

struct LexiconModelOptions {
  // |raw score| below this is neutral. Raw scores add up lexicon weights (about 1-3 each).
  double neutral_band = 0.5;
};

class LexiconModel final : public SentimentModel {
 public:
  // Loads the four lexicon files from `directory`; entries are normalised with
  // `normalizer` so "不錯" in a file matches "不错" in text. Throws std::runtime_error
  // naming the file and line of a malformed entry.
  static std::unique_ptr<LexiconModel> FromDirectory(const std::string& directory, const text::Normalizer& normalizer,
                                                     LexiconModelOptions options = {});
  ~LexiconModel() override;

  SentimentResult Score(const NormalizedText& text, const std::vector<Token>& tokens) const override;
  // Same, also giving RawScore() (so a combined model evaluates the rules once).
  SentimentResult Score(const NormalizedText& text, const std::vector<Token>& tokens, double* raw_out) const;

  // The unbounded sum of weighted lexicon hits (what `score` squashes into [-1, 1]);
  // the combined model feeds it to the trained model as a feature.
  double RawScore(const NormalizedText& text, const std::vector<Token>& tokens) const;

  // Every word and phrase of the Chinese lexicons, for a max-match segmenter.
  std::vector<std::string> ChineseWords() const;

  class Lexicon;

 private:
  LexiconModel(std::unique_ptr<Lexicon> zh, std::unique_ptr<Lexicon> en, LexiconModelOptions options);
  struct Evaluation;
  void Evaluate(const NormalizedText& text, const std::vector<Token>& tokens, Evaluation& out, bool want_evidence) const;

  std::unique_ptr<Lexicon> zh_;
  std::unique_ptr<Lexicon> en_;
  LexiconModelOptions options_;
};

// Where the shipped lexicons live: $VOC_LEXICON_DIR if set, else ./config/lexicon
// if it exists, else the source tree's config/lexicon (for tools run from a build dir).
std::string DefaultLexiconDirectory();

}  // namespace voc::triage::sentiment
