// Hashed sparse features for the trained linear model: character n-grams of the
// normalised text (they carry Chinese words without relying on segmentation,
// and survive English misspellings), word n-grams, and a few intensity signals.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include "services/triage/analysis/text/normalizer.h"
#include "services/triage/analysis/text/segmenter.h"

namespace voc::triage::sentiment {

struct Feature {
  std::uint32_t index = 0;
  float value = 0.0f;
};

// A keyword cue for topic classifiers: fires when the text has one of `any` and,
// unless `with` is empty, also one of `with` (whole words, after normalisation).
struct KeywordCue {
  std::string name;
  std::vector<std::string> any;
  std::vector<std::string> with;
  bool operator==(const KeywordCue&) const = default;
};

// Reads cues from a TSV file (name<TAB>words<TAB>[words], '#' comments); throws
// std::runtime_error naming the file and line of a malformed entry.
std::vector<KeywordCue> LoadKeywordCues(const std::string& path);

struct FeatureOptions {
  int hash_bits = 20;        // 2^hash_bits buckets
  int char_ngram_min = 1;    // over code points of the normalised text
  int char_ngram_max = 3;
  int word_ngram_max = 2;    // word unigrams (1) and bigrams (2)
  bool log_counts = true;    // value 1 + log(count) instead of the count
  bool l2_normalize = true;  // scale each document's vector to unit length
  // Word unigrams of the last clause again, as their own family: reviews often
  // end with the verdict ("总之，不错", "never again").
  bool last_clause_words = false;
  // The lexicon model's raw score as features (bins and magnitude), so the
  // trained model can lean on the hand-written rules where data is thin.
  bool lexicon_score = false;
  // English negation scope: words after "not", "never", "n't"... up to the next
  // punctuation also count as their own "not_" family ("not good" != "good").
  bool negation_scope = false;
  // "@united" -> "<user>" in word features: the handle names the addressee, not a sentiment.
  bool fold_mentions = false;
  // Character n-grams of this length range again inside each English word, with
  // word boundary marks ("<dela", "yed>"): robust to misspellings and word forms.
  // 0 disables them.
  int word_char_ngram_min = 0;
  int word_char_ngram_max = 0;
  // Keyword cues (at most 32), each one feature of value `cue_weight` added after
  // normalisation, so a rare topic's few telling words are not diluted by the n-grams.
  std::vector<KeywordCue> cues;
  float cue_weight = 3.0f;
};

// Stable across platforms and releases, because model files store hashed indices.
std::uint64_t StableHash(std::string_view bytes, std::uint64_t seed);

class FeatureExtractor {
 public:
  explicit FeatureExtractor(FeatureOptions options);

  // Unique indices (in no particular order), L2-normalised. `out` is cleared first.
  // Allocation-free after warm-up: counts are merged in a thread-local hash table.
  // `lexicon_raw` is LexiconModel::RawScore of the text, used only when options().lexicon_score.
  void Extract(const text::NormalizedText& text, const std::vector<text::Token>& tokens,
               std::vector<Feature>& out, double lexicon_raw = 0.0) const;

  // The bucket of one word unigram (to explain a prediction by its words).
  std::uint32_t WordIndex(std::string_view word) const;
  // The bucket of one character n-gram of `n` code points (to explain by n-grams).
  std::uint32_t CharNgramIndex(std::string_view gram, int n) const;
  const FeatureOptions& options() const { return options_; }

 private:
  FeatureOptions options_;
  std::uint32_t mask_;
  // Cue word -> bits (2 * cue for `any`, 2 * cue + 1 for `with`); null without cues.
  std::shared_ptr<const std::unordered_map<std::string, std::uint64_t>> cue_words_;
  std::vector<std::uint32_t> cue_indices_;  // hashed feature index of each cue
};

}  // namespace voc::triage::sentiment
