#include "services/triage/analysis/sentiment/linear_model.h"

#include "services/triage/analysis/text/utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

namespace voc::triage::sentiment {
namespace {

constexpr char kMagic[8] = {'V', 'O', 'C', 'L', 'I', 'N', '0', '2'};
constexpr char kMagicVersion1[8] = {'V', 'O', 'C', 'L', 'I', 'N', '0', '1'};

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// Per-class log-count ratios r[c][i] = log((p_ci/|p_c|) / (q_ci/|q_c|)), where p counts
// documents of class c holding feature i and q those of the other classes.
std::vector<float> NaiveBayesRatios(const std::vector<std::vector<Feature>>& examples,
                                    const std::vector<std::vector<int>>& labels, std::size_t buckets, int classes,
                                    double alpha) {
  std::vector<float> in_class(buckets * classes, 0.0f), total(buckets, 0.0f);
  for (std::size_t d = 0; d < examples.size(); ++d) {
    for (const auto& f : examples[d]) {
      for (const int y : labels[d]) in_class[f.index * classes + y] += 1.0f;
      total[f.index] += 1.0f;
    }
  }
  std::vector<double> sum_in(classes, 0.0), sum_out(classes, 0.0);
  for (std::size_t i = 0; i < buckets; ++i) {
    for (int c = 0; c < classes; ++c) {
      sum_in[c] += alpha + in_class[i * classes + c];
      sum_out[c] += alpha + total[i] - in_class[i * classes + c];
    }
  }
  std::vector<float> ratios(buckets * classes);
  for (std::size_t i = 0; i < buckets; ++i) {
    for (int c = 0; c < classes; ++c) {
      const double p = (alpha + in_class[i * classes + c]) / sum_in[c];
      const double q = (alpha + total[i] - in_class[i * classes + c]) / sum_out[c];
      ratios[i * classes + c] = static_cast<float>(std::log(p / q));
    }
  }
  return ratios;
}

}  // namespace

LinearModel::LinearModel(std::vector<std::string> labels, const FeatureOptions& feature_options, bool softmax)
    : labels_(std::move(labels)) {
  const std::size_t buckets = std::size_t{1} << feature_options.hash_bits;
  members_.push_back(Member{FeatureExtractor(feature_options), softmax,
                            std::vector<float>(buckets * labels_.size(), 0.0f),
                            std::vector<float>(labels_.size(), 0.0f)});
  for (std::size_t c = 0; c < labels_.size(); ++c) {
    if (labels_[c] == "negative") negative_label_ = static_cast<int>(c);
    if (labels_[c] == "neutral") neutral_label_ = static_cast<int>(c);
    if (labels_[c] == "positive") positive_label_ = static_cast<int>(c);
  }
}

std::unique_ptr<LinearModel> LinearModel::Train(const std::vector<std::vector<Feature>>& examples,
                                                const std::vector<int>& labels, std::vector<std::string> label_names,
                                                const FeatureOptions& feature_options,
                                                const TrainingOptions& options) {
  std::vector<std::vector<int>> sets;
  sets.reserve(labels.size());
  for (const int y : labels) sets.push_back({y});
  return TrainSets(examples, sets, std::move(label_names), feature_options, options, /*multi_label=*/false);
}

std::unique_ptr<LinearModel> LinearModel::TrainMultiLabel(const std::vector<std::vector<Feature>>& examples,
                                                          const std::vector<std::vector<int>>& label_sets,
                                                          std::vector<std::string> label_names,
                                                          const FeatureOptions& feature_options,
                                                          const TrainingOptions& options) {
  if (options.softmax) throw std::invalid_argument("a multi-label model cannot use the softmax objective");
  return TrainSets(examples, label_sets, std::move(label_names), feature_options, options, /*multi_label=*/true);
}

std::unique_ptr<LinearModel> LinearModel::TrainSets(const std::vector<std::vector<Feature>>& examples,
                                                    const std::vector<std::vector<int>>& labels,
                                                    std::vector<std::string> label_names,
                                                    const FeatureOptions& feature_options,
                                                    const TrainingOptions& options, bool multi_label) {
  if (examples.size() != labels.size() || examples.empty()) throw std::invalid_argument("no training examples");
  if (label_names.size() < (multi_label ? 1u : 2u)) throw std::invalid_argument("training needs at least two labels");
  for (const auto& set : labels)
    for (const int y : set)
      if (y < 0 || y >= static_cast<int>(label_names.size())) throw std::invalid_argument("label index out of range");
  std::unique_ptr<LinearModel> model(new LinearModel(std::move(label_names), feature_options, options.softmax));
  model->multi_label_ = multi_label;
  const int classes = static_cast<int>(model->labels_.size());
  const std::size_t buckets = std::size_t{1} << feature_options.hash_bits;

  std::vector<float> ratios;
  if (options.naive_bayes_scaling) ratios = NaiveBayesRatios(examples, labels, buckets, classes, options.nb_alpha);
  const auto ratio = [&](std::uint32_t index, int c) {
    return ratios.empty() ? 1.0f : ratios[static_cast<std::size_t>(index) * classes + c];
  };

  std::vector<double> class_weight(classes, 1.0);
  if (options.balance_classes) {
    std::vector<double> counts(classes, 0.0);
    for (const auto& set : labels)
      for (const int y : set) counts[y] += 1.0;
    for (int c = 0; c < classes; ++c) {
      class_weight[c] = counts[c] > 0 ? std::pow(examples.size() / (classes * counts[c]), options.balance_power) : 0.0;
    }
  }
  // Single-label examples are weighted by their class; multi-label ones (which
  // may have no label at all) by 1.
  const auto weight_of = [&](std::size_t d) {
    return multi_label || labels[d].empty() ? 1.0 : class_weight[labels[d].front()];
  };
  const auto has = [&](std::size_t d, int c) {
    return std::find(labels[d].begin(), labels[d].end(), c) != labels[d].end();
  };

  // AdaGrad over all classes at once: one-vs-rest sigmoids, or one softmax.
  std::vector<float> w(buckets * classes, 0.0f), accumulated(buckets * classes, 1e-8f);
  std::vector<double> b(classes, 0.0), b_accumulated(classes, 1e-8);
  std::vector<float> w_sum(options.average_epochs ? w.size() : 0, 0.0f);
  std::vector<double> b_sum(classes, 0.0);
  std::vector<std::size_t> order(examples.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 random(options.seed);
  std::vector<double> z(classes), g(classes);
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), random);
    double loss = 0.0;
    for (const std::size_t d : order) {
      const auto& x = examples[d];
      const double example_weight = weight_of(d);
      for (int c = 0; c < classes; ++c) {
        z[c] = b[c];
        for (const auto& f : x) z[c] += f.value * ratio(f.index, c) * w[static_cast<std::size_t>(f.index) * classes + c];
      }
      if (options.softmax) {
        const double top = *std::max_element(z.begin(), z.end());
        double sum = 0.0;
        for (int c = 0; c < classes; ++c) sum += (g[c] = std::exp(z[c] - top));
        for (int c = 0; c < classes; ++c) {
          const double p = g[c] / sum;
          if (has(d, c)) loss -= example_weight * std::log(std::max(p, 1e-12));
          g[c] = (p - (has(d, c) ? 1.0 : 0.0)) * example_weight;
        }
      } else {
        for (int c = 0; c < classes; ++c) {
          const double target = has(d, c) ? 1.0 : 0.0;
          const double p = Sigmoid(z[c]);
          loss -= example_weight * (target > 0 ? std::log(std::max(p, 1e-12)) : std::log(std::max(1 - p, 1e-12)));
          g[c] = (p - target) * example_weight;
        }
      }
      for (int c = 0; c < classes; ++c) {
        for (const auto& f : x) {
          const std::size_t k = static_cast<std::size_t>(f.index) * classes + c;
          const double grad = g[c] * f.value * ratio(f.index, c) + options.l2 * w[k];
          accumulated[k] += static_cast<float>(grad * grad);
          w[k] -= static_cast<float>(options.learning_rate * grad / std::sqrt(accumulated[k]));
        }
        b_accumulated[c] += g[c] * g[c];
        b[c] -= options.learning_rate * g[c] / std::sqrt(b_accumulated[c]);
      }
    }
    if (options.average_epochs) {
      for (std::size_t k = 0; k < w.size(); ++k) w_sum[k] += w[k];
      for (int c = 0; c < classes; ++c) b_sum[c] += b[c];
    }
    if (options.progress) {
      options.progress("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(options.epochs) +
                       " mean loss " + std::to_string(loss / examples.size()));
    }
  }
  if (options.average_epochs && options.epochs > 0) {
    for (std::size_t k = 0; k < w.size(); ++k) w[k] = w_sum[k] / options.epochs;
    for (int c = 0; c < classes; ++c) b[c] = b_sum[c] / options.epochs;
  }
  // Fold the ratios into the weights so prediction is a plain dot product.
  Member& member = model->members_.front();
  for (std::size_t i = 0; i < buckets; ++i) {
    for (int c = 0; c < classes; ++c) {
      const std::size_t k = i * classes + c;
      member.weights[k] = w[k] * ratio(static_cast<std::uint32_t>(i), c);
    }
  }
  for (int c = 0; c < classes; ++c) member.bias[c] = static_cast<float>(b[c]);
  return model;
}

