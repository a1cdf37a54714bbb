#include "common/privacy/pattern_finders.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "common/privacy/ascii.h"
#include "common/util/utf8.h"

namespace voc::privacy {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return IsDigit(c); });
}

std::size_t SkipAlnum(std::string_view text, std::size_t pos) {
  while (pos < text.size() && IsAsciiAlnum(text[pos])) ++pos;
  return pos;
}

// ---------------------------------------------------------------- e-mail

bool IsLocalPartChar(char c) {
  return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsDomainChar(char c) { return IsAsciiAlnum(c) || c == '-'; }

// ---------------------------------------------------------- order numbers

struct OrderKeyword {
  std::string_view text;  // lower case
  bool english;           // needs a word boundary on both sides
};

// Longest first where one is a prefix of another (订单号 before 订单).
constexpr std::array<OrderKeyword, 11> kOrderKeywords = {{
    {"订单编号", false},
    {"订单号", false},
    {"订单", false},
    {"单号", false},
    {"order number", true},
    {"order no.", true},
    {"order no", true},
    {"order id", true},
    {"order", true},
    {"＃", false},
    {"#", false},
}};

// What may stand between the keyword and the number: "订单号：", "order no. #",
// "单号是", "order: ".
constexpr std::array<std::string_view, 8> kOrderGlue = {" ", "\t", ":", "：", "#", "＃", "是", "为"};
constexpr int kMaxOrderGlue = 4;
constexpr std::size_t kMinOrderChars = 10;

std::size_t OrderKeywordAt(std::string_view text, std::size_t pos) {
  for (const auto& keyword : kOrderKeywords) {
    if (!HasAtIgnoringCase(text, pos, keyword.text)) continue;
    const std::size_t end = pos + keyword.text.size();
    if (keyword.english) {
      if (pos > 0 && IsAsciiLetter(text[pos - 1])) continue;
      if (end < text.size() && IsAsciiLetter(text[end]) && IsAsciiLetter(keyword.text.back())) continue;
    }
    return keyword.text.size();
  }
  return 0;
}

// -------------------------------------------------------------- numbers

// One run of digits in a phone-like phrase: "138", "(021)", "11010519900307123X".
struct Group {
  std::size_t begin = 0;  // first byte ('(' or a leading '+' included)
  std::size_t end = 0;    // past the last byte (')' or a final X included)
  std::string digits;     // the digits, and a final 'X' for an ID number
  bool paren = false;
};

// The digits at `pos` start a number, not the tail of a code (SN138...,
// X200-138..., v1.2.3) or the fraction of a decimal (3.14159265358979).
bool MayStartNumber(std::string_view text, std::size_t pos) {
  if (pos == 0) return true;
  const char before = text[pos - 1];
  if (IsAsciiAlnum(before)) return false;
  if (pos < 2) return true;
  const char two_before = text[pos - 2];
  if (before == '.' || before == ',') return !IsDigit(two_before);
  if (before == '-' || before == '_' || before == '/') return !IsAsciiAlnum(two_before);
  return true;
}

bool IsSeparator(char c) { return c == ' ' || c == '-' || c == '.'; }

bool GroupStartsAt(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return false;
  if (IsDigit(text[pos])) return true;
  return text[pos] == '(' && pos + 1 < text.size() && IsDigit(text[pos + 1]);
}

// Reads the phrase starting at `pos` (a digit, '+' or '(' before a digit)
// into `groups`; returns where scanning continues.
std::size_t ReadPhrase(std::string_view text, std::size_t pos, std::vector<Group>& groups, bool& plus) {
  const std::size_t n = text.size();
  std::size_t q = pos;
  plus = text[q] == '+';
  if (plus) ++q;
  while (true) {
    Group g;
    g.begin = q;
    if (text[q] == '(') {
      std::size_t r = q + 1;
      while (r < n && IsDigit(text[r])) ++r;
      if (r == q + 1 || r >= n || text[r] != ')') break;
      g.paren = true;
      g.digits.assign(text.substr(q + 1, r - q - 1));
      q = r + 1;
    } else {
      std::size_t r = q;
      while (r < n && IsDigit(text[r])) ++r;
      g.digits.assign(text.substr(q, r - q));
      q = r;
      if (q < n && (text[q] == 'X' || text[q] == 'x') && (q + 1 >= n || !IsAsciiAlnum(text[q + 1]))) {
        g.digits.push_back('X');  // only an ID number may end so; it ends the phrase
        g.end = ++q;
        groups.push_back(std::move(g));
        break;
      }
      // Glued to letters ("12345abc", "3C"): a code, not a number.
      if (q < n && IsAsciiLetter(text[q])) return SkipAlnum(text, q);
    }
    g.end = q;
    const bool paren = g.paren;
    groups.push_back(std::move(g));
    if (q + 1 < n && IsSeparator(text[q]) && GroupStartsAt(text, q + 1)) {
      ++q;
      continue;
    }
    // "(021)12345678", "+44(0)20 7946 0958"
    if ((paren && q < n && IsDigit(text[q])) || (q < n && text[q] == '(' && GroupStartsAt(text, q))) continue;
    break;
  }
  if (plus && !groups.empty()) groups.front().begin = pos;
  return std::max(q, pos + 1);
}

// Appends the digits of groups[k], groups[k+1], ... to `digits` until
// there are at least `min`; the index past the last group used when there
// are then at most `max`. A parenthesised group only as the first.
std::optional<std::size_t> Concat(const std::vector<Group>& groups, std::size_t k, std::size_t min,
                                  std::size_t max, std::string& digits) {
  digits.clear();
  for (std::size_t j = k; j < groups.size(); ++j) {
    if (j > k && groups[j].paren) return std::nullopt;
    digits += groups[j].digits;
    if (digits.size() >= min) {
      if (digits.size() > max) return std::nullopt;
      return j + 1;
    }
  }
  return std::nullopt;
}

bool IsMobile(std::string_view d) {
  return d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9' && AllDigits(d);
}

int Number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool IsValidDate(int year, int month, int day) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month != 2 || day <= 28 || leap;
}

