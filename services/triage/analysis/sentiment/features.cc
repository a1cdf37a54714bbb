#include "services/triage/analysis/sentiment/features.h"

#include <algorithm>
#include <cmath>

#include "services/triage/analysis/text/utf8.h"

namespace voc::triage::sentiment {
namespace {

// Seeds keep the feature families apart in the shared hash space.
constexpr std::uint64_t kCharSeed = 0x9E3779B97F4A7C15ull;
constexpr std::uint64_t kWordSeed = 0xC2B2AE3D27D4EB4Full;
constexpr std::uint64_t kSignalSeed = 0x165667B19E3779F9ull;
constexpr std::uint64_t kLastClauseSeed = 0x27D4EB2F165667C5ull;

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

std::uint32_t FeatureExtractor::WordIndex(std::string_view word) const {
  return static_cast<std::uint32_t>(StableHash(word, kWordSeed)) & mask_;
}

void FeatureExtractor::Extract(const text::NormalizedText& text, const std::vector<text::Token>& tokens,
                               std::vector<Feature>& out, double lexicon_raw) const {
  out.clear();
  thread_local std::vector<std::uint32_t> indices;
  thread_local std::vector<std::size_t> starts;
  indices.clear();

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
      indices.push_back(static_cast<std::uint32_t>(StableHash(gram, kCharSeed + n)) & mask_);
    }
  }

  // Word n-grams; punctuation tokens take part, so "good?" differs from "good!".
  std::uint64_t previous = 0;
  bool has_previous = false;
  for (const auto& token : tokens) {
    const std::uint64_t h = StableHash(WordKey(token), kWordSeed);
    indices.push_back(static_cast<std::uint32_t>(h) & mask_);
    if (options_.word_ngram_max >= 2 && has_previous) {
      indices.push_back(static_cast<std::uint32_t>(Mix(previous * 31 + h)) & mask_);
    }
    previous = h;
    has_previous = true;
  }

  if (options_.last_clause_words) {
    // Skip trailing punctuation, then walk back to the previous clause break.
    std::size_t end = tokens.size();
    while (end > 0 && tokens[end - 1].kind == text::TokenKind::kPunct) --end;
    std::size_t begin = end;
    while (begin > 0 && tokens[begin - 1].kind != text::TokenKind::kPunct) --begin;
    for (std::size_t i = begin; i < end; ++i) {
      indices.push_back(static_cast<std::uint32_t>(StableHash(WordKey(tokens[i]), kLastClauseSeed)) & mask_);
    }
  }

  // Intensity signals as coarse buckets.
  const auto signal = [&](std::string_view name, int value) {
    if (value <= 0) return;
    const std::string key = std::string(name) + std::to_string(std::min(value, 3));
    indices.push_back(static_cast<std::uint32_t>(StableHash(key, kSignalSeed)) & mask_);
  };
  signal("exclamations", text.exclamations);
  signal("questions", text.question_marks);
  signal("elongations", text.elongations);
  indices.push_back(static_cast<std::uint32_t>(StableHash("<bias>", kSignalSeed)) & mask_);

  std::sort(indices.begin(), indices.end());
  double norm = 0.0;
  for (std::size_t i = 0; i < indices.size();) {
    std::size_t j = i;
    while (j < indices.size() && indices[j] == indices[i]) ++j;
    const float count = static_cast<float>(j - i);
    const float value = options_.log_counts ? 1.0f + std::log(count) : count;
    out.push_back({indices[i], value});
    norm += static_cast<double>(value) * value;
    i = j;
  }
  if (norm > 0 && options_.l2_normalize) {
    const float inverse = static_cast<float>(1.0 / std::sqrt(norm));
    for (auto& f : out) f.value *= inverse;
  }
  // Added after normalisation so a long text does not dilute them.
  if (options_.lexicon_score) {
    int bin = 0;
    while (bin < static_cast<int>(std::size(kLexiconBins)) && lexicon_raw > kLexiconBins[bin]) ++bin;
    out.push_back({static_cast<std::uint32_t>(StableHash("lexicon_bin" + std::to_string(bin), kSignalSeed)) & mask_, 1.0f});
    out.push_back({static_cast<std::uint32_t>(StableHash("lexicon_tanh", kSignalSeed)) & mask_,
                   static_cast<float>(std::tanh(lexicon_raw / 2.0))});
  }
}

}  // namespace voc::triage::sentiment
