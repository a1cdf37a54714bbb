// The names half of the masker: finds known names (people's and customers'
// from the org directory) in a UTF-8 text.
//
//  - A name in ASCII ("Emily Carter", "Ryan O'Connor") matches ignoring
//    case, on word boundaries, with one space between its words; it needs
//    two or more words, since a single word ("Apple", "Will") is too often
//    an ordinary one.
//  - Any other name ("王磊", "李晓雨") matches exactly, anywhere (Chinese has
//    no word boundaries); it needs two or more characters.
//  - Address forms: a known surname (the first character of a Chinese name)
//    before 先生/女士/小姐 (陈先生), a known last name (the last word of an ASCII
//    name) after Mr/Mrs/Ms/Miss/Dr (Ms. Carter). Only the surname or last
//    name is reported; the form stays.
//
// The longest name wins where several start at the same place. Immutable
// once built.
#pragma once

#include <array>
#include <bitset>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/privacy/pii_span.h"

namespace voc::privacy {

class NameMatcher {
 public:
  NameMatcher() = default;
  explicit NameMatcher(const std::vector<std::string>& names);

  // Appends the spans of the names in `text`, left to right (kind kName).
  void Find(std::string_view text, std::vector<PiiSpan>& out) const;

  bool empty() const { return ascii_count_ == 0 && other_.empty(); }

 private:
  void AddAscii(const std::string& lower_name);
  void AddOther(const std::string& name);
  // The length of the name or address form at `pos` (an ASCII word start),
  // and where its reported span begins; 0 when none.
  std::size_t MatchAscii(std::string_view text, std::size_t pos, std::size_t& span_begin) const;
  std::size_t MatchOther(std::string_view text, std::size_t pos, char32_t first, std::size_t first_bytes) const;

  // ASCII names in lower case by their first letter, longest first.
  std::array<std::vector<std::string>, 26> ascii_by_letter_;
  std::size_t ascii_count_ = 0;
  std::unordered_set<std::string> last_names_;  // lower case
  // Other names by their first code point, longest first.
  std::unordered_map<char32_t, std::vector<std::string>> other_;
  std::unordered_set<char32_t> surnames_;
  // Which code points below U+10000 start a name or are a surname: most
  // characters of a text cost one bit test.
  std::bitset<0x10000> may_start_;
};

}  // namespace voc::privacy
