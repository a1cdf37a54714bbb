// Throughput of normalisation, segmentation and the sentiment models on real
// reviews. Texts come from $VOC_DATA_DIR/online_shopping_10_cats/train.csv
// (the corpus the speed target is stated on); without VOC_DATA_DIR every
// benchmark is skipped. Optional: $VOC_SENTIMENT_MODEL, a model from
// `voc triage train`, for the trained-model benchmarks.
//
//   VOC_DATA_DIR=../shared/data ./build/tests/benchmarks/triage_sentiment_benchmark
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "services/triage/analysis/sentiment/combined_model.h"
#include "services/triage/analysis/sentiment/lexicon_model.h"
#include "services/triage/analysis/sentiment/linear_model.h"
#include "services/triage/analysis/text/normalizer.h"
#include "services/triage/analysis/text/segmenter.h"
#include "tools/triage/dataset.h"

namespace {

using namespace voc::triage;

struct Fixture {
  std::vector<std::string> texts;
  text::Normalizer normalizer;
  text::Segmenter icu_segmenter;
  std::unique_ptr<text::Segmenter> max_match_segmenter;
  std::shared_ptr<const sentiment::LexiconModel> lexicon;
  std::shared_ptr<sentiment::LinearModel> trained;
  std::vector<text::NormalizedText> normalized;
  std::vector<std::vector<text::Token>> tokens;

  Fixture() {
    const char* data_dir = std::getenv("VOC_DATA_DIR");
    if (!data_dir || !*data_dir) return;
    for (auto& row : tools::ReadLabelledCsv(std::string(data_dir) + "/online_shopping_10_cats/train.csv")) {
      texts.push_back(std::move(row.text));
    }
    lexicon = sentiment::LexiconModel::FromDirectory(sentiment::DefaultLexiconDirectory(), normalizer);
    text::SegmenterOptions options;
    options.chinese = text::ChineseSegmentation::kLexiconMaxMatch;
    options.lexicon = lexicon->ChineseWords();
    max_match_segmenter = std::make_unique<text::Segmenter>(options);
    if (const char* model = std::getenv("VOC_SENTIMENT_MODEL"); model && *model) {
      trained = sentiment::LinearModel::Load(model);
      trained->AttachLexicon(lexicon);
    }
    normalized.resize(texts.size());
    tokens.resize(texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
      normalizer.NormalizeInto(texts[i], normalized[i]);
      icu_segmenter.SegmentInto(normalized[i].text, tokens[i]);
    }
  }
};

Fixture& Data() {
  static Fixture fixture;
  return fixture;
}

bool SkipWithoutData(benchmark::State& state) {
  if (Data().texts.empty()) {
    state.SkipWithError("set VOC_DATA_DIR to the shared data folder");
    return true;
  }
  return false;
}

void BM_Normalize(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  auto& data = Data();
  text::NormalizedText out;
  std::size_t i = 0;
  for (auto _ : state) {
    data.normalizer.NormalizeInto(data.texts[i++ % data.texts.size()], out);
    benchmark::DoNotOptimize(out.text.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Normalize);

void BM_SegmentIcu(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  auto& data = Data();
  std::vector<text::Token> tokens;
  std::size_t i = 0;
  for (auto _ : state) {
    data.icu_segmenter.SegmentInto(data.normalized[i++ % data.normalized.size()].text, tokens);
    benchmark::DoNotOptimize(tokens.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SegmentIcu);

void BM_SegmentMaxMatch(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  auto& data = Data();
  std::vector<text::Token> tokens;
  std::size_t i = 0;
  for (auto _ : state) {
    data.max_match_segmenter->SegmentInto(data.normalized[i++ % data.normalized.size()].text, tokens);
    benchmark::DoNotOptimize(tokens.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SegmentMaxMatch);

void BM_LexiconScore(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  auto& data = Data();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ % data.normalized.size();
    benchmark::DoNotOptimize(data.lexicon->Score(data.normalized[k], data.tokens[k]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LexiconScore);

void BM_TrainedScore(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  auto& data = Data();
  if (!data.trained) {
    state.SkipWithError("set VOC_SENTIMENT_MODEL to a model from `voc triage train`");
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ % data.normalized.size();
    benchmark::DoNotOptimize(data.trained->Predict(data.normalized[k], data.tokens[k]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TrainedScore);

// Everything the sentiment stage does per document: normalise, segment, score.
// Argument 0: ICU word break; 1: max-match over the lexicon words.
void BM_FullSentimentPipeline(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  auto& data = Data();
  const text::Segmenter& segmenter = state.range(0) == 0 ? data.icu_segmenter : *data.max_match_segmenter;
  std::unique_ptr<sentiment::SentimentModel> combined;
  const sentiment::SentimentModel* model = data.lexicon.get();
  if (data.trained) {
    combined = std::make_unique<sentiment::CombinedModel>(data.trained, data.lexicon);
    model = combined.get();
  }
  text::NormalizedText normalized;
  std::vector<text::Token> tokens;
  std::size_t i = 0;
  for (auto _ : state) {
    data.normalizer.NormalizeInto(data.texts[i++ % data.texts.size()], normalized);
    segmenter.SegmentInto(normalized.text, tokens);
    benchmark::DoNotOptimize(model->Score(normalized, tokens));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FullSentimentPipeline)->ArgName("max_match")->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
