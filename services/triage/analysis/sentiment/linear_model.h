// A trained linear classifier over hashed n-gram features: logistic regression
// (one-vs-rest or multinomial) on naive-Bayes-scaled features (NB-LR, after Wang
// & Manning's NB-SVM). Labels are arbitrary strings, so the same model serves
// sentiment ("negative"/"neutral"/"positive") and complaint topics.
//
// A model may be an ensemble: several members, each with its own feature set
// and weights, whose probabilities are averaged (Ensemble()). Averaging linear
// models that see different n-gram sets or objectives is steadier than any one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
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
  bool balance_classes = false;     // weight examples by 1/class frequency (for macro-F1 targets)
  double balance_power = 1.0;       // class weight = (1/frequency)^power: 0.5 is a softer balance
  bool average_epochs = true;       // final weights = mean of the weights after each epoch (steadier)
  // Multinomial (softmax) objective instead of one-vs-rest sigmoids: the classes
  // compete in one distribution, which suits 3+ classes (neutral vs the others).
  bool softmax = false;
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
  // Several labels per example (`label_sets[i]`, possibly empty): one sigmoid
  // per label, whose probabilities are each its own yes/no (they need not sum
  // to 1). Used for multi-label complaint topics (`voc triage train --target topic`
  // on a `topics` column).
  static std::unique_ptr<LinearModel> TrainMultiLabel(const std::vector<std::vector<Feature>>& examples,
                                                      const std::vector<std::vector<int>>& label_sets,
                                                      std::vector<std::string> label_names,
                                                      const FeatureOptions& feature_options,
                                                      const TrainingOptions& options);
  // Throws std::runtime_error naming the path if the file is missing, not a
  // model, truncated, or its header is malformed.
  static std::unique_ptr<LinearModel> Load(const std::string& path);
  // One model averaging the members' probabilities; all must share the same labels.
  static std::unique_ptr<LinearModel> Ensemble(std::vector<std::unique_ptr<LinearModel>> members);
  void Save(const std::string& path) const;

  // A model trained with FeatureOptions::lexicon_score needs the lexicon it was trained with.
  bool NeedsLexicon() const;
  void AttachLexicon(std::shared_ptr<const LexiconModel> lexicon) { lexicon_ = std::move(lexicon); }
  // Features of one text for the first member, with the lexicon score when it uses it.
  void Extract(const NormalizedText& text, const std::vector<Token>& tokens, std::vector<Feature>& out) const;

  const std::vector<std::string>& labels() const { return labels_; }
  int LabelIndex(std::string_view name) const;  // -1 if the model has no such label
  bool multi_label() const { return multi_label_; }

  // What decided: the words (English words, Han words of two or more
  // characters) and Chinese character n-grams of `text` whose weights in the
  // first member push hardest toward `label`, or toward `label` rather than
  // `against` when against >= 0. Strongest first, at most `limit`, none
  // inside another one already listed.
  std::vector<std::string> Explain(const NormalizedText& text, const std::vector<Token>& tokens, int label,
                                   int against = -1, std::size_t limit = 5) const;
  // How the training texts were segmented ("icu" or "maxmatch", see
  // text::ChineseSegmentation); its word features expect the same at prediction.
  const std::string& segmentation() const { return segmentation_; }
  void set_segmentation(std::string segmentation) { segmentation_ = std::move(segmentation); }
  // The first member's extractor (the only one unless this is an ensemble).
  const FeatureExtractor& extractor() const { return members_.front().extractor; }
  std::size_t members() const { return members_.size(); }
  std::size_t MemoryBytes() const;

  // Per-label probabilities of the first member from its features (sigmoids
  // normalised to sum to 1, or the softmax). For an ensemble use the text overloads.
  void Probabilities(const std::vector<Feature>& features, std::vector<double>& out) const;
  Prediction Predict(const std::vector<Feature>& features) const;
  // Per-label probabilities of the whole model (averaged over members).
  void Probabilities(const NormalizedText& text, const std::vector<Token>& tokens, std::vector<double>& out) const;
  Prediction Predict(const NormalizedText& text, const std::vector<Token>& tokens) const;

  // Sentiment view: needs labels named negative/positive (and optionally neutral).
  // Evidence: the words whose weights pushed hardest toward the predicted label.
  SentimentResult Score(const NormalizedText& text, const std::vector<Token>& tokens) const override;
  // Same, with LexiconModel::RawScore of the text already computed (CombinedModel);
  // evidence is filled only when `want_evidence` (it costs a lookup per word).
  SentimentResult Score(const NormalizedText& text, const std::vector<Token>& tokens, double lexicon_raw,
                        bool want_evidence) const;

 private:
  struct Member {
    FeatureExtractor extractor;
    bool softmax = false;         // how its logits become probabilities
    std::vector<float> weights;   // [bucket * labels + label]: one cache line holds a bucket's labels
    std::vector<float> bias;
  };

  LinearModel(std::vector<std::string> labels, const FeatureOptions& feature_options, bool softmax);
  static std::unique_ptr<LinearModel> TrainSets(const std::vector<std::vector<Feature>>& examples,
                                                const std::vector<std::vector<int>>& label_sets,
                                                std::vector<std::string> label_names,
                                                const FeatureOptions& feature_options, const TrainingOptions& options,
                                                bool multi_label);
  void MemberProbabilities(const Member& member, const std::vector<Feature>& features, std::vector<double>& out) const;
  // `lexicon_raw`: the lexicon score if already known, else NaN (computed when needed).
  void ExtractFor(const Member& member, const NormalizedText& text, const std::vector<Token>& tokens,
                  std::vector<Feature>& out, double& lexicon_raw) const;
  void AllProbabilities(const NormalizedText& text, const std::vector<Token>& tokens, double lexicon_raw,
                        std::vector<double>& out) const;
  SentimentResult ScoreFromProbabilities(const std::vector<double>& probabilities, const NormalizedText& text,
                                         const std::vector<Token>& tokens, bool want_evidence) const;

  std::vector<std::string> labels_;
  std::string segmentation_ = "icu";
  std::vector<Member> members_;
  std::shared_ptr<const LexiconModel> lexicon_;
  int negative_label_ = -1, neutral_label_ = -1, positive_label_ = -1;
  bool multi_label_ = false;
};

}  // namespace voc::triage::sentiment