// A resident ID number: region (not starting with 0), birth date, sequence
// (and a check character for the 18-character form). The date decides, so
// an 18-digit order number is not called an ID; the check character is not
// verified, since a mistyped one is still somebody's ID.
bool IsIdNumber(std::string_view d) {
  if (d.size() == 18) {
    if (!AllDigits(d.substr(0, 17)) || !(IsDigit(d[17]) || d[17] == 'X') || d[0] == '0') return false;
    const int year = Number(d.substr(6, 4));
    return year >= 1900 && year <= 2099 && IsValidDate(year, Number(d.substr(10, 2)), Number(d.substr(12, 2)));
  }
  if (d.size() == 15) {
    if (!AllDigits(d) || d[0] == '0') return false;
    return IsValidDate(1900 + Number(d.substr(6, 2)), Number(d.substr(8, 2)), Number(d.substr(10, 2)));
  }
  return false;
}

struct NumberMatch {
  std::size_t next;  // groups [k, next) are the match
  PiiKind kind;
};

bool IsLocalNumber(std::string_view d) { return AllDigits(d) && d[0] != '0'; }

// After a country code (the groups from `j` on).
std::optional<NumberMatch> MatchNational(const std::vector<Group>& g, std::size_t j, std::string_view country) {
  if (j >= g.size()) return std::nullopt;
  std::string digits;
  if (country == "86") {
    if (auto next = Concat(g, j, 11, 11, digits); next && IsMobile(digits)) return NumberMatch{*next, PiiKind::kMobile};
    // The area code without its 0: +86 21 1234 5678, +86 755 1234567.
    const std::string& area = g[j].digits;
    if (area.size() >= 2 && area.size() <= 3 && area[0] != '0' && AllDigits(area)) {
      if (auto next = Concat(g, j + 1, 7, 8, digits); next && IsLocalNumber(digits)) {
        return NumberMatch{*next, PiiKind::kPhone};
      }
    }
  }
  // Any other country: national groups of 6..14 digits in all, taken until
  // there are 10 (so "+1 415 555 0100 2 items" keeps its "2").
  std::size_t total = 0;
  std::size_t m = j;
  for (; m < g.size() && total < 10; ++m) {
    if (!AllDigits(g[m].digits)) break;
    total += g[m].digits.size();
  }
  if (total >= 6 && total <= 14) return NumberMatch{m, PiiKind::kPhone};
  return std::nullopt;
}

