#include "services/triage/analysis/sentiment/features.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "services/triage/analysis/text/utf8.h"

namespace voc::triage::sentiment {
namespace {

// Seeds keep the feature families apart in the shared hash space.
constexpr std::uint64_t kCharSeed = 0x9E3779B97F4A7C15ull;
constexpr std::uint64_t kWordSeed = 0xC2B2AE3D27D4EB4Full;
constexpr std::uint64_t kSignalSeed = 0x165667B19E3779F9ull;
constexpr std::uint64_t kLastClauseSeed = 0x27D4EB2F165667C5ull;
constexpr std::uint64_t kNegatedSeed = 0x85EBCA77C2B2AE63ull;
constexpr std::uint64_t kWordCharSeed = 0x94D049BB133111EBull;
constexpr std::uint64_t kCueSeed = 0xD6E8FEB86659FD93ull;
constexpr std::size_t kMaxCues = 32;

// Coarse bins of the lexicon score: the trained model learns how far to trust each.
constexpr double kLexiconBins[] = {-4.0, -2.0, -1.0, -0.25, 0.25, 1.0, 2.0, 4.0};

std::uint64_t Mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return h;
}

// Words that only name something ("@united", a URL, a number) are folded to a
// class so the model learns "a number was given", not which number.
std::string_view WordKey(const text::Token& token) {
  switch (token.kind) {
    case text::TokenKind::kUrl: return "<url>";
    case text::TokenKind::kNumber: return token.text.size() <= 1 ? token.text : std::string_view("<num>");
    default: return token.text;
  }
}

}  // namespace

std::uint64_t StableHash(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t h = 0xCBF29CE484222325ull ^ seed;  // FNV-1a, then a finaliser for better low bits
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ull;
  }
  return Mix(h);
}

std::vector<KeywordCue> LoadKeywordCues(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open keyword cue file " + path);
  std::vector<KeywordCue> cues;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::size_t begin = 0;
    while (true) {
      const std::size_t tab = line.find('\t', begin);
      fields.push_back(line.substr(begin, tab == std::string::npos ? std::string::npos : tab - begin));
      if (tab == std::string::npos) break;
      begin = tab + 1;
    }
    const auto words = [](const std::string& field) {
      std::vector<std::string> out;
      std::istringstream split(field);
      for (std::string w; split >> w;) {
        for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.push_back(std::move(w));
      }
      return out;
    };
    KeywordCue cue;
    if (fields.size() >= 2 && fields.size() <= 3) {
      cue.name = fields[0];
      cue.any = words(fields[1]);
      if (fields.size() == 3) cue.with = words(fields[2]);
    }
    if (cue.name.empty() || cue.any.empty()) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": expected name<TAB>words<TAB>[words]");
    }
    cues.push_back(std::move(cue));
    if (cues.size() > kMaxCues) throw std::runtime_error(path + ": more than 32 cues");
  }
  return cues;
}

FeatureExtractor::FeatureExtractor(FeatureOptions options)
    : options_(std::move(options)), mask_((1u << options_.hash_bits) - 1) {
  if (options_.cues.empty()) return;
  if (options_.cues.size() > kMaxCues) throw std::invalid_argument("at most 32 keyword cues");
  auto words = std::make_shared<std::unordered_map<std::string, std::uint64_t>>();
  for (std::size_t i = 0; i < options_.cues.size(); ++i) {
    for (const auto& w : options_.cues[i].any) (*words)[w] |= std::uint64_t{1} << (2 * i);
    for (const auto& w : options_.cues[i].with) (*words)[w] |= std::uint64_t{1} << (2 * i + 1);
    cue_indices_.push_back(static_cast<std::uint32_t>(StableHash(options_.cues[i].name, kCueSeed)) & mask_);
  }
  cue_words_ = std::move(words);
}

std::uint32_t FeatureExtractor::WordIndex(std::string_view word) const {
  return static_cast<std::uint32_t>(StableHash(word, kWordSeed)) & mask_;
}

