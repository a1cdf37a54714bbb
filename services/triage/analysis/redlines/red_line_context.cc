#include "services/triage/analysis/redlines/red_line_context.h"

#include <algorithm>
#include <iterator>

#include "services/triage/analysis/text/segmenter.h"
#include "services/triage/analysis/text/utf8.h"

namespace voc::triage::redline_context {
namespace {

bool IsAsciiAlnum(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

std::size_t PrevStart(std::string_view s, std::size_t pos) {
  std::size_t q = pos - 1;
  while (q > 0 && (static_cast<unsigned char>(s[q]) & 0xC0) == 0x80) --q;
  return q;
}

char32_t At(std::string_view s, std::size_t pos) {
  std::size_t p = pos;
  return text::DecodeUtf8(s, p);
}

bool IsSentenceEnd(char32_t cp) {
  return cp == U'。' || cp == U'！' || cp == U'？' || cp == U'!' || cp == U'?' || cp == U'.' || cp == U';' ||
         cp == U'；' || cp == U'\n' || cp == U'…';
}
// Clause marks: commas, colons and brackets (an aside in brackets is a clause of its own).
bool IsComma(char32_t cp) {
  return cp == U'，' || cp == U',' || cp == U'、' || cp == U':' || cp == U'：' || cp == U'（' || cp == U'）' ||
         cp == U'(' || cp == U')' || cp == U'【' || cp == U'】' || cp == U'～' || cp == U'~';
}

// Where `window` units before `begin` start (not crossing the given breaks).
std::size_t StepBack(std::string_view s, std::size_t begin, int window, bool stop_at_comma, bool stop_at_sentence) {
  std::size_t pos = begin;
  int units = 0;
  while (pos > 0 && units < window) {
    std::size_t q = PrevStart(s, pos);
    const char32_t cp = At(s, q);
    if ((stop_at_sentence && IsSentenceEnd(cp)) || (stop_at_comma && IsComma(cp))) break;
    if (cp < 0x80 && IsAsciiAlnum(static_cast<unsigned char>(cp))) {
      while (q > 0 && IsAsciiAlnum(static_cast<unsigned char>(s[q - 1]))) --q;
      ++units;
    } else if (text::IsHan(cp)) {
      ++units;
    }
    pos = q;
  }
  return pos;
}

std::size_t StepForward(std::string_view s, std::size_t end, int window) {
  std::size_t pos = end;
  int units = 0;
  while (pos < s.size() && units < window) {
    const unsigned char c = static_cast<unsigned char>(s[pos]);
    if (IsAsciiAlnum(c)) {
      while (pos < s.size() && IsAsciiAlnum(static_cast<unsigned char>(s[pos]))) ++pos;
      ++units;
      continue;
    }
    const char32_t cp = text::DecodeUtf8(s, pos);
    if (text::IsHan(cp)) ++units;
  }
  return pos;
}

bool WholeWordAt(std::string_view s, std::size_t pos, std::string_view w) {
  if (w.empty()) return false;
  if (IsAsciiAlnum(static_cast<unsigned char>(w.front())) && pos > 0 && IsAsciiAlnum(static_cast<unsigned char>(s[pos - 1])))
    return false;
  const std::size_t after = pos + w.size();
  if (IsAsciiAlnum(static_cast<unsigned char>(w.back())) && after < s.size() &&
      IsAsciiAlnum(static_cast<unsigned char>(s[after])))
    return false;
  return true;
}

// "没有多久就拉肚子" is time, not negation.
bool FollowedByTimeWord(std::string_view s, std::size_t pos) {
  static const std::string_view kTime[] = {"多久", "多长时间", "一会", "几天", "几分钟"};
  for (auto t : kTime)
    if (s.substr(pos, t.size()) == t) return true;
  return false;
}

}  // namespace

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool StartsOrEndsWithHan(std::string_view term) {
  if (term.empty()) return false;
  std::string_view t = term;
  if (t.back() == '*') t.remove_suffix(1);
  if (t.empty()) return false;
  if (text::IsHan(At(t, 0))) return true;
  return text::IsHan(At(t, PrevStart(t, t.size())));
}

bool StartsOnWordBoundary(std::string_view s, std::size_t begin, std::size_t end) {
  // The run of Han characters around the term (at most 24 each side) is
  // what the segmenter needs to see to place the boundary.
  std::size_t from = begin;
  for (int n = 0; from > 0 && n < 24; ++n) {
    const std::size_t q = PrevStart(s, from);
    if (!text::IsHan(At(s, q))) break;
    from = q;
  }
  std::size_t to = end;
  for (int n = 0; to < s.size() && n < 24; ++n) {
    std::size_t p = to;
    if (!text::IsHan(text::DecodeUtf8(s, p))) break;
    to = p;
  }
  static const text::Segmenter segmenter;  // ICU dictionary words; thread-safe
  const std::string_view window = s.substr(from, to - from);
  bool begin_ok = from == begin;
  for (const auto& token : segmenter.Segment(window)) {
    const std::size_t offset = from + static_cast<std::size_t>(token.text.data() - window.data());
    const std::size_t token_end = offset + token.text.size();
    if (offset == begin) begin_ok = true;
    if (offset > begin && !begin_ok) return false;  // the term starts inside a word (多媒体, 转发微博)
    if (token_end <= end || offset >= end) continue;
    // The token holding the term's end runs past it: fine when what follows
    // is a particle (电|到了), not when it is another word (围着|火炉).
    if (offset == end) break;
    const std::string_view rest = s.substr(end, token_end - end);
    static const std::string_view kParticles[] = {"了", "的", "过", "着", "啊", "吗", "呢", "吧", "么", "了吗", "了吧"};
    return begin_ok && std::find(std::begin(kParticles), std::end(kParticles), rest) != std::end(kParticles);
  }
  return begin_ok;
}

bool AnyCovers(std::string_view s, std::size_t begin, std::size_t end, const std::vector<std::string>& words) {
  for (const auto& w : words) {
    std::size_t pos = s.find(w, begin >= w.size() ? begin - w.size() : 0);
    while (pos != std::string_view::npos && pos < end) {
      if (pos + w.size() > begin) return true;
      pos = s.find(w, pos + 1);
    }
  }
  return false;
}

bool IsStandaloneNumber(std::string_view s, std::size_t begin, std::size_t end, const std::vector<std::string>& units) {
  if (begin > 0) {
    const char32_t cp = At(s, PrevStart(s, begin));
    if (text::IsAsciiDigit(cp) || cp == U'#' || cp == U'$' || cp == U'¥' || cp == U'￥' || cp == U'第' ||
        cp == U'.' || cp == U'№')
      return false;
    const std::string_view before = s.substr(0, begin);
    if (before.ends_with("no.") || before.ends_with("no. ") || before.ends_with("no ") || before.ends_with("#"))
      return false;
  }
  std::size_t pos = end;
  while (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos < s.size() && (text::IsAsciiDigit(At(s, pos)) || (s[pos] == '.' && pos + 1 < s.size() &&
                                                            text::IsAsciiDigit(At(s, pos + 1)))))
    return false;
  for (const auto& u : units)
    if (!u.empty() && s.substr(pos, u.size()) == u) return false;
  return true;
}

bool CueBefore(std::string_view s, std::size_t begin, const std::vector<std::string>& cues, int window,
               bool stop_at_comma) {
  const std::size_t from = StepBack(s, begin, window, stop_at_comma, /*stop_at_sentence=*/true);
  const std::string_view span = s.substr(from, begin - from);
  for (const auto& cue : cues) {
    std::size_t pos = span.find(cue);
    while (pos != std::string_view::npos) {
      const std::size_t at = from + pos;
      if (WholeWordAt(s, at, cue) && !FollowedByTimeWord(s, at + cue.size())) return true;
      pos = span.find(cue, pos + 1);
    }
  }
  return false;
}

bool CueAfter(std::string_view s, std::size_t end, const std::vector<std::string>& cues, int window) {
  if (cues.empty()) return false;
  // The clause after the term, at most `window` units long.
  std::size_t to = end;
  int units = 0;
  while (to < s.size() && units < window) {
    std::size_t p = to;
    const char32_t cp = text::DecodeUtf8(s, p);
    if (IsSentenceEnd(cp) || IsComma(cp)) break;
    if (cp < 0x80 && IsAsciiAlnum(static_cast<unsigned char>(cp))) {
      while (p < s.size() && IsAsciiAlnum(static_cast<unsigned char>(s[p]))) ++p;
      ++units;
    } else if (text::IsHan(cp)) {
      ++units;
    }
    to = p;
  }
  const std::string_view span = s.substr(end, to - end);
  for (const auto& cue : cues) {
    std::size_t pos = span.find(cue);
    while (pos != std::string_view::npos) {
      if (WholeWordAt(s, end + pos, cue)) return true;
      pos = span.find(cue, pos + 1);
    }
  }
  return false;
}

std::pair<std::size_t, std::size_t> NearSpan(std::string_view s, std::size_t begin, std::size_t end, int near) {
  return {StepBack(s, begin, near, false, false), StepForward(s, end, near)};
}

const std::string* FirstWordIn(std::string_view s, std::size_t from, std::size_t to,
                               const std::vector<std::string>& words) {
  const std::string_view span = s.substr(from, to - from);
  for (const auto& w : words) {
    // "report*": a prefix (reported, reports), whole at its start only.
    const bool prefix = w.size() > 1 && w.back() == '*';
    const std::string_view bare = prefix ? std::string_view(w).substr(0, w.size() - 1) : std::string_view(w);
    std::size_t pos = span.find(bare);
    while (pos != std::string_view::npos) {
      const std::size_t at = from + pos;
      const bool start_ok = !(IsAsciiAlnum(static_cast<unsigned char>(bare.front())) && at > 0 &&
                              IsAsciiAlnum(static_cast<unsigned char>(s[at - 1])));
      if (prefix ? start_ok : WholeWordAt(s, at, bare)) return &w;
      pos = span.find(bare, pos + 1);
    }
  }
  return nullptr;
}

}  // namespace voc::triage::redline_context
