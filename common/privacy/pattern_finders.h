// The pattern half of the masker: each finder appends, left to right, the
// spans of one family of personal data it finds in a UTF-8 text. Finders of
// different families may report overlapping spans; the masker decides
// (masker.cc). Every finder is one linear pass over bytes, with no regex:
// the masker runs on every cluster text and knowledge entry returned.
#pragma once

#include <string_view>
#include <vector>

#include "common/privacy/pii_span.h"

namespace voc::privacy {

// local@domain.tld: local part [A-Za-z0-9._%+-], a dotted domain whose last
// label has two or more letters.
void FindEmails(std::string_view text, std::vector<PiiSpan>& out);

// A run of >= 10 letters and digits (at least half of them digits, '-' or
// '_' allowed between them) after 订单/订单号/订单编号/单号/order/order no./
// order number/order id/#, past up to a few spaces, colons, '#', 是 or 为.
// Only the run is reported; the keyword stays.
void FindKeywordOrderNumbers(std::string_view text, std::vector<PiiSpan>& out);

// Runs of digits joined by single spaces, dashes or dots (with an optional
// leading '+' and parenthesised groups), read as: resident ID numbers (18
// with a valid YYYYMMDD at 7..14, last may be X; 15 with a valid YYMMDD),
// mainland mobiles (1[3-9] + 9 digits, optionally after +86 / 0086 / 86),
// landlines (0 + 2-3 digit area code + 7-8 digits, or +86 and the area code
// without its 0), 400/800 numbers, '+' international numbers, North
// American (415) 555-0100, and any other single run of >= 12 digits as an
// order number. A run glued to letters (SN13812345678, X200-1234567890) or
// the fraction of a decimal is a code, not a number, and is left alone.
void FindNumbers(std::string_view text, std::vector<PiiSpan>& out);

// A province abbreviation (京, 沪, 粤, ...) and a letter, an optional
// separator (·, •, ・, '-', ' '), then 5 letters/digits (at least 2 digits),
// 6 (new-energy, at least 4 digits) or 4 and one of 学警挂港澳领试超.
void FindPlates(std::string_view text, std::vector<PiiSpan>& out);

}  // namespace voc::privacy
