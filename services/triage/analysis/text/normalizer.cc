#include "services/triage/analysis/text/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <opencc/opencc.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "services/triage/analysis/text/utf8.h"

namespace voc::triage::text {
namespace {

std::string FindOpenccConfig(const std::string& configured) {
  if (!configured.empty()) return configured;
  for (const char* candidate : {"/usr/share/opencc/t2s.json", "/usr/local/share/opencc/t2s.json",
                                "/usr/share/opencc/data/t2s.json"}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  throw std::runtime_error("OpenCC t2s.json not found (install libopencc-data or set opencc_config)");
}

bool IsEmoji(char32_t cp) {
  if (cp < 0x80) return false;  // '#', '*' and digits carry the Emoji property but are text here
  if (cp >= 0x1F1E6 && cp <= 0x1F1FF) return true;  // regional indicators (flags)
  return u_hasBinaryProperty(static_cast<UChar32>(cp), UCHAR_EXTENDED_PICTOGRAPHIC);
}

bool IsPunctuation(char32_t cp) {
  if (cp < 0x80) return (cp >= '!' && cp <= '/') || (cp >= ':' && cp <= '@') || (cp >= '[' && cp <= '`') ||
                        (cp >= '{' && cp <= '~');
  return u_ispunct(static_cast<UChar32>(cp));
}

bool IsSpace(char32_t cp) {
  if (cp < 0x80) return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v';
  return u_isUWhiteSpace(static_cast<UChar32>(cp));
}

// Typographic quotes carry no meaning for triage; folding them lets "don’t" match "don't".
char32_t FoldQuote(char32_t cp) {
  switch (cp) {
    case 0x2018: case 0x2019: case 0x201B: case 0x2032: return '\'';
    case 0x201C: case 0x201D: case 0x201F: case 0x2033: return '"';
    default: return cp;
  }
}

std::size_t Utf8Length(char32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

enum class RunKind { kLetter, kHan, kEmoji, kPunct, kOther };

RunKind KindOf(char32_t cp) {
  if (IsAsciiAlpha(cp)) return RunKind::kLetter;
  if (IsHan(cp)) return RunKind::kHan;
  if (IsEmoji(cp)) return RunKind::kEmoji;
  if (IsPunctuation(cp)) return RunKind::kPunct;
  if (cp >= 0x80 && u_isalpha(static_cast<UChar32>(cp))) return RunKind::kLetter;
  return RunKind::kOther;
}

// How many copies of a repeated code point survive. Two Latin letters keep
// "soo"/"good" readable; one Han character turns "太太太差" into "太差".
int KeptRepeats(RunKind kind) {
  switch (kind) {
    case RunKind::kLetter: return 2;
    case RunKind::kHan: return 1;
    case RunKind::kEmoji: return 1;
    case RunKind::kPunct: return 1;
    case RunKind::kOther: return 1 << 30;  // digits and the rest are never shortened
  }
  return 1 << 30;
}

// The repeat length from which a run counts as elongation (emphasis).
int ElongationThreshold(RunKind kind) {
  switch (kind) {
    case RunKind::kLetter: return 3;
    case RunKind::kHan: return 3;
    case RunKind::kEmoji: return 2;
    default: return 1 << 30;
  }
}

}  // namespace

class Normalizer::Impl {
 public:
  explicit Impl(const NormalizerOptions& options) {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_casefold_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU NFKC_Casefold: ") + u_errorName(status));
    if (options.traditional_to_simplified) {
      t2s_ = std::make_unique<opencc::SimpleConverter>(FindOpenccConfig(options.opencc_config));
      BuildTraditionalSet();
    }
  }

  void Normalize(std::string_view input, NormalizedText& out) const {
    out.text.clear();
    out.elongations = out.exclamations = out.question_marks = 0;
    out.emoji.clear();
    if (input.empty()) return;
    if (IsAscii(input)) {
      // NFKC and Traditional->Simplified are identities on ASCII; case folding is done by PostProcess.
      PostProcess(input, out);
      return;
    }
    thread_local std::string folded;
    folded.clear();
    {
      icu::StringByteSink<std::string> sink(&folded);
      UErrorCode status = U_ZERO_ERROR;
      nfkc_casefold_->normalizeUTF8(0, icu::StringPiece(input.data(), static_cast<int32_t>(input.size())), sink,
                                    nullptr, status);
      if (U_FAILURE(status)) folded.assign(input);  // keep the raw text rather than lose the feedback
    }
    if (t2s_ && HasTraditional(folded)) {
      const std::string simplified = t2s_->Convert(folded);
      PostProcess(simplified, out);
    } else {
      PostProcess(folded, out);
    }
  }

 private:
  // OpenCC is the slowest step, yet most feedback is already Simplified. A
  // code point set of the Han characters that t2s changes lets those texts skip it.
  void BuildTraditionalSet() {
    constexpr char32_t kFirst = 0x3400, kLast = 0x9FFF;
    std::string probe;
    for (char32_t cp = kFirst; cp <= kLast; ++cp) {
      AppendUtf8(probe, cp);
      probe.push_back('\n');  // one character a line, so phrases never join neighbours
    }
    const std::string converted = t2s_->Convert(probe);
    traditional_.assign(kLast + 1, false);
    std::size_t a = 0, b = 0;
    for (char32_t cp = kFirst; cp <= kLast && a < probe.size() && b < converted.size(); ++cp) {
      const std::size_t a_end = probe.find('\n', a), b_end = converted.find('\n', b);
      if (a_end == std::string::npos || b_end == std::string::npos) break;
      if (probe.compare(a, a_end - a, converted, b, b_end - b) != 0) traditional_[cp] = true;
      a = a_end + 1;
      b = b_end + 1;
    }
    // Supplementary-plane and compatibility characters are rare: send them to OpenCC.
    check_supplementary_ = true;
  }

  bool HasTraditional(std::string_view s) const {
    std::size_t pos = 0;
    while (pos < s.size()) {
      if (static_cast<unsigned char>(s[pos]) < 0x80) {
        ++pos;
        continue;
      }
      const char32_t cp = DecodeUtf8(s, pos);
      if (cp < traditional_.size()) {
        if (traditional_[cp]) return true;
      } else if (check_supplementary_ && IsHan(cp)) {
        return true;
      }
    }
    return false;
  }

  // Lower-cases ASCII, folds quotes, squeezes white space, reduces repeated
  // characters and collects the intensity signals on the way.
  static void PostProcess(std::string_view s, NormalizedText& out) {
    out.text.reserve(s.size());
    std::size_t pos = 0;
    char32_t previous = 0;
    int run_length = 0;
    bool pending_space = false;
    while (pos < s.size()) {
      const std::size_t start = pos;
      char32_t cp = DecodeUtf8(s, pos);
      if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
      } else {
        cp = FoldQuote(cp);
      }
      if (IsSpace(cp)) {
        pending_space = !out.text.empty();
        previous = 0;
        run_length = 0;
        continue;
      }
      if (cp == '!') ++out.exclamations;
      if (cp == '?') ++out.question_marks;
      if (cp == 0xFE0F || cp == 0x200D) continue;  // emoji presentation selectors carry no meaning
      const RunKind kind = KindOf(cp);
      if (cp == previous) {
        ++run_length;
        if (run_length == ElongationThreshold(kind)) {
          ++out.elongations;
          // Below the threshold every copy was kept ("谢谢"); now drop the extra ones.
          for (int extra = run_length - 1 - KeptRepeats(kind); extra > 0; --extra) {
            out.text.resize(out.text.size() - Utf8Length(cp));
          }
        }
        if (run_length > KeptRepeats(kind) && run_length >= std::min(ElongationThreshold(kind), KeptRepeats(kind) + 1) &&
            (kind != RunKind::kHan || run_length >= ElongationThreshold(kind))) {
          continue;
        }
      } else {
        previous = cp;
        run_length = 1;
        if (kind == RunKind::kEmoji) out.emoji.emplace_back(s.substr(start, pos - start));
      }
      if (pending_space) {
        out.text.push_back(' ');
        pending_space = false;
      }
      if (cp < 0x80) {
        out.text.push_back(static_cast<char>(cp));
      } else {
        AppendUtf8(out.text, cp);
      }
    }
  }

  const icu::Normalizer2* nfkc_casefold_ = nullptr;
  std::unique_ptr<opencc::SimpleConverter> t2s_;
  std::vector<bool> traditional_;
  bool check_supplementary_ = false;
};

Normalizer::Normalizer() : Normalizer(NormalizerOptions{}) {}
Normalizer::Normalizer(const NormalizerOptions& options) : impl_(std::make_unique<Impl>(options)) {}
Normalizer::~Normalizer() = default;

NormalizedText Normalizer::Normalize(std::string_view utf8) const {
  NormalizedText out;
  impl_->Normalize(utf8, out);
  return out;
}

void Normalizer::NormalizeInto(std::string_view utf8, NormalizedText& out) const { impl_->Normalize(utf8, out); }

}  // namespace voc::triage::text
