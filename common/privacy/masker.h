// De-identification (issue 9, "Personal data"): what a text shown outside
// the department that owns it may not carry. The masker replaces, in Chinese
// and English text,
//
//   mainland mobile numbers  138 1234 5678, +86 138-1234-5678   【手机号】 [phone]
//   landlines, 400/800       010-12345678, (021) 1234 5678       【电话】   [phone]
//   other phone numbers      +1 415 555 0100, (415) 555-0100     【电话】   [phone]
//   e-mail addresses         li.na@example.com                   【邮箱】   [email]
//   resident ID numbers      18 digits (last may be X) or the    【身份证号】 [id-number]
//                            old 15, with a valid birth date
//   licence plates           京A12345, 粤B·D12345, 沪A-1234学     【车牌】   [plate]
//   order numbers            >= 10 letters/digits after 订单(号), 【订单号】 [order]
//                            单号, order (no./#/id), #; any bare
//                            run of >= 12 digits
//   known names              people's and customers' names from  【姓名】   [name]
//                            the org directory; a known surname
//                            before 先生/女士/小姐, a known last name
//                            after Mr/Mrs/Ms/Miss/Dr
//
// and leaves everything else alone: prices (¥299, 299元), dates
// (2026-12-01), times, percentages, model names (Model Y, 星辰 S7), short
// numbers, and a bare number of fewer than 12 digits that is not shaped like
// a phone number.
//
// Which token, zh or en, is decided per match: the Chinese one when the
// nearest letter before or after the match (looking past digits, spaces and
// ASCII punctuation, at most 16 characters away) is a CJK character
// (Han, kana, Hangul, CJK or fullwidth punctuation); when neither side has a
// letter that near, the Chinese one when the text holds any CJK character;
// otherwise the English one.
//
// Masking is idempotent (a masked text masks to itself): no token is ever
// matched again, and matches are maximal runs, so the text around a token
// cannot form a new match. Never fails: malformed UTF-8 is passed through.
//
// Immutable once built, so any number of threads may call Mask at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/privacy/name_matcher.h"

namespace voc::org {
class OrgDirectory;
}

namespace voc::privacy {

class Masker {
 public:
  // Masks patterns only (no names).
  Masker() = default;
  // Also masks these names (ASCII names: case-insensitive, on word
  // boundaries, at least two words; others: at least two characters).
  explicit Masker(std::vector<std::string> known_names);
  // The names of every person and every customer in the directory.
  static Masker FromDirectory(const org::OrgDirectory& directory);

  std::string Mask(std::string_view text) const;

 private:
  NameMatcher names_;
};

}  // namespace voc::privacy