std::unique_ptr<LinearModel> LinearModel::Ensemble(std::vector<std::unique_ptr<LinearModel>> members) {
  if (members.empty()) throw std::invalid_argument("an ensemble needs at least one model");
  std::unique_ptr<LinearModel> ensemble = std::move(members.front());
  for (std::size_t i = 1; i < members.size(); ++i) {
    if (members[i]->labels_ != ensemble->labels_) throw std::invalid_argument("ensemble members have different labels");
    if (members[i]->multi_label_ != ensemble->multi_label_)
      throw std::invalid_argument("ensemble members mix multi-label and single-label models");
    for (auto& member : members[i]->members_) ensemble->members_.push_back(std::move(member));
  }
  return ensemble;
}

bool LinearModel::NeedsLexicon() const {
  return std::any_of(members_.begin(), members_.end(),
                     [](const Member& m) { return m.extractor.options().lexicon_score; });
}

std::size_t LinearModel::MemoryBytes() const {
  std::size_t bytes = 0;
  for (const auto& m : members_) bytes += (m.weights.size() + m.bias.size()) * sizeof(float);
  return bytes;
}

void LinearModel::MemberProbabilities(const Member& member, const std::vector<Feature>& features,
                                      std::vector<double>& out) const {
  const std::size_t classes = labels_.size();
  out.assign(member.bias.begin(), member.bias.end());
  const float* weights = member.weights.data();
  for (const auto& f : features) {
    const float* row = weights + static_cast<std::size_t>(f.index) * classes;
    for (std::size_t c = 0; c < classes; ++c) out[c] += f.value * row[c];
  }
  double sum = 0.0;
  if (member.softmax) {
    const double top = *std::max_element(out.begin(), out.end());
    for (auto& p : out) sum += (p = std::exp(p - top));
  } else {
    for (auto& p : out) sum += (p = Sigmoid(p));
    if (multi_label_) return;  // each label is its own yes/no
  }
  for (auto& p : out) p /= sum;
}

