// Which language a mask token speaks: 【手机号】 in Chinese text, [phone] in
// English, decided per match by the characters around it (masker.h has the
// rule).
#pragma once

#include <cstddef>
#include <string_view>

namespace voc::privacy {

// CJK for this purpose: Han, kana, Hangul, CJK symbols and punctuation,
// fullwidth forms (，。：（）).
bool IsCjk(char32_t cp);

// True when `text` holds a CJK character.
bool HasCjk(std::string_view text);

// True when the match [begin, end) of `text` should get the Chinese token:
// the nearest letter before or after it (past digits, spaces, punctuation
// and symbols, at most kLanguageWindow characters away) is CJK; when no
// letter is that near on either side, `text_has_cjk`.
inline constexpr int kLanguageWindow = 16;
bool PrefersChinese(std::string_view text, std::size_t begin, std::size_t end, bool text_has_cjk);

}  // namespace voc::privacy
