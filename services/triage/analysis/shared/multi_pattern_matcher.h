// MultiPatternMatcher: finds every occurrence of many literal byte patterns in
// one left-to-right pass (Aho-Corasick compiled to a dense DFA).
//
// Why our own automaton rather than Hyperscan: the dictionaries are small
// (thousands of literals), texts are short (tens of bytes), and a plain table
// walk needs no per-thread scratch space, so a const matcher is trivially
// shared across threads and swapped on reload.
//
// Pattern syntax (see Builder::Add):
//   * ASCII letters are matched case-insensitively.
//   * A pattern that starts with an ASCII letter or digit only matches at the
//     start of a word (the byte before is not an ASCII letter or digit); one
//     that ends with one only matches at the end of a word, unless it is
//     written with a trailing '*' ("delay*" matches "delayed", "delays").
//     So "late" does not fire inside "chocolate". Chinese has no word
//     boundaries, so CJK patterns match anywhere.
//
// Thread safety: a built matcher is immutable; ForEachMatch() may be called
// from any number of threads at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace voc::triage {

class MultiPatternMatcher {
 public:
  // Collects patterns; Build() compiles them.
  class Builder {
   public:
    // Adds a pattern (syntax above) and returns its id. Identical patterns
    // (same bytes after lower-casing, same boundary rules) share one id.
    // Ids are dense, starting at 0, in order of first addition.
    // An empty pattern (or a lone "*") is rejected with std::invalid_argument.
    std::uint32_t Add(std::string_view pattern);

    std::size_t size() const { return patterns_.size(); }
    MultiPatternMatcher Build() const;

   private:
    struct Pattern {
      std::string bytes;  // lower-cased, without the trailing '*'
      bool word_start = false;
      bool word_end = false;
    };
    std::vector<Pattern> patterns_;
    std::unordered_map<std::string, std::uint32_t> index_;  // key: flags + bytes
    friend class MultiPatternMatcher;
  };

  MultiPatternMatcher() = default;

  std::size_t pattern_count() const { return pattern_length_.size(); }
  std::size_t state_count() const { return state_count_; }
  // Bytes held by the automaton's tables (for memory reporting).
  std::size_t MemoryBytes() const;

  // Calls on_match(pattern_id, begin, end) for every occurrence, where
  // [begin, end) is the byte span in `text`. Occurrences are reported in order
  // of their end offset; overlapping occurrences are all reported.
  template <typename OnMatch>
  void ForEachMatch(std::string_view text, OnMatch&& on_match) const {
    if (state_count_ == 0) return;
    const std::int32_t* delta = delta_.data();
    const std::size_t classes = class_count_;
    std::int32_t state = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i < text.size(); ++i) {
      state = delta[static_cast<std::size_t>(state) * classes + byte_class_[bytes[i]]];
      const std::uint32_t first = output_begin_[state];
      const std::uint32_t last = output_begin_[state + 1];
      for (std::uint32_t k = first; k < last; ++k) {
        const std::uint32_t id = output_ids_[k];
        const std::size_t end = i + 1;
        const std::size_t begin = end - pattern_length_[id];
        if (!BoundariesHold(id, text, begin, end)) continue;
        on_match(id, begin, end);
      }
    }
  }

 private:
  static bool IsAsciiWordByte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  bool BoundariesHold(std::uint32_t id, std::string_view text, std::size_t begin,
                      std::size_t end) const {
    const std::uint8_t flags = pattern_flags_[id];
    if ((flags & kWordStart) && begin > 0 &&
        IsAsciiWordByte(static_cast<unsigned char>(text[begin - 1])))
      return false;
    if ((flags & kWordEnd) && end < text.size() &&
        IsAsciiWordByte(static_cast<unsigned char>(text[end])))
      return false;
    return true;
  }

  static constexpr std::uint8_t kWordStart = 1;
  static constexpr std::uint8_t kWordEnd = 2;

  std::array<std::uint8_t, 256> byte_class_{};
  std::size_t class_count_ = 0;
  std::size_t state_count_ = 0;
  std::vector<std::int32_t> delta_;           // state * class_count_ + class -> state
  std::vector<std::uint32_t> output_begin_;   // state -> first index in output_ids_
  std::vector<std::uint32_t> output_ids_;     // pattern ids ending at each state
  std::vector<std::uint32_t> pattern_length_;
  std::vector<std::uint8_t> pattern_flags_;
};

}  // namespace voc::triage
