// The small text checks the red-line decision makes around one candidate
// (a term the matcher found): is it inside a longer word, a number next to a
// unit, negated, hypothetical, near its context words. All work on the
// normalised text (lower-case, Simplified, half-width) and byte offsets.
//
// Distances are counted in units: one Han character, or one run of ASCII
// letters/digits (an English word); spaces and other marks do not count.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voc::triage::redline_context {

std::string LowerAscii(std::string_view s);

// True if the term starts or ends with a Han character (it needs the
// word-boundary check; ASCII terms get theirs from the matcher).
bool StartsOrEndsWithHan(std::string_view term);

// True when [begin, end) starts on a word boundary of the ICU dictionary
// segmentation of the Han run around it (媒体 in 多媒体 and 发微博 in 转发微博
// do not), and ends on one or before a particle (电到 in 被电到了 does; 着火 in
// 围着火炉 does not). The segmenter misses some (紧挨|着火|车站): list those as
// `except`, and compounds it glues together that still count (皮肤过敏) as
// `compounds`.
bool StartsOnWordBoundary(std::string_view text, std::size_t begin, std::size_t end);

// True when some string of `words` occurs in `text` overlapping [begin, end).
bool AnyCovers(std::string_view text, std::size_t begin, std::size_t end, const std::vector<std::string>& words);

// A number term as a token of its own: no digit, `#`, `$`, `¥`, `no.` or 第
// before it, no digit, decimal point or unit (元, 房, 公里, km ...) after it.
bool IsStandaloneNumber(std::string_view text, std::size_t begin, std::size_t end,
                        const std::vector<std::string>& units);

// True if a cue of `cues` ends within `window` units before `begin`, not
// crossing a sentence end (nor a comma when `stop_at_comma`). ASCII cues
// match whole words only.
bool CueBefore(std::string_view text, std::size_t begin, const std::vector<std::string>& cues, int window,
               bool stop_at_comma);

// True if a cue of `cues` starts within `window` units after `end`, in the
// same clause (no comma or sentence end between): 着火|了吗, 变质的|了吗.
// ASCII cues match whole words only.
bool CueAfter(std::string_view text, std::size_t end, const std::vector<std::string>& cues, int window);

// The byte span `near` units either side of [begin, end).
std::pair<std::size_t, std::size_t> NearSpan(std::string_view text, std::size_t begin, std::size_t end, int near);

// The first of `words` that occurs in text[from, to) (ASCII words whole), or null.
const std::string* FirstWordIn(std::string_view text, std::size_t from, std::size_t to,
                               const std::vector<std::string>& words);
inline bool ContainsAnyWord(std::string_view text, std::size_t from, std::size_t to,
                            const std::vector<std::string>& words) {
  return FirstWordIn(text, from, to, words) != nullptr;
}

}  // namespace voc::triage::redline_context