std::optional<NumberMatch> MatchAt(const std::vector<Group>& g, std::size_t k, bool after_plus) {
  const std::string& a = g[k].digits;
  std::string digits;
  if (after_plus) {
    if (a.size() > 3) {  // glued: +8613812345678, +14155550100
      if (!AllDigits(a) || a.size() < 8 || a.size() > 15) return std::nullopt;
      const bool mobile = a.rfind("86", 0) == 0 && IsMobile(std::string_view(a).substr(2));
      return NumberMatch{k + 1, mobile ? PiiKind::kMobile : PiiKind::kPhone};
    }
    return MatchNational(g, k + 1, a);
  }
  if (a == "0086" || a == "86") {
    if (auto found = MatchNational(g, k + 1, "86"); found && (a == "0086" || found->kind == PiiKind::kMobile)) {
      return found;
    }
  }
  if (!g[k].paren) {
    // Resident ID: one run of 15 or 18, or 18 in groups (110105 19900307 1234).
    if (auto next = Concat(g, k, 15, 18, digits); next && IsIdNumber(digits) && (digits.size() == 18 || *next == k + 1)) {
      return NumberMatch{*next, PiiKind::kIdNumber};
    }
    if (auto next = Concat(g, k, 11, 11, digits); next && IsMobile(digits)) return NumberMatch{*next, PiiKind::kMobile};
    // Prefixes glued on: 8613812345678, 013812345678.
    if ((a.size() == 13 && a.rfind("86", 0) == 0 && IsMobile(std::string_view(a).substr(2))) ||
        (a.size() == 12 && a[0] == '0' && IsMobile(std::string_view(a).substr(1)))) {
      return NumberMatch{k + 1, PiiKind::kMobile};
    }
    // 400 820 8820, 800-810-8888
    if (auto next = Concat(g, k, 10, 10, digits);
        next && AllDigits(digits) && (digits.rfind("400", 0) == 0 || digits.rfind("800", 0) == 0)) {
      return NumberMatch{*next, PiiKind::kPhone};
    }
  }
  // Landline: area code 0xx / 0xxx (maybe in parentheses), then 7-8 digits.
  if (a.size() >= 3 && a.size() <= 4 && a[0] == '0' && a[1] != '0' && AllDigits(a)) {
    if (auto next = Concat(g, k + 1, 7, 8, digits); next && IsLocalNumber(digits)) {
      return NumberMatch{*next, PiiKind::kPhone};
    }
  }
  if (!g[k].paren && a.size() >= 10 && a.size() <= 12 && a[0] == '0' && a[1] != '0' && AllDigits(a)) {
    return NumberMatch{k + 1, PiiKind::kPhone};  // 02112345678, 075512345678
  }
  // North American: (415) 555-0100, 415-555-0100, 1-800-555-0100.
  {
    std::size_t j = k;
    if (a == "1" && !g[k].paren) ++j;
    if (j + 2 < g.size() && g[j].digits.size() == 3 && g[j + 1].digits.size() == 3 && g[j + 2].digits.size() == 4 &&
        !g[j + 1].paren && !g[j + 2].paren && AllDigits(g[j].digits) && AllDigits(g[j + 1].digits) &&
        AllDigits(g[j + 2].digits) && g[j].digits[0] >= '2' && g[j + 1].digits[0] >= '2') {
      return NumberMatch{j + 3, PiiKind::kPhone};
    }
  }
  // Whatever else is long enough to identify an order (or a person).
  if (!g[k].paren && a.size() >= 12 && (AllDigits(a) || AllDigits(std::string_view(a).substr(0, a.size() - 1)))) {
    return NumberMatch{k + 1, PiiKind::kOrder};
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- plates

// The provinces' one-character abbreviations that start a plate, sorted.
constexpr std::array<char32_t, 31> kProvinces = [] {
  std::array<char32_t, 31> p = {U'京', U'津', U'沪', U'渝', U'冀', U'豫', U'云', U'辽', U'黑', U'湘', U'皖',
                                U'鲁', U'新', U'苏', U'浙', U'赣', U'鄂', U'桂', U'甘', U'晋', U'蒙', U'陕',
                                U'吉', U'闽', U'贵', U'粤', U'青', U'藏', U'川', U'宁', U'琼'};
  std::sort(p.begin(), p.end());
  return p;
}();

// Plates of driving schools, police, trailers, Hong Kong / Macau, consulates, tests.
constexpr std::array<std::string_view, 8> kPlateSuffixes = {"学", "警", "挂", "港", "澳", "领", "试", "超"};
constexpr std::array<std::string_view, 5> kPlateSeparators = {"·", "•", "・", "-", " "};

bool IsProvince(char32_t cp) { return std::binary_search(kProvinces.begin(), kProvinces.end(), cp); }

// The end of the plate whose letter is at `q`, or 0.
std::size_t PlateEnd(std::string_view text, std::size_t q) {
  if (q >= text.size() || !IsAsciiLetter(text[q])) return 0;
  std::size_t r = q + 1;
  for (auto sep : kPlateSeparators) {
    if (HasAt(text, r, sep)) {
      r += sep.size();
      break;
    }
  }
  const std::size_t tail = r;
  std::size_t digits = 0;
  while (r < text.size() && IsAsciiAlnum(text[r])) digits += IsDigit(text[r++]) ? 1 : 0;
  const std::size_t length = r - tail;
  if (length == 5 && digits >= 2) return r;
  if (length == 6 && digits >= 4) return r;  // new energy: D12345, 12345F
  if (length == 4) {
    for (auto suffix : kPlateSuffixes) {
      if (HasAt(text, r, suffix)) return r + suffix.size();
    }
  }
  return 0;
}

}  // namespace

void FindEmails(std::string_view text, std::vector<PiiSpan>& out) {
  std::size_t last_end = 0;
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    if (at < last_end) continue;
    std::size_t begin = at;
    while (begin > last_end && IsLocalPartChar(text[begin - 1])) --begin;
    while (begin < at && text[begin] == '.') ++begin;
    if (begin == at) continue;
    // Labels separated by dots; the address ends after the last label that
    // can be a top-level domain (two or more letters), so "a@b.com." keeps
    // its full stop.
    std::size_t pos = at + 1;
    std::size_t end = 0;
    while (true) {
      const std::size_t label = pos;
      bool letters_only = true;
      while (pos < text.size() && IsDomainChar(text[pos])) letters_only &= IsAsciiLetter(text[pos++]);
      if (pos == label) break;
      if (label > at + 1 && letters_only && pos - label >= 2) end = pos;
      if (pos + 1 < text.size() && text[pos] == '.' && IsDomainChar(text[pos + 1])) {
        ++pos;
        continue;
      }
      break;
    }
    if (end == 0) continue;
    out.push_back({begin, end, PiiKind::kEmail});
    last_end = end;
  }
}

