#include "services/triage/analysis/sentiment/linear_model.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>
#include <stdexcept>

namespace voc::triage::sentiment {
namespace {

constexpr char kMagic[8] = {'V', 'O', 'C', 'L', 'I', 'N', '0', '1'};

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// Per-class log-count ratios r[c][i] = log((p_ci/|p_c|) / (q_ci/|q_c|)), where p counts
// documents of class c holding feature i and q those of the other classes.
std::vector<float> NaiveBayesRatios(const std::vector<std::vector<Feature>>& examples, const std::vector<int>& labels,
                                    std::size_t buckets, int classes, double alpha) {
  std::vector<float> in_class(buckets * classes, 0.0f), total(buckets, 0.0f);
  for (std::size_t d = 0; d < examples.size(); ++d) {
    for (const auto& f : examples[d]) {
      in_class[f.index * classes + labels[d]] += 1.0f;
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

LinearModel::LinearModel(std::vector<std::string> labels, const FeatureOptions& feature_options)
    : labels_(std::move(labels)), extractor_(feature_options) {
  const std::size_t buckets = std::size_t{1} << feature_options.hash_bits;
  weights_.assign(buckets * labels_.size(), 0.0f);
  bias_.assign(labels_.size(), 0.0f);
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
  if (examples.size() != labels.size() || examples.empty()) throw std::invalid_argument("no training examples");
  if (label_names.size() < 2) throw std::invalid_argument("training needs at least two labels");
  std::unique_ptr<LinearModel> model(new LinearModel(std::move(label_names), feature_options));
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
    for (const int y : labels) counts[y] += 1.0;
    for (int c = 0; c < classes; ++c) class_weight[c] = counts[c] > 0 ? examples.size() / (classes * counts[c]) : 0.0;
  }

  // One-vs-rest logistic regressions trained together with AdaGrad.
  std::vector<float> w(buckets * classes, 0.0f), accumulated(buckets * classes, 1e-8f);
  std::vector<double> b(classes, 0.0), b_accumulated(classes, 1e-8);
  std::vector<float> w_sum(options.average_epochs ? w.size() : 0, 0.0f);
  std::vector<double> b_sum(classes, 0.0);
  std::vector<std::size_t> order(examples.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 random(options.seed);
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), random);
    double loss = 0.0;
    for (const std::size_t d : order) {
      const auto& x = examples[d];
      for (int c = 0; c < classes; ++c) {
        double z = b[c];
        for (const auto& f : x) z += f.value * ratio(f.index, c) * w[static_cast<std::size_t>(f.index) * classes + c];
        const double target = labels[d] == c ? 1.0 : 0.0;
        const double p = Sigmoid(z);
        // For a binary task one-vs-rest repeats the same problem mirrored: weight it once.
        const double example_weight = class_weight[labels[d]];
        loss -= example_weight * (target > 0 ? std::log(std::max(p, 1e-12)) : std::log(std::max(1 - p, 1e-12)));
        const double g = (p - target) * example_weight;
        for (const auto& f : x) {
          const std::size_t k = static_cast<std::size_t>(f.index) * classes + c;
          const double grad = g * f.value * ratio(f.index, c) + options.l2 * w[k];
          accumulated[k] += static_cast<float>(grad * grad);
          w[k] -= static_cast<float>(options.learning_rate * grad / std::sqrt(accumulated[k]));
        }
        b_accumulated[c] += g * g;
        b[c] -= options.learning_rate * g / std::sqrt(b_accumulated[c]);
      }
    }
    if (options.average_epochs) {
      for (std::size_t k = 0; k < w.size(); ++k) w_sum[k] += w[k];
      for (int c = 0; c < classes; ++c) b_sum[c] += b[c];
    }
    if (options.progress) {
      options.progress("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(options.epochs) +
                       " mean loss " + std::to_string(loss / (examples.size() * classes)));
    }
  }
  if (options.average_epochs && options.epochs > 0) {
    for (std::size_t k = 0; k < w.size(); ++k) w[k] = w_sum[k] / options.epochs;
    for (int c = 0; c < classes; ++c) b[c] = b_sum[c] / options.epochs;
  }
  // Fold the ratios into the weights so prediction is a plain dot product.
  for (std::size_t i = 0; i < buckets; ++i) {
    for (int c = 0; c < classes; ++c) {
      const std::size_t k = i * classes + c;
      model->weights_[k] = w[k] * ratio(static_cast<std::uint32_t>(i), c);
    }
  }
  for (int c = 0; c < classes; ++c) model->bias_[c] = static_cast<float>(b[c]);
  return model;
}

double LinearModel::Logit(const std::vector<Feature>& features, int label) const {
  const std::size_t classes = labels_.size();
  double z = bias_[label];
  for (const auto& f : features) z += f.value * weights_[f.index * classes + label];
  return z;
}

void LinearModel::Probabilities(const std::vector<Feature>& features, std::vector<double>& out) const {
  const std::size_t classes = labels_.size();
  out.assign(bias_.begin(), bias_.end());
  for (const auto& f : features) {
    const float* row = &weights_[static_cast<std::size_t>(f.index) * classes];
    for (std::size_t c = 0; c < classes; ++c) out[c] += f.value * row[c];
  }
  double sum = 0.0;
  for (auto& p : out) sum += (p = Sigmoid(p));
  for (auto& p : out) p /= sum;
}

LinearModel::Prediction LinearModel::Predict(const std::vector<Feature>& features) const {
  thread_local std::vector<double> probabilities;
  Probabilities(features, probabilities);
  const auto best = std::max_element(probabilities.begin(), probabilities.end());
  return {static_cast<int>(best - probabilities.begin()), *best};
}

void LinearModel::Extract(const NormalizedText& text, const std::vector<Token>& tokens,
                          std::vector<Feature>& out) const {
  double lexicon_raw = 0.0;
  if (NeedsLexicon()) {
    if (!lexicon_) throw std::logic_error("this model was trained with lexicon features: AttachLexicon() first");
    lexicon_raw = lexicon_->RawScore(text, tokens);
  }
  extractor_.Extract(text, tokens, out, lexicon_raw);
}

LinearModel::Prediction LinearModel::Predict(const NormalizedText& text, const std::vector<Token>& tokens) const {
  thread_local std::vector<Feature> features;
  Extract(text, tokens, features);
  return Predict(features);
}

SentimentResult LinearModel::Score(const NormalizedText& text, const std::vector<Token>& tokens) const {
  thread_local std::vector<Feature> features;
  thread_local std::vector<double> probabilities;
  Extract(text, tokens, features);
  Probabilities(features, probabilities);
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

  // Evidence: words whose unigram weight for the predicted label is largest.
  const std::size_t classes = labels_.size();
  std::vector<std::pair<double, std::string_view>> words;
  for (const auto& token : tokens) {
    if (token.kind != text::TokenKind::kHan && token.kind != text::TokenKind::kWord && token.kind != text::TokenKind::kEmoji) continue;
    const double weight = weights_[static_cast<std::size_t>(extractor_.WordIndex(token.text)) * classes + best];
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

void LinearModel::Save(const std::string& path) const {
  nlohmann::json header;
  header["labels"] = labels_;
  const FeatureOptions& f = extractor_.options();
  header["features"] = {{"hash_bits", f.hash_bits},           {"char_ngram_min", f.char_ngram_min},
                        {"char_ngram_max", f.char_ngram_max}, {"word_ngram_max", f.word_ngram_max},
                        {"log_counts", f.log_counts},         {"last_clause_words", f.last_clause_words},
                        {"lexicon_score", f.lexicon_score},   {"l2_normalize", f.l2_normalize}};
  const std::string header_text = header.dump();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write model file " + path);
  out.write(kMagic, sizeof(kMagic));
  const std::uint32_t header_size = static_cast<std::uint32_t>(header_text.size());
  out.write(reinterpret_cast<const char*>(&header_size), sizeof(header_size));
  out.write(header_text.data(), header_text.size());
  out.write(reinterpret_cast<const char*>(bias_.data()), bias_.size() * sizeof(float));
  out.write(reinterpret_cast<const char*>(weights_.data()), weights_.size() * sizeof(float));
  if (!out) throw std::runtime_error("failed writing model file " + path);
}

std::unique_ptr<LinearModel> LinearModel::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open model file " + path);
  char magic[sizeof(kMagic)] = {};
  in.read(magic, sizeof(magic));
  if (!in || std::memcmp(magic, kMagic, sizeof(kMagic)) != 0) throw std::runtime_error(path + " is not a VoC linear model");
  std::uint32_t header_size = 0;
  in.read(reinterpret_cast<char*>(&header_size), sizeof(header_size));
  if (!in || header_size > (1u << 24)) throw std::runtime_error(path + ": corrupt header");
  std::string header_text(header_size, '\0');
  in.read(header_text.data(), header_size);
  const auto header = nlohmann::json::parse(header_text);
  FeatureOptions f;
  const auto& jf = header.at("features");
  f.hash_bits = jf.at("hash_bits");
  f.char_ngram_min = jf.at("char_ngram_min");
  f.char_ngram_max = jf.at("char_ngram_max");
  f.word_ngram_max = jf.at("word_ngram_max");
  f.log_counts = jf.at("log_counts");
  f.last_clause_words = jf.value("last_clause_words", false);
  f.lexicon_score = jf.value("lexicon_score", false);
  f.l2_normalize = jf.value("l2_normalize", true);
  if (f.hash_bits < 8 || f.hash_bits > 26) throw std::runtime_error(path + ": bad hash_bits");
  std::unique_ptr<LinearModel> model(new LinearModel(header.at("labels").get<std::vector<std::string>>(), f));
  in.read(reinterpret_cast<char*>(model->bias_.data()), model->bias_.size() * sizeof(float));
  in.read(reinterpret_cast<char*>(model->weights_.data()), model->weights_.size() * sizeof(float));
  if (!in) throw std::runtime_error(path + ": truncated model file");
  return model;
}

}  // namespace voc::triage::sentiment
