#include "services/triage/analysis/shared/multi_pattern_matcher.h"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <utility>

namespace voc::triage {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsAsciiWordChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9');
}

}  // namespace

std::uint32_t MultiPatternMatcher::Builder::Add(std::string_view pattern) {
  bool prefix = false;
  if (!pattern.empty() && pattern.back() == '*') {
    prefix = true;
    pattern.remove_suffix(1);
  }
  if (pattern.empty()) throw std::invalid_argument("empty pattern");
  Pattern p;
  p.bytes.reserve(pattern.size());
  for (char c : pattern) p.bytes.push_back(AsciiLower(c));
  p.word_start = IsAsciiWordChar(p.bytes.front());
  p.word_end = !prefix && IsAsciiWordChar(p.bytes.back());
  std::string key;
  key.push_back(static_cast<char>('0' + (p.word_start ? 1 : 0) + (p.word_end ? 2 : 0)));
  key += p.bytes;
  const auto [it, inserted] = index_.try_emplace(std::move(key), static_cast<std::uint32_t>(patterns_.size()));
  if (inserted) patterns_.push_back(std::move(p));
  return it->second;
}

MultiPatternMatcher MultiPatternMatcher::Builder::Build() const {
  MultiPatternMatcher m;
  // Alphabet compression: only bytes that occur in some pattern get their own
  // class; every other byte shares class 0. Upper-case ASCII shares the class
  // of its lower-case letter, which is what makes matching case-insensitive.
  std::array<bool, 256> used{};
  for (const Pattern& p : patterns_)
    for (char c : p.bytes) used[static_cast<unsigned char>(c)] = true;
  std::size_t next_class = 1;
  for (int b = 0; b < 256; ++b)
    if (used[b]) m.byte_class_[b] = static_cast<std::uint8_t>(next_class++);
  for (int b = 'A'; b <= 'Z'; ++b) m.byte_class_[b] = m.byte_class_[b - 'A' + 'a'];
  m.class_count_ = next_class;

  // Trie with sparse children while building.
  struct Node {
    std::vector<std::pair<std::uint8_t, std::int32_t>> children;
    std::vector<std::uint32_t> outputs;
    std::int32_t fail = 0;
  };
  std::vector<Node> trie(1);
  for (std::uint32_t id = 0; id < patterns_.size(); ++id) {
    std::int32_t state = 0;
    for (char c : patterns_[id].bytes) {
      const std::uint8_t cls = m.byte_class_[static_cast<unsigned char>(c)];
      auto& kids = trie[state].children;
      auto it = std::find_if(kids.begin(), kids.end(), [&](const auto& e) { return e.first == cls; });
      if (it != kids.end()) {
        state = it->second;
      } else {
        const auto child = static_cast<std::int32_t>(trie.size());
        kids.emplace_back(cls, child);
        trie.emplace_back();
        state = child;
      }
    }
    trie[state].outputs.push_back(id);
    m.pattern_length_.push_back(static_cast<std::uint32_t>(patterns_[id].bytes.size()));
    m.pattern_flags_.push_back(static_cast<std::uint8_t>((patterns_[id].word_start ? kWordStart : 0) |
                                                         (patterns_[id].word_end ? kWordEnd : 0)));
  }

  // Breadth-first: failure links and the full transition table. Outputs of a
  // state include those of its failure state, so the scan needs no link walk.
  const std::size_t classes = m.class_count_;
  m.state_count_ = trie.size();
  m.delta_.assign(trie.size() * classes, 0);
  std::deque<std::int32_t> queue;
  for (const auto& [cls, child] : trie[0].children) {
    m.delta_[cls] = child;
    trie[child].fail = 0;
    queue.push_back(child);
  }
  std::vector<std::int32_t> order;
  while (!queue.empty()) {
    const std::int32_t s = queue.front();
    queue.pop_front();
    order.push_back(s);
    const std::int32_t f = trie[s].fail;
    // Start from the failure state's row, then override with own children.
    std::copy_n(m.delta_.begin() + static_cast<std::ptrdiff_t>(f * classes), classes,
                m.delta_.begin() + static_cast<std::ptrdiff_t>(s * classes));
    for (const auto& [cls, child] : trie[s].children) {
      trie[child].fail = m.delta_[f * classes + cls];
      m.delta_[s * classes + cls] = child;
      queue.push_back(child);
    }
  }
  for (std::int32_t s : order) {  // BFS order: the fail state is already complete
    const auto& inherited = trie[trie[s].fail].outputs;
    trie[s].outputs.insert(trie[s].outputs.end(), inherited.begin(), inherited.end());
  }
  m.output_begin_.reserve(trie.size() + 1);
  for (const Node& n : trie) {
    m.output_begin_.push_back(static_cast<std::uint32_t>(m.output_ids_.size()));
    m.output_ids_.insert(m.output_ids_.end(), n.outputs.begin(), n.outputs.end());
  }
  m.output_begin_.push_back(static_cast<std::uint32_t>(m.output_ids_.size()));
  return m;
}

std::size_t MultiPatternMatcher::MemoryBytes() const {
  return delta_.size() * sizeof(std::int32_t) + output_begin_.size() * sizeof(std::uint32_t) +
         output_ids_.size() * sizeof(std::uint32_t) + pattern_length_.size() * sizeof(std::uint32_t) +
         pattern_flags_.size() + sizeof(*this);
}

}  // namespace voc::triage