void FindKeywordOrderNumbers(std::string_view text, std::vector<PiiSpan>& out) {
  // The bytes a keyword can start with, so most positions cost one lookup.
  static const std::array<bool, 256> kFirstBytes = [] {
    std::array<bool, 256> first{};
    for (const auto& keyword : kOrderKeywords) {
      const auto byte = static_cast<unsigned char>(keyword.text[0]);
      first[byte] = true;
      if (byte >= 'a' && byte <= 'z') first[byte - 'a' + 'A'] = true;
    }
    return first;
  }();
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (!kFirstBytes[static_cast<unsigned char>(text[pos])]) {
      ++pos;
      continue;
    }
    const std::size_t keyword = OrderKeywordAt(text, pos);
    if (keyword == 0) {
      ++pos;
      continue;
    }
    std::size_t q = pos + keyword;
    for (int glue = 0; glue < kMaxOrderGlue; ++glue) {
      bool skipped = false;
      for (auto g : kOrderGlue) {
        if (HasAt(text, q, g)) {
          q += g.size();
          skipped = true;
          break;
        }
      }
      if (!skipped) break;
    }
    const std::size_t begin = q;
    std::size_t chars = 0;
    std::size_t digits = 0;
    while (q < text.size()) {
      const char c = text[q];
      if (IsAsciiAlnum(c)) {
        ++chars;
        digits += IsDigit(c) ? 1 : 0;
        ++q;
      } else if ((c == '-' || c == '_') && q > begin && q + 1 < text.size() && IsAsciiAlnum(text[q + 1])) {
        ++q;
      } else {
        break;
      }
    }
    if (chars >= kMinOrderChars && digits * 2 >= chars && (begin == 0 || !IsAsciiAlnum(text[begin - 1]))) {
      out.push_back({begin, q, PiiKind::kOrder});
      pos = q;
    } else {
      pos += keyword;
    }
  }
}

void FindNumbers(std::string_view text, std::vector<PiiSpan>& out) {
  const std::size_t n = text.size();
  std::vector<Group> groups;
  std::size_t i = 0;
  while (i < n) {
    const char c = text[i];
    const bool starts = IsDigit(c) || ((c == '+' || c == '(') && i + 1 < n && IsDigit(text[i + 1]));
    if (!starts) {
      i = IsAsciiLetter(c) ? SkipAlnum(text, i) : i + 1;
      continue;
    }
    if (!MayStartNumber(text, i)) {
      i = IsDigit(c) ? SkipAlnum(text, i) : i + 1;
      continue;
    }
    groups.clear();
    bool plus = false;
    const std::size_t next = ReadPhrase(text, i, groups, plus);
    for (std::size_t k = 0; k < groups.size();) {
      if (auto found = MatchAt(groups, k, plus && k == 0)) {
        out.push_back({groups[k].begin, groups[found->next - 1].end, found->kind});
        k = found->next;
      } else {
        ++k;
      }
    }
    i = next;
  }
}

void FindPlates(std::string_view text, std::vector<PiiSpan>& out) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    // Every province character is a three-byte sequence (U+4E00..U+9FFF).
    if (lead < 0xE4 || lead > 0xE9) {
      ++pos;
      continue;
    }
    std::size_t after = pos;
    const char32_t cp = DecodeUtf8(text, after);
    if (IsProvince(cp)) {
      if (const std::size_t end = PlateEnd(text, after)) {
        out.push_back({pos, end, PiiKind::kPlate});
        pos = end;
        continue;
      }
    }
    pos = after;
  }
}

}  // namespace voc::privacy