void LinearModel::Probabilities(const std::vector<Feature>& features, std::vector<double>& out) const {
  MemberProbabilities(members_.front(), features, out);
}

LinearModel::Prediction LinearModel::Predict(const std::vector<Feature>& features) const {
  thread_local std::vector<double> probabilities;
  Probabilities(features, probabilities);
  const auto best = std::max_element(probabilities.begin(), probabilities.end());
  return {static_cast<int>(best - probabilities.begin()), *best};
}

void LinearModel::ExtractFor(const Member& member, const NormalizedText& text, const std::vector<Token>& tokens,
                             std::vector<Feature>& out, double& lexicon_raw) const {
  if (member.extractor.options().lexicon_score && std::isnan(lexicon_raw)) {
    if (!lexicon_) throw std::logic_error("this model was trained with lexicon features: AttachLexicon() first");
    lexicon_raw = lexicon_->RawScore(text, tokens);
  }
  member.extractor.Extract(text, tokens, out, std::isnan(lexicon_raw) ? 0.0 : lexicon_raw);
}

void LinearModel::Extract(const NormalizedText& text, const std::vector<Token>& tokens,
                          std::vector<Feature>& out) const {
  double lexicon_raw = std::numeric_limits<double>::quiet_NaN();
  ExtractFor(members_.front(), text, tokens, out, lexicon_raw);
}

void LinearModel::Probabilities(const NormalizedText& text, const std::vector<Token>& tokens,
                                std::vector<double>& out) const {
  AllProbabilities(text, tokens, std::numeric_limits<double>::quiet_NaN(), out);
}

