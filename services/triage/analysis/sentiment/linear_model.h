// A trained linear classifier over hashed n-gram features: one-vs-rest
// logistic regression on naive-Bayes-scaled features (NB-LR, after Wang &
// Manning's NB-SVM). Labels are arbitrary strings, so the same model serves
// sentiment ("negative"/"neutral"/"positive") and complaint topics.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "services/triage/analysis/sentiment/features.h"
#include "services/triage/analysis/sentiment/lexicon_model.h"
#include "services/triage/analysis/sentiment/sentiment_model.h"

namespace voc::triage::sentiment {

struct TrainingOptions {
  int epochs = 5;
  double learning_rate = 0.2;       // AdaGrad step
  double l2 = 1e-6;                 // applied to the weights an example touches
  bool naive_bayes_scaling = true;  // scale features by their per-class log-count ratio
  double nb_alpha = 1.0;            // smoothing of those counts
  bool balance_classes = false;
  bool average_epochs = true;       // final weights = mean of the weights after each epoch (steadier)     // weight examples by 1/class frequency (for macro-F1 targets)
  std::uint64_t seed = 42;          // shuffling
  std::function<void(const std::string&)> progress;  // optional progress lines
};

class LinearModel final : public SentimentModel {
 public:
  struct Prediction {
    int label = 0;
    double probability = 0.0;
  };

  // `examples[i]` comes from FeatureExtractor(feature_options); labels index `label_names`.
  static std::unique_ptr<LinearModel> Train(const std::vector<std::vector<Feature>>& examples,
                                            const std::vector<int>& labels, std::vector<std::string> label_names,
                                            const FeatureOptions& feature_options, const TrainingOptions& options);
  // Throws std::runtime_error if the file is missing or not a model.
  static std::unique_ptr<LinearModel> Load(const std::string& path);
  void Save(const std::string& path) const;

  // A model trained with FeatureOptions::lexicon_score needs the lexicon it was trained with.
  bool NeedsLexicon() const { return extractor_.options().lexicon_score; }
  void AttachLexicon(std::shared_ptr<const LexiconModel> lexicon) { lexicon_ = std::move(lexicon); }
  // Features of one text, with the lexicon score when the model uses it.
  void Extract(const NormalizedText& text, const std::vector<Token>& tokens, std::vector<Feature>& out) const;

  const std::vector<std::string>& labels() const { return labels_; }
  const FeatureExtractor& extractor() const { return extractor_; }
  std::size_t MemoryBytes() const { return weights_.size() * sizeof(float); }

  // Per-label probabilities (one-vs-rest sigmoids, normalised to sum to 1).
  void Probabilities(const std::vector<Feature>& features, std::vector<double>& out) const;
  Prediction Predict(const std::vector<Feature>& features) const;
  Prediction Predict(const NormalizedText& text, const std::vector<Token>& tokens) const;

  // Sentiment view: needs labels named negative/positive (and optionally neutral).
  // Evidence: the words whose weights pushed hardest toward the predicted label.
  SentimentResult Score(const NormalizedText& text, const std::vector<Token>& tokens) const override;

 private:
  LinearModel(std::vector<std::string> labels, const FeatureOptions& feature_options);
  double Logit(const std::vector<Feature>& features, int label) const;

  std::vector<std::string> labels_;
  FeatureExtractor extractor_;
  std::shared_ptr<const LexiconModel> lexicon_;
  std::vector<float> weights_;  // [bucket * labels + label]: one cache line holds a bucket's labels
  std::vector<float> bias_;
  int negative_label_ = -1, neutral_label_ = -1, positive_label_ = -1;
};

}  // namespace voc::triage::sentiment
