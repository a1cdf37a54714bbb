// Text normalisation for triage: one canonical form for Chinese and English
// feedback so that lexicons, features and matchers see "ＧＯＯＤ!!!", "good!" and
// "Good" alike, and "質量太差" like "质量太差".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace voc::triage::text {

struct NormalizedText {
  std::string text;                 // NFKC, case-folded, Simplified, elongations reduced
  int elongations = 0;              // runs like "太太太", "sooooo", "😡😡😡" that were reduced
  int exclamations = 0;             // '!' count in the original (after width folding)
  int question_marks = 0;           // '?' count
  std::vector<std::string> emoji;   // each emoji run once, in order of appearance
};

struct NormalizerOptions {
  // OpenCC configuration for Traditional -> Simplified. Empty: look for t2s.json
  // where Debian's libopencc-data installs it (/usr/share/opencc).
  std::string opencc_config;
  bool traditional_to_simplified = true;
};

// Construct once (it loads ICU and OpenCC data), then share: Normalize() is
// const and safe to call from many threads at once.
class Normalizer {
 public:
  Normalizer();
  explicit Normalizer(const NormalizerOptions& options);
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  NormalizedText Normalize(std::string_view utf8) const;
  // Same, reusing `out`'s buffers (the hot path of batch evaluation).
  void NormalizeInto(std::string_view utf8, NormalizedText& out) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace voc::triage::text