void LinearModel::AllProbabilities(const NormalizedText& text, const std::vector<Token>& tokens, double lexicon_raw,
                                   std::vector<double>& out) const {
  thread_local std::vector<Feature> features;
  thread_local std::vector<double> member_probabilities;
  out.assign(labels_.size(), 0.0);
  for (const auto& member : members_) {
    ExtractFor(member, text, tokens, features, lexicon_raw);
    MemberProbabilities(member, features, member_probabilities);
    for (std::size_t c = 0; c < out.size(); ++c) out[c] += member_probabilities[c] / members_.size();
  }
}

LinearModel::Prediction LinearModel::Predict(const NormalizedText& text, const std::vector<Token>& tokens) const {
  thread_local std::vector<double> probabilities;
  Probabilities(text, tokens, probabilities);
  const auto best = std::max_element(probabilities.begin(), probabilities.end());
  return {static_cast<int>(best - probabilities.begin()), *best};
}

SentimentResult LinearModel::Score(const NormalizedText& text, const std::vector<Token>& tokens) const {
  thread_local std::vector<double> probabilities;
  AllProbabilities(text, tokens, std::numeric_limits<double>::quiet_NaN(), probabilities);
  return ScoreFromProbabilities(probabilities, text, tokens, /*want_evidence=*/true);
}

SentimentResult LinearModel::Score(const NormalizedText& text, const std::vector<Token>& tokens,
                                   double lexicon_raw, bool want_evidence) const {
  thread_local std::vector<double> probabilities;
  AllProbabilities(text, tokens, lexicon_raw, probabilities);
  return ScoreFromProbabilities(probabilities, text, tokens, want_evidence);
}

SentimentResult LinearModel::ScoreFromProbabilities(const std::vector<double>& probabilities,
                                                    const NormalizedText& text, const std::vector<Token>& tokens,
                                                    bool want_evidence) const {
  const int best = static_cast<int>(std::max_element(probabilities.begin(), probabilities.end()) - probabilities.begin());

  SentimentResult result;
  const double positive = positive_label_ >= 0 ? probabilities[positive_label_] : 0.0;
  const double negative = negative_label_ >= 0 ? probabilities[negative_label_] : 0.0;
  result.score = std::clamp(positive - negative, -1.0, 1.0);
  if (best == negative_label_) {
    result.label = SentimentLabel::kNegative;
  } else if (best == positive_label_) {
    result.label = SentimentLabel::kPositive;
  } else {
    result.label = SentimentLabel::kNeutral;
  }
  if (result.label == SentimentLabel::kNegative) {
    result.intensity = negative > 0.9 ? kIntensityComplaint : kIntensityGrumble;
    if (text.exclamations >= 2 || text.elongations > 0) result.intensity = std::min(result.intensity + 1, kIntensityAnger);
  }

  if (!want_evidence) return result;
  // Evidence: words whose unigram weight (first member) for the predicted label is largest.
  const std::size_t classes = labels_.size();
  const Member& first = members_.front();
  std::vector<std::pair<double, std::string_view>> words;
  for (const auto& token : tokens) {
    if (token.kind != text::TokenKind::kHan && token.kind != text::TokenKind::kWord && token.kind != text::TokenKind::kEmoji) continue;
    const double weight = first.weights[static_cast<std::size_t>(first.extractor.WordIndex(token.text)) * classes + best];
    if (weight > 0) words.emplace_back(weight, token.text);
  }
  std::sort(words.begin(), words.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [weight, word] : words) {
    if (result.evidence.size() >= 5) break;
    if (std::find(result.evidence.begin(), result.evidence.end(), word) == result.evidence.end()) {
      result.evidence.emplace_back(word);
    }
  }
  return result;
}

int LinearModel::LabelIndex(std::string_view name) const {
  const auto it = std::find(labels_.begin(), labels_.end(), name);
  return it == labels_.end() ? -1 : static_cast<int>(it - labels_.begin());
}

