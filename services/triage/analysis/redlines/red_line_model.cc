#include "services/triage/analysis/redlines/red_line_model.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "services/triage/analysis/redlines/red_line_context.h"

namespace voc::triage {
namespace {

std::string Probability(double p) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%.2f", p);
  return buffer;
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

}  // namespace

std::string RedLineCandidateContext(std::string_view normalized, std::size_t begin, std::size_t end, int window) {
  const auto [from, to] = redline_context::NearSpan(normalized, begin, end, window);
  return std::string(normalized.substr(from, to - from));
}

RedLineModel::RedLineModel(std::unique_ptr<sentiment::LinearModel> model, std::string source)
    : model_(std::move(model)), source_(std::move(source)) {
  if (!model_) throw std::invalid_argument(source_ + ": no model");
  if (model_->multi_label()) throw std::invalid_argument(source_ + ": a multi-label model is not a red-line model");
  bool any_category = false;
  for (std::size_t i = 0; i < model_->labels().size(); ++i) {
    const std::string& label = model_->labels()[i];
    RedLineCategory category;
    if (label == kRedLineNotIncident) {
      not_incident_ = static_cast<int>(i);
    } else if (ParseRedLineCategory(label, category)) {
      label_of_[static_cast<int>(category)] = static_cast<int>(i);
      any_category = true;
    } else {
      throw std::invalid_argument(source_ + ": label '" + label +
                                  "' is neither a red-line category nor not_incident (train it with --target redline)");
    }
  }
  if (not_incident_ < 0 || !any_category)
    throw std::invalid_argument(source_ + ": a red-line model needs the label not_incident and at least one category");
}

absl::StatusOr<std::shared_ptr<const RedLineModel>> RedLineModel::Load(const std::string& path) {
  try {
    return std::make_shared<const RedLineModel>(sentiment::LinearModel::Load(path), path);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(e.what());
  }
}

RedLineVerdict RedLineModel::Judge(RedLineCategory category, std::string_view normalized, std::size_t begin,
                                   std::size_t end, const text::Segmenter& segmenter) const {
  RedLineVerdict verdict;
  const int label = label_of_[static_cast<int>(category)];
  if (label < 0) return verdict;
  thread_local text::NormalizedText context;
  thread_local std::vector<text::Token> tokens;
  thread_local std::vector<double> probabilities;
  context.text = RedLineCandidateContext(normalized, begin, end);
  segmenter.SegmentInto(context.text, tokens);
  model_->Probabilities(context, tokens, probabilities);
  const double yes = probabilities[label], no = probabilities[not_incident_];
  verdict.known = true;
  verdict.probability = yes + no > 0 ? yes / (yes + no) : 0.5;
  const bool incident = verdict.probability >= 0.5;
  verdict.words = model_->Explain(context, tokens, incident ? label : not_incident_, incident ? not_incident_ : label, 4);
  return verdict;
}

void ApplyRedLineModel(const RedLineModel& model, double threshold, std::string_view normalized,
                       const text::Segmenter& segmenter, Analysis& analysis) {
  if (analysis.red_lines.empty()) return;
  std::vector<RedLineHit> kept;
  for (auto& hit : analysis.red_lines) {
    if (!hit.second_stage) {  // unambiguous by itself: the rules decide alone
      hit.rule += "; second stage: not asked (unambiguous term)";
      kept.push_back(std::move(hit));
      continue;
    }
    const RedLineVerdict v = model.Judge(hit.category, normalized, hit.begin, hit.end, segmenter);
    if (!v.known) {
      kept.push_back(std::move(hit));
      continue;
    }
    const std::string words = v.words.empty() ? "" : ": " + Joined(v.words);
    if (v.probability >= threshold) {
      hit.rule += "; second stage: incident (p=" + Probability(v.probability) + words + ")";
      kept.push_back(std::move(hit));
    } else {
      hit.rule += "; second stage: not an incident (p=" + Probability(v.probability) + words + "), a watch";
      hit.level = RedLineLevel::kWatch;
      hit.priority = Priority::kP2;
      analysis.red_line_watch.push_back(std::move(hit));
    }
  }
  analysis.red_lines = std::move(kept);
}

sentiment::FeatureOptions DefaultRedLineFeatures() {
  sentiment::FeatureOptions f;
  f.hash_bits = 16;
  f.char_ngram_min = 1;
  f.char_ngram_max = 3;
  f.word_ngram_max = 2;
  return f;
}

sentiment::TrainingOptions DefaultRedLineTraining() {
  sentiment::TrainingOptions t;
  t.epochs = 10;
  t.balance_classes = true;
  return t;
}

std::unique_ptr<sentiment::LinearModel> TrainRedLineModel(const std::vector<RedLineTrainingRow>& rows,
                                                          const RedLineList& list, const text::Normalizer& normalizer,
                                                          const text::Segmenter& segmenter,
                                                          const sentiment::FeatureOptions& features,
                                                          const sentiment::TrainingOptions& training,
                                                          RedLineTrainingSummary* summary,
                                                          RedLineExamples which) {
  const sentiment::FeatureExtractor extractor(features);
  std::vector<std::vector<sentiment::Feature>> examples;
  std::vector<std::string> example_labels;
  RedLineTrainingSummary s;
  text::NormalizedText context;
  std::vector<text::Token> tokens;
  for (const auto& row : rows) {
    ++s.rows;
    RedLineCategory wanted{};
    const bool has_category = !row.category.empty();
    if (row.label && has_category && !ParseRedLineCategory(row.category, wanted))
      throw std::invalid_argument("unknown red-line category '" + row.category + "'");
    const std::string normalized = normalizer.Normalize(row.text).text;
    bool any = false;
    // What the second stage will be asked about: the red lines the context
    // rules confirm (sentiment unknown here, so its requirements pass), minus
    // the unambiguous terms it never judges; or, as first built, every candidate.
    std::vector<RedLineHit> hits;
    if (which == RedLineExamples::kConfirmed) {
      hits = list.Decide(normalized).red_lines;
      std::erase_if(hits, [](const RedLineHit& h) { return !h.second_stage; });
    } else {
      hits = list.Candidates(normalized);
    }
    for (const auto& hit : hits) {
      if (row.label && has_category && hit.category != wanted) continue;  // another category: not labelled
      any = true;
      context.text = RedLineCandidateContext(normalized, hit.begin, hit.end);
      segmenter.SegmentInto(context.text, tokens);
      examples.emplace_back();
      extractor.Extract(context, tokens, examples.back());
      example_labels.push_back(row.label ? RedLineCategoryName(hit.category) : kRedLineNotIncident);
      s.incident_examples += row.label;
    }
    s.rows_without_candidate += !any;
  }
  std::vector<std::string> names = example_labels;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (examples.empty() || names.size() < 2 ||
      std::find(names.begin(), names.end(), kRedLineNotIncident) == names.end())
    throw std::invalid_argument(
        which == RedLineExamples::kConfirmed
            ? "the second stage needs red lines of both kinds: labelled incidents and false alarms that the red-line "
              "list's context rules confirm (to learn from every candidate instead: --examples candidates)"
            : "the second stage needs candidates of both kinds: labelled incidents and false alarms the red-line list "
              "finds");
  std::vector<int> labels;
  for (const auto& l : example_labels)
    labels.push_back(static_cast<int>(std::find(names.begin(), names.end(), l) - names.begin()));
  s.examples = examples.size();
  s.labels = names;
  if (summary) *summary = s;
  auto model = sentiment::LinearModel::Train(examples, labels, names, features, training);
  model->set_segmentation("maxmatch");
  return model;
}

}  // namespace voc::triage
