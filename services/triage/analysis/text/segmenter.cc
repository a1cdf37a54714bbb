#include "services/triage/analysis/text/segmenter.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

#include "services/triage/analysis/text/utf8.h"

namespace voc::triage::text {
namespace {

bool IsEmojiCodePoint(char32_t cp) {
  if (cp < 0x80) return false;
  if (cp >= 0x1F1E6 && cp <= 0x1F1FF) return true;
  return u_hasBinaryProperty(static_cast<UChar32>(cp), UCHAR_EXTENDED_PICTOGRAPHIC);
}

bool IsLetter(char32_t cp) {
  if (cp < 0x80) return IsAsciiAlpha(cp);
  return !IsHan(cp) && u_isalpha(static_cast<UChar32>(cp));
}

bool IsSpaceCodePoint(char32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= '\t' && cp <= '\r');
  return u_isUWhiteSpace(static_cast<UChar32>(cp));
}

bool IsPunctCodePoint(char32_t cp) {
  if (cp < 0x80) return !IsAsciiAlpha(cp) && !IsAsciiDigit(cp) && cp > ' ' && cp < 0x7F;
  return u_ispunct(static_cast<UChar32>(cp)) || u_charType(static_cast<UChar32>(cp)) == U_MATH_SYMBOL ||
         u_charType(static_cast<UChar32>(cp)) == U_OTHER_SYMBOL;
}

char32_t PeekCodePoint(std::string_view s, std::size_t pos) { return DecodeUtf8(s, pos); }

}  // namespace

class Segmenter::Impl {
 public:
  explicit Impl(SegmenterOptions options) : mode_(options.chinese) {
    if (mode_ == ChineseSegmentation::kIcuDictionary) {
      UErrorCode status = U_ZERO_ERROR;
      prototype_.reset(icu::BreakIterator::createWordInstance(icu::Locale::getSimplifiedChinese(), status));
      if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU word break: ") + u_errorName(status));
    } else {
      for (auto& word : options.lexicon) {
        if (word.empty()) continue;
        max_word_codepoints_ = std::max(max_word_codepoints_, CountCodePoints(word));
        lexicon_.insert(std::move(word));
      }
    }
  }

  void Segment(std::string_view s, std::vector<Token>& out) const {
    out.clear();
    std::size_t pos = 0;
    while (pos < s.size()) {
      const std::size_t start = pos;
      const char32_t cp = DecodeUtf8(s, pos);
      if (IsSpaceCodePoint(cp)) continue;
      if (IsHan(cp)) {
        std::size_t end = pos;
        while (end < s.size()) {
          std::size_t next = end;
          if (!IsHan(DecodeUtf8(s, next))) break;
          end = next;
        }
        SegmentHan(s.substr(start, end - start), out);
        pos = end;
      } else if (IsLetter(cp) || ((cp == '@' || cp == '#') && pos < s.size() && IsLetter(PeekCodePoint(s, pos)))) {
        if (s.compare(start, 4, "http") == 0 && s.substr(start, 12).find("://") != std::string_view::npos) {
          pos = std::min(s.size(), s.find(' ', start));
          out.push_back({s.substr(start, pos - start), TokenKind::kUrl});
          continue;
        }
        pos = ScanWord(s, pos);
        out.push_back({s.substr(start, pos - start), TokenKind::kWord});
      } else if (IsAsciiDigit(cp)) {
        while (pos < s.size()) {
          const char c = s[pos];
          if (IsAsciiDigit(c) || ((c == '.' || c == ',' || c == ':') && pos + 1 < s.size() && IsAsciiDigit(s[pos + 1]))) {
            ++pos;
          } else {
            break;
          }
        }
        out.push_back({s.substr(start, pos - start), TokenKind::kNumber});
      } else if (IsEmojiCodePoint(cp)) {
        out.push_back({s.substr(start, pos - start), TokenKind::kEmoji});
      } else if (IsPunctCodePoint(cp)) {
        out.push_back({s.substr(start, pos - start), TokenKind::kPunct});
      } else {
        out.push_back({s.substr(start, pos - start), TokenKind::kOther});
      }
    }
  }