std::uint32_t FeatureExtractor::CharNgramIndex(std::string_view gram, int n) const {
  return static_cast<std::uint32_t>(StableHash(gram, kCharSeed + n)) & mask_;
}

namespace {

// English words that open a negation scope for FeatureOptions::negation_scope.
bool IsEnglishNegator(std::string_view word) {
  static constexpr std::string_view kNegators[] = {"not", "no", "never", "cannot", "cant", "dont", "didnt", "doesnt",
                                                    "isnt", "wasnt", "arent", "wont", "nothing", "nobody", "nowhere",
                                                    "without", "neither", "nor", "hardly"};
  if (word.ends_with("n't")) return true;
  for (const auto n : kNegators) {
    if (word == n) return true;
  }
  return false;
}

// Merges repeated feature indices without sorting: an open-addressing table
// that is reused across documents (only the slots a document used are reset).
class IndexCounter {
 public:
  template <typename Emit>
  void Count(const std::vector<std::uint32_t>& indices, Emit&& emit) {
    std::size_t capacity = 64;
    while (capacity < indices.size() * 2) capacity *= 2;
    if (keys_.size() < capacity) {
      keys_.assign(capacity, kEmpty);
      counts_.assign(capacity, 0);
    }
    const std::size_t mask = capacity - 1;
    used_.clear();
    for (const std::uint32_t index : indices) {
      std::size_t slot = (index * 0x9E3779B1u) & mask;
      while (keys_[slot] != kEmpty && keys_[slot] != index) slot = (slot + 1) & mask;
      if (keys_[slot] == kEmpty) {
        keys_[slot] = index;
        used_.push_back(static_cast<std::uint32_t>(slot));
      }
      ++counts_[slot];
    }
    for (const std::uint32_t slot : used_) {
      emit(keys_[slot], counts_[slot]);
      keys_[slot] = kEmpty;
      counts_[slot] = 0;
    }
  }

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;  // never a bucket: hash_bits <= 26
  std::vector<std::uint32_t> keys_, counts_, used_;
};

}  // namespace