std::vector<std::string> LinearModel::Explain(const NormalizedText& text, const std::vector<Token>& tokens, int label,
                                              int against, std::size_t limit) const {
  std::vector<std::string> out;
  if (label < 0 || label >= static_cast<int>(labels_.size()) || against >= static_cast<int>(labels_.size())) return out;
  const std::size_t classes = labels_.size();
  const Member& first = members_.front();
  const FeatureExtractor& extractor = first.extractor;
  const auto weight = [&](std::uint32_t index) {
    const float* row = first.weights.data() + static_cast<std::size_t>(index) * classes;
    return static_cast<double>(row[label]) - (against >= 0 ? row[against] : 0.0);
  };
  std::vector<std::pair<double, std::string_view>> units;
  for (const auto& token : tokens) {
    if (token.kind != text::TokenKind::kWord && token.kind != text::TokenKind::kEmoji &&
        !(token.kind == text::TokenKind::kHan && text::CountCodePoints(token.text) >= 2))
      continue;
    units.emplace_back(weight(extractor.WordIndex(token.text)), token.text);
  }
  // Chinese is read mostly through character n-grams: score those of two or
  // more characters inside each Han run.
  const std::string& s = text.text;
  const int max_n = extractor.options().char_ngram_max;
  std::vector<std::size_t> starts;
  for (std::size_t pos = 0; pos < s.size();) {
    const std::size_t run_begin = pos;
    const char32_t cp = text::DecodeUtf8(s, pos);
    if (cp < 0x3400 || cp > 0x9FFF) continue;
    starts.assign(1, run_begin);
    starts.push_back(pos);
    while (pos < s.size()) {
      std::size_t next = pos;
      const char32_t c = text::DecodeUtf8(s, next);
      if (c < 0x3400 || c > 0x9FFF) break;
      pos = next;
      starts.push_back(pos);
    }
    const std::size_t chars = starts.size() - 1;
    for (int n = std::max(2, extractor.options().char_ngram_min); n <= max_n; ++n) {
      for (std::size_t i = 0; i + n <= chars; ++i) {
        const std::string_view gram(s.data() + starts[i], starts[i + n] - starts[i]);
        units.emplace_back(weight(extractor.CharNgramIndex(gram, n)), gram);
      }
    }
  }
  std::stable_sort(units.begin(), units.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [w, unit] : units) {
    if (out.size() >= limit || w <= 0) break;
    const bool covered = std::any_of(out.begin(), out.end(), [&](const std::string& kept) {
      return kept.find(unit) != std::string::npos || unit.find(kept) != std::string_view::npos;
    });
    if (!covered) out.emplace_back(unit);
  }
  return out;
}

namespace {

nlohmann::json FeaturesToJson(const FeatureOptions& f) {
  nlohmann::json j = {{"hash_bits", f.hash_bits},
          {"char_ngram_min", f.char_ngram_min},
          {"char_ngram_max", f.char_ngram_max},
          {"word_ngram_max", f.word_ngram_max},
          {"log_counts", f.log_counts},
          {"last_clause_words", f.last_clause_words},
          {"lexicon_score", f.lexicon_score},
          {"l2_normalize", f.l2_normalize},
          {"negation_scope", f.negation_scope},
          {"fold_mentions", f.fold_mentions},
          {"word_char_ngram_min", f.word_char_ngram_min},
          {"word_char_ngram_max", f.word_char_ngram_max}};
  if (!f.cues.empty()) {
    j["cue_weight"] = f.cue_weight;
    j["cues"] = nlohmann::json::array();
    for (const auto& cue : f.cues) j["cues"].push_back({{"name", cue.name}, {"any", cue.any}, {"with", cue.with}});
  }
  return j;
}

FeatureOptions FeaturesFromJson(const nlohmann::json& jf, const std::string& path) {
  FeatureOptions f;
  f.hash_bits = jf.at("hash_bits");
  f.char_ngram_min = jf.at("char_ngram_min");
  f.char_ngram_max = jf.at("char_ngram_max");
  f.word_ngram_max = jf.at("word_ngram_max");
  f.log_counts = jf.at("log_counts");
  f.last_clause_words = jf.value("last_clause_words", false);
  f.lexicon_score = jf.value("lexicon_score", false);
  f.l2_normalize = jf.value("l2_normalize", true);
  f.negation_scope = jf.value("negation_scope", false);
  f.fold_mentions = jf.value("fold_mentions", false);
  f.word_char_ngram_min = jf.value("word_char_ngram_min", 0);
  f.word_char_ngram_max = jf.value("word_char_ngram_max", 0);
  f.cue_weight = jf.value("cue_weight", 3.0f);
  if (jf.contains("cues")) {
    for (const auto& c : jf.at("cues")) {
      f.cues.push_back({c.at("name").get<std::string>(), c.at("any").get<std::vector<std::string>>(),
                        c.value("with", std::vector<std::string>{})});
    }
  }
  if (f.hash_bits < 8 || f.hash_bits > 26) throw std::runtime_error(path + ": bad hash_bits");
  return f;
}

}  // namespace

