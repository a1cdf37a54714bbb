#include "common/privacy/name_matcher.h"

#include <algorithm>

#include "common/privacy/ascii.h"
#include "common/util/utf8.h"

namespace voc::privacy {
namespace {

constexpr std::array<std::string_view, 3> kChineseAddressForms = {"先生", "女士", "小姐"};
// "mrs" before "mr", "miss" before "ms": the longer title first.
constexpr std::array<std::string_view, 5> kEnglishTitles = {"mrs", "miss", "mr", "ms", "dr"};

bool IsAsciiText(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Trimmed, every run of ASCII whitespace one space.
std::string NormalizeSpaces(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (IsAsciiSpace(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::size_t CodePoints(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < s.size(); ++count) DecodeUtf8(s, pos);
  return count;
}

bool IsHan(char32_t cp) { return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF); }

bool WordEndsAt(std::string_view text, std::size_t pos) { return pos >= text.size() || !IsAsciiAlnum(text[pos]); }

bool IsNameWordChar(char c) { return IsAsciiLetter(c) || c == '\'' || c == '-'; }

void LongestFirst(std::vector<std::string>& names) {
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  names.erase(std::unique(names.begin(), names.end()), names.end());
}

}  // namespace

NameMatcher::NameMatcher(const std::vector<std::string>& names) {
  for (const auto& raw : names) {
    const std::string name = NormalizeSpaces(raw);
    if (name.empty()) continue;
    if (IsAsciiText(name)) {
      if (name.find(' ') == std::string::npos || !IsAsciiLetter(name[0])) continue;
      std::string lower = name;
      for (char& c : lower) c = AsciiLower(c);
      AddAscii(lower);
    } else if (CodePoints(name) >= 2) {
      AddOther(name);
    }
  }
  ascii_count_ = 0;
  for (auto& list : ascii_by_letter_) {
    LongestFirst(list);
    ascii_count_ += list.size();
  }
  for (auto& [first, list] : other_) LongestFirst(list);
}

void NameMatcher::AddAscii(const std::string& lower_name) {
  ascii_by_letter_[lower_name[0] - 'a'].push_back(lower_name);
  const std::string last = lower_name.substr(lower_name.rfind(' ') + 1);
  if (last.size() >= 2) last_names_.insert(last);
}

void NameMatcher::AddOther(const std::string& name) {
  std::size_t pos = 0;
  const char32_t first = DecodeUtf8(name, pos);
  other_[first].push_back(name);
  if (first < may_start_.size()) may_start_.set(first);
  // A Chinese name of 2-4 characters starts with its surname (of one
  // character: compound surnames such as 欧阳 are rare enough to leave).
  const std::size_t length = CodePoints(name);
  if (IsHan(first) && length <= 4) surnames_.insert(first);
}

std::size_t NameMatcher::MatchAscii(std::string_view text, std::size_t pos, std::size_t& span_begin) const {
  const char first = AsciiLower(text[pos]);
  for (const auto& name : ascii_by_letter_[first - 'a']) {
    if (HasAtIgnoringCase(text, pos, name) && WordEndsAt(text, pos + name.size())) {
      span_begin = pos;
      return name.size();
    }
  }
  if (last_names_.empty()) return 0;
  for (auto title : kEnglishTitles) {
    if (!HasAtIgnoringCase(text, pos, title)) continue;
    std::size_t q = pos + title.size();
    if (q < text.size() && IsAsciiLetter(text[q])) continue;  // Drive, Mrs (tried first)
    if (q < text.size() && text[q] == '.') ++q;
    const std::size_t before_spaces = q;
    while (q < text.size() && text[q] == ' ') ++q;
    if (q == before_spaces) return 0;
    std::size_t end = q;
    while (end < text.size() && IsNameWordChar(text[end])) ++end;
    std::string word(text.substr(q, end - q));
    for (char& c : word) c = AsciiLower(c);
    // "Ms. Carter's": the possessive is not part of the name.
    if (!last_names_.count(word) && word.size() > 2 && word.ends_with("'s")) {
      word.resize(word.size() - 2);
      end -= 2;
    }
    if (!last_names_.count(word) || !WordEndsAt(text, end)) return 0;
    span_begin = q;
    return end - pos;
  }
  return 0;
}

std::size_t NameMatcher::MatchOther(std::string_view text, std::size_t pos, char32_t first,
                                    std::size_t first_bytes) const {
  if (auto it = other_.find(first); it != other_.end()) {
    for (const auto& name : it->second) {
      if (HasAt(text, pos, name)) return name.size();
    }
  }
  if (surnames_.count(first)) {
    for (auto form : kChineseAddressForms) {
      if (HasAt(text, pos + first_bytes, form)) return first_bytes;  // the surname only; the form stays
    }
  }
  return 0;
}

void NameMatcher::Find(std::string_view text, std::vector<PiiSpan>& out) const {
  if (empty()) return;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
      if (IsAsciiLetter(text[pos]) && (pos == 0 || !IsAsciiAlnum(text[pos - 1]))) {
        std::size_t span_begin = pos;
        if (ascii_count_ > 0) {
          if (const std::size_t length = MatchAscii(text, pos, span_begin)) {
            out.push_back({span_begin, pos + length, PiiKind::kName});
            pos += length;
            continue;
          }
        }
        if (may_start_[byte]) {
          if (const std::size_t length = MatchOther(text, pos, byte, 1)) {
            out.push_back({pos, pos + length, PiiKind::kName});
            pos += length;
            continue;
          }
        }
        while (pos < text.size() && IsAsciiAlnum(text[pos])) ++pos;  // the rest of the word
        continue;
      }
      ++pos;
      continue;
    }
    std::size_t after = pos;
    const char32_t cp = DecodeUtf8(text, after);
    const bool may_start = cp < may_start_.size() ? may_start_[cp] : (other_.count(cp) > 0);
    if (may_start) {
      if (const std::size_t length = MatchOther(text, pos, cp, after - pos)) {
        out.push_back({pos, pos + length, PiiKind::kName});
        pos += length;
        continue;
      }
    }
    pos = after;
  }
}

}  // namespace voc::privacy