 private:
  // Letters and digits, keeping inner apostrophes ("don't") and hyphens ("wi-fi").
  static std::size_t ScanWord(std::string_view s, std::size_t pos) {
    while (pos < s.size()) {
      std::size_t next = pos;
      const char32_t cp = DecodeUtf8(s, next);
      if (IsLetter(cp) || IsAsciiDigit(cp) || cp == '_') {
        pos = next;
      } else if ((cp == '\'' || cp == '-') && next < s.size() && IsLetter(PeekCodePoint(s, next))) {
        pos = next;
      } else {
        break;
      }
    }
    return pos;
  }

  void SegmentHan(std::string_view run, std::vector<Token>& out) const {
    if (mode_ == ChineseSegmentation::kIcuDictionary) {
      SegmentWithIcu(run, out);
    } else {
      SegmentWithMaxMatch(run, out);
    }
  }

  void SegmentWithIcu(std::string_view run, std::vector<Token>& out) const {
    // BreakIterator is stateful, so each thread works on its own clone.
    thread_local std::unique_ptr<icu::BreakIterator> iterator;
    thread_local const Impl* owner = nullptr;
    if (!iterator || owner != this) {
      iterator.reset(prototype_->clone());
      owner = this;
    }
    UErrorCode status = U_ZERO_ERROR;
    UText utext = UTEXT_INITIALIZER;
    utext_openUTF8(&utext, run.data(), static_cast<int64_t>(run.size()), &status);
    iterator->setText(&utext, status);
    if (U_FAILURE(status)) {
      utext_close(&utext);
      out.push_back({run, TokenKind::kHan});
      return;
    }
    int32_t begin = iterator->first();
    for (int32_t end = iterator->next(); end != icu::BreakIterator::DONE; begin = end, end = iterator->next()) {
      out.push_back({run.substr(begin, end - begin), TokenKind::kHan});
    }
    utext_close(&utext);
  }

  void SegmentWithMaxMatch(std::string_view run, std::vector<Token>& out) const {
    std::size_t pos = 0;
    while (pos < run.size()) {
      // Collect the byte ends of the next max_word_codepoints_ characters, then try the longest first.
      std::size_t ends[16];
      std::size_t count = 0, scan = pos;
      const std::size_t limit = std::min<std::size_t>(max_word_codepoints_, 16);
      while (count < limit && scan < run.size()) {
        DecodeUtf8(run, scan);
        ends[count++] = scan;
      }
      std::size_t chosen = count > 0 ? ends[0] : run.size();
      for (std::size_t n = count; n >= 2; --n) {
        if (lexicon_.count(run.substr(pos, ends[n - 1] - pos)) != 0) {
          chosen = ends[n - 1];
          break;
        }
      }
      out.push_back({run.substr(pos, chosen - pos), TokenKind::kHan});
      pos = chosen;
    }
  }

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  ChineseSegmentation mode_;
  std::unique_ptr<icu::BreakIterator> prototype_;
  std::unordered_set<std::string, StringHash, std::equal_to<>> lexicon_;
  std::size_t max_word_codepoints_ = 1;
};

Segmenter::Segmenter() : Segmenter(SegmenterOptions{}) {}
Segmenter::Segmenter(SegmenterOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Segmenter::~Segmenter() = default;

std::vector<Token> Segmenter::Segment(std::string_view normalized) const {
  std::vector<Token> tokens;
  impl_->Segment(normalized, tokens);
  return tokens;
}

void Segmenter::SegmentInto(std::string_view normalized, std::vector<Token>& out) const {
  impl_->Segment(normalized, out);
}

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kHan: return "han";
    case TokenKind::kWord: return "word";
    case TokenKind::kNumber: return "number";
    case TokenKind::kUrl: return "url";
    case TokenKind::kEmoji: return "emoji";
    case TokenKind::kPunct: return "punct";
    case TokenKind::kOther: return "other";
  }
  return "other";
}

}  // namespace voc::triage::text
