#include "services/triage/analysis/text/clauses.h"

#include <array>
#include <string>

#include "services/triage/analysis/text/utf8.h"

namespace voc::triage::text {
namespace {

bool IsSeparator(char32_t cp) {
  switch (cp) {
    case ',': case ';': case '!': case '?': case ':': case '~': case '\n': case '\r': case '\t':
    case U'。': case U'、': case U'…': case U'！': case U'？': case U'，': case U'；': case U'：':
    case U'～': case U'·': case U'|': case U'(': case U')': case U'（': case U'）': case U'【': case U'】':
    case U'「': case U'」': case U'《': case U'》': case U'"': case U'“': case U'”':
      return true;
    default:
      return false;
  }
}

char32_t CodePointAt(std::string_view s, std::size_t pos) {
  if (pos >= s.size()) return 0;
  return DecodeUtf8(s, pos);
}

// Code point just before byte `pos` (0 at the start).
char32_t CodePointBefore(std::string_view s, std::size_t pos, std::size_t* start = nullptr) {
  if (pos == 0) return 0;
  std::size_t p = pos - 1;
  while (p > 0 && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) --p;
  if (start) *start = p;
  return CodePointAt(s, p);
}

bool IsWordChar(char32_t cp) { return IsAsciiAlpha(cp) || IsAsciiDigit(cp) || cp == '\''; }

struct Connective {
  std::string_view text;
  bool english;
};
constexpr std::array<Connective, 13> kConnectives = {{
    {"但是", false}, {"可是", false}, {"不过", false}, {"然而", false}, {"可惜", false}, {"但", false}, {"却", false},
    {"but", true}, {"however", true}, {"although", true}, {"though", true}, {"except", true}, {"whereas", true},
}};

// Length of the contrast connective starting at `pos`, or 0.
std::size_t ConnectiveAt(std::string_view s, std::size_t pos) {
  for (const Connective& c : kConnectives) {
    if (s.compare(pos, c.text.size(), c.text) != 0) continue;
    if (c.english) {
      // Whole words only ("butter", "buttons" are not connectives).
      if (IsWordChar(CodePointBefore(s, pos)) || IsWordChar(CodePointAt(s, pos + c.text.size()))) continue;
    } else {
      const char32_t before = CodePointBefore(s, pos);
      const char32_t after = CodePointAt(s, pos + c.text.size());
      if (c.text == "但" && before == U'不') continue;                  // 不但 = "not only"
      if (c.text == "不过" && (after == U'分' || after == U'来' || after == U'去')) continue;  // 不过分, 忙不过来
      if (c.text == "却" && (before == U'冷' || before == U'忘' || before == U'退')) continue;  // 冷却, 忘却, 退却
    }
    return c.text.size();
  }
  return 0;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr std::array<std::string_view, 11> kChineseNegators = {"没有", "并没有", "从未", "并非", "并不", "没", "不", "未",
                                                                "无", "别", "非"};
constexpr std::array<std::string_view, 9> kEnglishNegators = {"no", "not", "never", "without", "nobody", "none",
                                                               "nor", "n't", "didn't"};

bool StartsWithAny(std::string_view s, const auto& words) {
  for (std::string_view w : words)
    if (s.starts_with(w)) return true;
  return false;
}

}  // namespace

void SplitClauses(std::string_view s, std::vector<ClauseSpan>& out) {
  out.clear();
  std::size_t clause_begin = 0;
  bool has_content = false;
  auto close = [&](std::size_t end) {
    if (has_content) out.push_back(ClauseSpan{clause_begin, end});
    has_content = false;
  };
  for (std::size_t pos = 0; pos < s.size();) {
    const std::size_t here = pos;
    const char32_t cp = DecodeUtf8(s, pos);
    bool separator = IsSeparator(cp);
    if (cp == '.' || cp == ',') {
      separator = !(IsAsciiDigit(CodePointBefore(s, here)) && IsAsciiDigit(CodePointAt(s, pos)));
    } else if (cp == ' ') {
      separator = IsHan(CodePointBefore(s, here)) && IsHan(CodePointAt(s, pos));
    }
    if (separator) {
      close(here);
      clause_begin = pos;
      continue;
    }
    if (has_content) {
      if (const std::size_t length = ConnectiveAt(s, here)) {
        close(here);
        clause_begin = here;
        has_content = true;
        pos = here + length;
        continue;
      }
    }
    if (cp != ' ') {
      if (!has_content) clause_begin = here;
      has_content = true;
    }
  }
  close(s.size());
  // Trim trailing spaces so a clause's text is exactly its words.
  for (ClauseSpan& c : out)
    while (c.end > c.begin && s[c.end - 1] == ' ') --c.end;
}

std::vector<ClauseSpan> SplitClauses(std::string_view normalized) {
  std::vector<ClauseSpan> out;
  SplitClauses(normalized, out);
  return out;
}

std::size_t ClauseIndexAt(const std::vector<ClauseSpan>& clauses, std::size_t offset) {
  std::size_t lo = 0, hi = clauses.size();
  while (hi - lo > 1) {
    const std::size_t mid = (lo + hi) / 2;
    if (clauses[mid].begin <= offset) lo = mid;
    else hi = mid;
  }
  return lo;
}

bool InNegationScope(std::string_view s, ClauseSpan clause, std::size_t term_begin, int max_gap) {
  if (term_begin < clause.begin || term_begin > clause.end) return false;
  const std::string_view term = s.substr(term_begin, clause.end - term_begin);
  const char32_t first = CodePointAt(s, term_begin);
  const std::string_view before = s.substr(clause.begin, term_begin - clause.begin);
  if (IsHan(first)) {
    if (StartsWithAny(term, kChineseNegators)) return false;
    // Look back up to max_gap code points for a negator ending there.
    std::size_t end = before.size();
    for (int gap = 0; gap <= max_gap && end > 0; ++gap) {
      const std::string_view head = before.substr(0, end);
      for (std::string_view n : kChineseNegators)
        if (EndsWith(head, n)) return true;
      std::size_t start = 0;
      const char32_t cp = CodePointBefore(head, head.size(), &start);
      if (!IsHan(cp)) break;  // the scope does not cross a non-Chinese stretch
      end = start;
    }
    return false;
  }
  if (StartsWithAny(term, kEnglishNegators)) return false;
  // English: the previous max_gap + 1 words.
  std::size_t end = before.size();
  for (int words = 0; words <= max_gap; ++words) {
    while (end > 0 && !IsWordChar(static_cast<unsigned char>(before[end - 1]))) --end;
    std::size_t start = end;
    while (start > 0 && IsWordChar(static_cast<unsigned char>(before[start - 1]))) --start;
    if (start == end) break;
    const std::string_view word = before.substr(start, end - start);
    for (std::string_view n : kEnglishNegators)
      if (word == n || (n == "n't" && EndsWith(word, n))) return true;
    end = start;
  }
  return false;
}

}  // namespace voc::triage::text