// File layout: magic, uint32 header size, JSON header, then per member its
// float32 bias[labels] and weights[buckets * labels]. VOCLIN01 files (one
// member, "features" in the header) still load.
void LinearModel::Save(const std::string& path) const {
  nlohmann::json header;
  header["labels"] = labels_;
  header["segmentation"] = segmentation_;
  if (multi_label_) header["multi_label"] = true;
  header["members"] = nlohmann::json::array();
  for (const auto& m : members_) {
    header["members"].push_back({{"features", FeaturesToJson(m.extractor.options())}, {"softmax", m.softmax}});
  }
  const std::string header_text = header.dump();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write model file " + path);
  out.write(kMagic, sizeof(kMagic));
  const std::uint32_t header_size = static_cast<std::uint32_t>(header_text.size());
  out.write(reinterpret_cast<const char*>(&header_size), sizeof(header_size));
  out.write(header_text.data(), header_text.size());
  for (const auto& m : members_) {
    out.write(reinterpret_cast<const char*>(m.bias.data()), m.bias.size() * sizeof(float));
    out.write(reinterpret_cast<const char*>(m.weights.data()), m.weights.size() * sizeof(float));
  }
  if (!out) throw std::runtime_error("failed writing model file " + path);
}

std::unique_ptr<LinearModel> LinearModel::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open model file " + path);
  char magic[sizeof(kMagic)] = {};
  in.read(magic, sizeof(magic));
  const bool version1 = in && std::memcmp(magic, kMagicVersion1, sizeof(kMagic)) == 0;
  if (!in || (!version1 && std::memcmp(magic, kMagic, sizeof(kMagic)) != 0)) {
    throw std::runtime_error(path + " is not a VoC linear model");
  }
  std::uint32_t header_size = 0;
  in.read(reinterpret_cast<char*>(&header_size), sizeof(header_size));
  if (!in || header_size > (1u << 24)) throw std::runtime_error(path + ": corrupt header");
  std::string header_text(header_size, '\0');
  in.read(header_text.data(), header_size);
  if (!in) throw std::runtime_error(path + ": truncated header");
  // A header that parses but lacks or mistypes a field is as corrupt as one
  // that does not parse: either way the file is refused with its path.
  try {
    const nlohmann::json header = nlohmann::json::parse(header_text);
    const auto labels = header.at("labels").get<std::vector<std::string>>();
    if (labels.empty()) throw std::runtime_error(path + ": corrupt header: no labels");
    std::vector<nlohmann::json> members;
    if (version1) {
      members.push_back({{"features", header.at("features")}, {"softmax", false}});
    } else {
      for (const auto& m : header.at("members")) members.push_back(m);
    }
    if (members.empty()) throw std::runtime_error(path + ": no members");
    const bool multi_label = header.value("multi_label", false);
    std::vector<std::unique_ptr<LinearModel>> parts;
    for (const auto& m : members) {
      std::unique_ptr<LinearModel> part(
          new LinearModel(labels, FeaturesFromJson(m.at("features"), path), m.value("softmax", false)));
      part->multi_label_ = multi_label;
      Member& member = part->members_.front();
      in.read(reinterpret_cast<char*>(member.bias.data()), member.bias.size() * sizeof(float));
      in.read(reinterpret_cast<char*>(member.weights.data()), member.weights.size() * sizeof(float));
      if (!in) throw std::runtime_error(path + ": truncated model file");
      parts.push_back(std::move(part));
    }
    if (in.peek() != std::char_traits<char>::eof()) throw std::runtime_error(path + ": trailing bytes after the weights");
    auto model = Ensemble(std::move(parts));
    model->segmentation_ = header.value("segmentation", std::string("icu"));
    return model;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": corrupt header: " + e.what());
  }
}

}  // namespace voc::triage::sentiment