void FeatureExtractor::Extract(const text::NormalizedText& text, const std::vector<text::Token>& tokens,
                               std::vector<Feature>& out, double lexicon_raw) const {
  out.clear();
  thread_local std::vector<std::uint32_t> indices;
  thread_local std::vector<std::size_t> starts;
  thread_local IndexCounter counter;
  indices.clear();
  const auto add = [&](std::uint64_t hash) { indices.push_back(static_cast<std::uint32_t>(hash) & mask_); };

  // Character n-grams over code points; a space is a character too, so n-grams
  // see word boundaries in English.
  const std::string& s = text.text;
  starts.clear();
  for (std::size_t pos = 0; pos < s.size();) {
    starts.push_back(pos);
    text::DecodeUtf8(s, pos);
  }
  starts.push_back(s.size());
  const std::size_t chars = starts.size() - 1;
  for (int n = options_.char_ngram_min; n <= options_.char_ngram_max; ++n) {
    for (std::size_t i = 0; i + n <= chars; ++i) {
      const std::string_view gram(s.data() + starts[i], starts[i + n] - starts[i]);
      if (n == 1 && gram == " ") continue;
      add(StableHash(gram, kCharSeed + n));
    }
  }

  // Word n-grams; punctuation tokens take part, so "good?" differs from "good!".
  std::uint64_t previous = 0;
  bool has_previous = false;
  bool negated = false;
  thread_local std::string marked;
  for (const auto& token : tokens) {
    std::string_view key = WordKey(token);
    if (options_.fold_mentions && token.kind == text::TokenKind::kWord && key.starts_with('@')) key = "<user>";
    const std::uint64_t h = StableHash(key, kWordSeed);
    add(h);
    if (options_.word_ngram_max >= 2 && has_previous) add(Mix(previous * 31 + h));
    previous = h;
    has_previous = true;
    if (options_.negation_scope) {
      if (token.kind == text::TokenKind::kPunct) {
        negated = false;
      } else if (token.kind == text::TokenKind::kWord) {
        if (negated) add(StableHash(key, kNegatedSeed));
        if (IsEnglishNegator(key)) negated = true;
      }
    }
    if (options_.word_char_ngram_max > 0 && token.kind == text::TokenKind::kWord && !key.starts_with('@')) {
      marked.assign("<").append(key).append(">");  // English words are ASCII after normalisation
      const int length = static_cast<int>(marked.size());
      for (int n = options_.word_char_ngram_min; n <= options_.word_char_ngram_max && n < length; ++n) {
        for (int i = 0; i + n <= length; ++i) add(StableHash(std::string_view(marked).substr(i, n), kWordCharSeed + n));
      }
    }
  }

  if (options_.last_clause_words) {
    // Skip trailing punctuation, then walk back to the previous clause break.
    std::size_t end = tokens.size();
    while (end > 0 && tokens[end - 1].kind == text::TokenKind::kPunct) --end;
    std::size_t begin = end;
    while (begin > 0 && tokens[begin - 1].kind != text::TokenKind::kPunct) --begin;
    for (std::size_t i = begin; i < end; ++i) add(StableHash(WordKey(tokens[i]), kLastClauseSeed));
  }

  // Intensity signals as coarse buckets.
  const auto signal = [&](std::string_view name, int value) {
    if (value <= 0) return;
    char key[32];
    const std::size_t length = std::min(name.size(), sizeof(key) - 2);
    std::copy_n(name.data(), length, key);
    key[length] = static_cast<char>('0' + std::min(value, 3));
    add(StableHash(std::string_view(key, length + 1), kSignalSeed));
  };
  signal("exclamations", text.exclamations);
  signal("questions", text.question_marks);
  signal("elongations", text.elongations);
  add(StableHash("<bias>", kSignalSeed));

  double norm = 0.0;
  counter.Count(indices, [&](std::uint32_t index, std::uint32_t count) {
    const float value = options_.log_counts ? 1.0f + std::log(static_cast<float>(count)) : static_cast<float>(count);
    out.push_back({index, value});
    norm += static_cast<double>(value) * value;
  });
  if (norm > 0 && options_.l2_normalize) {
    const float inverse = static_cast<float>(1.0 / std::sqrt(norm));
    for (auto& f : out) f.value *= inverse;
  }
  // Added after normalisation so a long text does not dilute them.
  if (cue_words_) {
    std::uint64_t seen = 0;
    thread_local std::string key;
    for (const auto& token : tokens) {
      if (token.kind != text::TokenKind::kWord) continue;
      std::string_view word = token.text;
      if (word.starts_with('#')) word.remove_prefix(1);
      key.assign(word);
      if (auto it = cue_words_->find(key); it != cue_words_->end()) seen |= it->second;
    }
    for (std::size_t i = 0; seen != 0 && i < options_.cues.size(); ++i) {
      const bool any = seen >> (2 * i) & 1;
      const bool with = options_.cues[i].with.empty() || (seen >> (2 * i + 1) & 1);
      if (any && with) out.push_back({cue_indices_[i], options_.cue_weight});
    }
  }
  if (options_.lexicon_score) {
    int bin = 0;
    while (bin < static_cast<int>(std::size(kLexiconBins)) && lexicon_raw > kLexiconBins[bin]) ++bin;
    out.push_back({static_cast<std::uint32_t>(StableHash("lexicon_bin" + std::to_string(bin), kSignalSeed)) & mask_, 1.0f});
    out.push_back({static_cast<std::uint32_t>(StableHash("lexicon_tanh", kSignalSeed)) & mask_,
                   static_cast<float>(std::tanh(lexicon_raw / 2.0))});
  }
}

}  // namespace voc::triage::sentiment
