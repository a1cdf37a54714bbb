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
#include "services/triage/analysis/text/clauses.h"

namespace voc::triage::sentiment {

// The lexicon's reading of one clause (aspect-based sentiment, issue 10):
// the weighted sentiment words and unresolved negations found inside it,
// without the whole text's contrast and summary weighting.
struct ClauseReading {
  double raw = 0.0;
  int threats = 0;
  SentimentLabel label = SentimentLabel::kNeutral;
  std::vector<std::string> evidence;  // strongest first, at most a few
};

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

  // Score() plus, in the same pass, the reading of each of `clauses` (byte
  // spans of text.text, in order; text::SplitClauses) into `readings`.
  SentimentResult ScoreWithClauses(const NormalizedText& text, const std::vector<Token>& tokens,
                                   const std::vector<text::ClauseSpan>& clauses,
                                   std::vector<ClauseReading>& readings, double* raw_out = nullptr) const;

  // Every word and phrase of the Chinese lexicons, for a max-match segmenter.
  std::vector<std::string> ChineseWords() const;

  class Lexicon;

 private:
  LexiconModel(std::unique_ptr<Lexicon> zh, std::unique_ptr<Lexicon> en, LexiconModelOptions options);
  struct Evaluation;
  void Evaluate(const NormalizedText& text, const std::vector<Token>& tokens, Evaluation& out, bool want_evidence,
                const std::vector<text::ClauseSpan>* clauses = nullptr,
                std::vector<ClauseReading>* readings = nullptr) const;
  SentimentResult Finish(const NormalizedText& text, Evaluation& ev) const;

  std::unique_ptr<Lexicon> zh_;
  std::unique_ptr<Lexicon> en_;
  LexiconModelOptions options_;
};

// Where the shipped lexicons live: $VOC_LEXICON_DIR if set, else ./config/lexicon
// if it exists, else the source tree's config/lexicon (for tools run from a build dir).
std::string DefaultLexiconDirectory();

}  // namespace voc::triage::sentiment
