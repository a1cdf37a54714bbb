// Splits normalised text into tokens: Chinese words (ICU dictionary word break
// or forward maximum matching over a lexicon), English words, numbers, emoji
// and punctuation. Punctuation is kept because clause boundaries matter to the
// sentiment rules ("但是", "but", "?").
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace voc::triage::text {

enum class TokenKind {
  kHan,      // a Chinese word (one or more Han characters)
  kWord,     // letters (English or another alphabetic script), may hold ' and a leading @ or #
  kNumber,   // digits, possibly with . or ,
  kUrl,      // http(s)://... up to the next space
  kEmoji,
  kPunct,
  kOther,
};

// A view into the normalised text the tokens were cut from: keep that text alive.
struct Token {
  std::string_view text;
  TokenKind kind = TokenKind::kOther;
};

enum class ChineseSegmentation {
  kIcuDictionary,   // ICU's dictionary-based word BreakIterator (cjdict)
  kLexiconMaxMatch, // forward maximum matching over `lexicon`; unknown characters become single tokens
};

struct SegmenterOptions {
  ChineseSegmentation chinese = ChineseSegmentation::kIcuDictionary;
  std::vector<std::string> lexicon;  // words for kLexiconMaxMatch (normalised form)
};

// Construct once and share: Segment() is const and thread-safe (each thread
// lazily gets its own clone of the ICU iterator, which is not thread-safe).
class Segmenter {
 public:
  Segmenter();
  explicit Segmenter(SegmenterOptions options);
  ~Segmenter();
  Segmenter(const Segmenter&) = delete;
  Segmenter& operator=(const Segmenter&) = delete;

  std::vector<Token> Segment(std::string_view normalized) const;
  void SegmentInto(std::string_view normalized, std::vector<Token>& out) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

const char* TokenKindName(TokenKind kind);

}  // namespace voc::triage::text
