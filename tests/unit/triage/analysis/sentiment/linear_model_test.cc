#include "services/triage/analysis/sentiment/linear_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace voc::triage::sentiment {
namespace {

struct Corpus {
  std::vector<std::vector<Feature>> examples;
  std::vector<int> labels;
};

class LinearModelTest : public ::testing::Test {
 protected:
  std::vector<Feature> Features(const FeatureExtractor& extractor, const std::string& raw) {
    const auto normalized = normalizer_.Normalize(raw);
    std::vector<Feature> features;
    extractor.Extract(normalized, segmenter_.Segment(normalized.text), features);
    return features;
  }

  Corpus Build(const FeatureExtractor& extractor, const std::vector<std::pair<std::string, int>>& rows) {
    Corpus corpus;
    for (int repeat = 0; repeat < 5; ++repeat) {
      for (const auto& [text, label] : rows) {
        corpus.examples.push_back(Features(extractor, text));
        corpus.labels.push_back(label);
      }
    }
    return corpus;
  }

  text::Normalizer normalizer_;
  text::Segmenter segmenter_;
};

const std::vector<std::pair<std::string, int>> kSentimentRows = {
    {"送餐很快，味道很好", 1},       {"好吃，下次还点", 1},          {"服务热情，满意", 1},
    {"great flight, thanks", 1},    {"friendly crew, loved it", 1}, {"送得太慢，饭都凉了", 0},
    {"难吃，再也不点了", 0},        {"态度差，投诉", 0},            {"delayed again, terrible", 0},
    {"lost my bag, awful service", 0},
};

TEST_F(LinearModelTest, LearnsASmallSyntheticTask) {
  FeatureOptions options;
  options.hash_bits = 16;
  const FeatureExtractor extractor(options);
  const Corpus corpus = Build(extractor, kSentimentRows);
  TrainingOptions training;
  training.epochs = 10;
  const auto model = LinearModel::Train(corpus.examples, corpus.labels, {"negative", "positive"}, options, training);
  EXPECT_EQ(model->Predict(Features(extractor, "味道很好，很快")).label, 1);
  EXPECT_EQ(model->Predict(Features(extractor, "太慢了，凉了")).label, 0);
  EXPECT_EQ(model->Predict(Features(extractor, "terrible, delayed")).label, 0);

  const auto normalized = normalizer_.Normalize("好吃，满意");
  const auto result = model->Score(normalized, segmenter_.Segment(normalized.text));
  EXPECT_EQ(result.label, SentimentLabel::kPositive);
  EXPECT_GT(result.score, 0.0);
  EXPECT_LE(result.score, 1.0);
}

TEST_F(LinearModelTest, SaveAndLoadRoundTrip) {
  FeatureOptions options;
  options.hash_bits = 14;
  options.char_ngram_max = 2;
  const FeatureExtractor extractor(options);
  const Corpus corpus = Build(extractor, kSentimentRows);
  const auto model = LinearModel::Train(corpus.examples, corpus.labels, {"negative", "positive"}, options, {});
  const auto path = (std::filesystem::temp_directory_path() / "voc_linear_model_test.bin").string();
  model->Save(path);
  const auto loaded = LinearModel::Load(path);
  std::filesystem::remove(path);

  EXPECT_EQ(loaded->labels(), model->labels());
  EXPECT_EQ(loaded->extractor().options().char_ngram_max, 2);
  std::vector<double> before, after;
  for (const auto& [text, label] : kSentimentRows) {
    const auto features = Features(loaded->extractor(), text);
    model->Probabilities(features, before);
    loaded->Probabilities(features, after);
    ASSERT_EQ(before.size(), after.size());
    for (std::size_t c = 0; c < before.size(); ++c) EXPECT_DOUBLE_EQ(before[c], after[c]);
  }
}

TEST_F(LinearModelTest, ArbitraryLabelsForTopics) {
  FeatureOptions options;
  options.hash_bits = 16;
  const FeatureExtractor extractor(options);
  const Corpus corpus = Build(extractor, {{"flight delayed three hours", 0},
                                          {"late again, still at the gate", 0},
                                          {"lost my luggage", 1},
                                          {"bag never arrived", 1},
                                          {"rude agent on the phone", 2},
                                          {"customer service hung up on me", 2}});
  TrainingOptions training;
  training.balance_classes = true;
  const auto model =
      LinearModel::Train(corpus.examples, corpus.labels, {"Late Flight", "Lost Luggage", "Customer Service"}, options,
                         training);
  EXPECT_EQ(model->labels()[model->Predict(Features(extractor, "my luggage is lost")).label], "Lost Luggage");
  EXPECT_EQ(model->labels()[model->Predict(Features(extractor, "delayed at the gate")).label], "Late Flight");
}

TEST_F(LinearModelTest, SoftmaxEnsembleRoundTripAveragesItsMembers) {
  FeatureOptions chars;
  chars.hash_bits = 14;
  chars.char_ngram_max = 2;
  FeatureOptions words;
  words.hash_bits = 12;
  words.char_ngram_min = 2;
  words.char_ngram_max = 3;
  words.word_char_ngram_min = 3;
  words.word_char_ngram_max = 4;
  words.negation_scope = true;
  TrainingOptions softmax;
  softmax.softmax = true;
  softmax.epochs = 10;
  std::vector<std::unique_ptr<LinearModel>> members;
  members.push_back(LinearModel::Train(Build(FeatureExtractor(chars), kSentimentRows).examples,
                                       Build(FeatureExtractor(chars), kSentimentRows).labels, {"negative", "positive"},
                                       chars, softmax));
  members.push_back(LinearModel::Train(Build(FeatureExtractor(words), kSentimentRows).examples,
                                       Build(FeatureExtractor(words), kSentimentRows).labels, {"negative", "positive"},
                                       words, {}));
  auto ensemble = LinearModel::Ensemble(std::move(members));
  ensemble->set_segmentation("maxmatch");
  ASSERT_EQ(ensemble->members(), 2u);

  const auto path = (std::filesystem::temp_directory_path() / "voc_linear_ensemble_test.bin").string();
  ensemble->Save(path);
  const auto loaded = LinearModel::Load(path);
  std::filesystem::remove(path);
  EXPECT_EQ(loaded->members(), 2u);
  EXPECT_EQ(loaded->segmentation(), "maxmatch");
  EXPECT_EQ(loaded->MemoryBytes(), ensemble->MemoryBytes());
  for (const std::string text : {"味道很好，很快", "terrible, delayed again", "not good at all"}) {
    const auto normalized = normalizer_.Normalize(text);
    const auto tokens = segmenter_.Segment(normalized.text);
    std::vector<double> before, after;
    ensemble->Probabilities(normalized, tokens, before);
    loaded->Probabilities(normalized, tokens, after);
    ASSERT_EQ(before.size(), 2u);
    EXPECT_NEAR(before[0] + before[1], 1.0, 1e-9);
    for (std::size_t c = 0; c < before.size(); ++c) EXPECT_DOUBLE_EQ(before[c], after[c]);
  }
  const auto normalized = normalizer_.Normalize("送得太慢，凉了");
  EXPECT_EQ(loaded->Score(normalized, segmenter_.Segment(normalized.text)).label, SentimentLabel::kNegative);
}

TEST_F(LinearModelTest, EnsembleRejectsMembersWithOtherLabels) {
  FeatureOptions options;
  options.hash_bits = 10;
  const FeatureExtractor extractor(options);
  const Corpus corpus = Build(extractor, kSentimentRows);
  std::vector<std::unique_ptr<LinearModel>> members;
  members.push_back(LinearModel::Train(corpus.examples, corpus.labels, {"negative", "positive"}, options, {}));
  members.push_back(LinearModel::Train(corpus.examples, corpus.labels, {"bad", "good"}, options, {}));
  EXPECT_THROW(LinearModel::Ensemble(std::move(members)), std::invalid_argument);
}

TEST_F(LinearModelTest, FeaturesAreUniqueAndUnitLength) {
  FeatureOptions options;
  options.hash_bits = 16;
  // Repeated n-grams ("好好好" is reduced, but "很好很好" is not) must merge into one feature each.
  const auto features = Features(FeatureExtractor(options), "很好很好，很好！");
  std::set<std::uint32_t> indices;
  double norm = 0.0;
  for (const auto& f : features) {
    EXPECT_TRUE(indices.insert(f.index).second) << "duplicate index " << f.index;
    EXPECT_LT(f.index, 1u << 16);
    norm += f.value * f.value;
  }
  EXPECT_NEAR(norm, 1.0, 1e-5);
}

TEST_F(LinearModelTest, OptionalFeatureFamiliesAddFeatures) {
  FeatureOptions plain;
  plain.hash_bits = 18;
  FeatureOptions negation = plain;
  negation.negation_scope = true;
  FeatureOptions in_word = plain;
  in_word.word_char_ngram_min = 3;
  in_word.word_char_ngram_max = 4;
  const std::string text = "the crew was not friendly";
  const auto base = Features(FeatureExtractor(plain), text).size();
  // "friendly" after "not" also counts as a negated word (and "was" before it does not).
  EXPECT_EQ(Features(FeatureExtractor(negation), text).size(), base + 1);
  EXPECT_GT(Features(FeatureExtractor(in_word), text).size(), base);
  // No negator, no negated words.
  EXPECT_EQ(Features(FeatureExtractor(negation), "the crew was friendly").size(),
            Features(FeatureExtractor(plain), "the crew was friendly").size());
}

TEST_F(LinearModelTest, KeywordCuesFireOnlyWhenBothListsMatchAndSurviveSaveLoad) {
  FeatureOptions plain;
  plain.hash_bits = 18;
  FeatureOptions cued = plain;
  cued.cues = {{"damaged_bag", {"broken", "torn"}, {"bag", "luggage"}}, {"line", {"queue", "line"}, {}}};
  const FeatureExtractor with_cues(cued), without(plain);
  // Both lists: one cue feature, at full weight (not scaled by the L2 normalisation).
  const auto damaged = Features(with_cues, "My bag arrived #broken");
  EXPECT_EQ(damaged.size(), Features(without, "My bag arrived #broken").size() + 1);
  EXPECT_FLOAT_EQ(damaged.back().value, cued.cue_weight);
  // Only the first list of a two-list cue: nothing.
  EXPECT_EQ(Features(with_cues, "the screen is broken").size(), Features(without, "the screen is broken").size());
  // A one-list cue fires on its own; words inside other words do not count.
  EXPECT_EQ(Features(with_cues, "an hour in the queue").size(), Features(without, "an hour in the queue").size() + 1);
  EXPECT_EQ(Features(with_cues, "airline staff").size(), Features(without, "airline staff").size());

  const Corpus corpus = Build(with_cues, {{"bag torn open", 0}, {"flight was late", 1}});
  const auto model = LinearModel::Train(corpus.examples, corpus.labels, {"Damaged", "Late"}, cued, {});
  const auto path = (std::filesystem::temp_directory_path() / "voc_linear_model_cues_test.bin").string();
  model->Save(path);
  const auto loaded = LinearModel::Load(path);
  std::filesystem::remove(path);
  EXPECT_EQ(loaded->extractor().options().cues, cued.cues);
  EXPECT_EQ(Features(loaded->extractor(), "luggage broken").size(), Features(with_cues, "luggage broken").size());
}

TEST_F(LinearModelTest, KeywordCueFileIsParsedAndMalformedLinesAreRejected) {
  const auto path = (std::filesystem::temp_directory_path() / "voc_cues_test.tsv").string();
  { std::ofstream(path) << "# comment\nlost_bag\tLost missing\tbag luggage\nline\tqueue\n"; }
  const auto cues = LoadKeywordCues(path);
  ASSERT_EQ(cues.size(), 2u);
  EXPECT_EQ(cues[0].name, "lost_bag");
  EXPECT_EQ(cues[0].any, (std::vector<std::string>{"lost", "missing"}));  // lower-cased
  EXPECT_EQ(cues[0].with, (std::vector<std::string>{"bag", "luggage"}));
  EXPECT_TRUE(cues[1].with.empty());
  { std::ofstream(path) << "ok\tqueue\nbroken line without tabs\n"; }
  try {
    LoadKeywordCues(path);
    ADD_FAILURE() << "a malformed line was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(":2:"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
  EXPECT_THROW(LoadKeywordCues("/nonexistent/cues.tsv"), std::runtime_error);
}

TEST_F(LinearModelTest, LoadRejectsOtherFiles) {
  const auto path = (std::filesystem::temp_directory_path() / "voc_not_a_model.bin").string();
  { std::ofstream(path) << "hello"; }
  EXPECT_THROW(LinearModel::Load(path), std::runtime_error);
  std::filesystem::remove(path);
  EXPECT_THROW(LinearModel::Load("/nonexistent/model.bin"), std::runtime_error);
}

TEST_F(LinearModelTest, EmptyTextStillGetsAPrediction) {
  FeatureOptions options;
  options.hash_bits = 12;
  const FeatureExtractor extractor(options);
  const Corpus corpus = Build(extractor, kSentimentRows);
  const auto model = LinearModel::Train(corpus.examples, corpus.labels, {"negative", "positive"}, options, {});
  const auto prediction = model->Predict(Features(extractor, ""));
  EXPECT_GE(prediction.probability, 0.5);
}

// ---- Multi-label models and explanations (issue 10) -----------------------

// Each row may carry several labels or none: 0 = food, 1 = logistics.
const std::vector<std::pair<std::string, std::vector<int>>> kMultiLabelRows = {
    {"菜太咸了", {0}},
    {"饭菜难吃，味道很差", {0}},
    {"汤是凉的，菜也咸", {0}},
    {"送餐太慢了", {1}},
    {"骑手送了两个小时", {1}},
    {"配送慢，骑手态度差", {1}},
    {"送餐太慢，菜还很咸", {0, 1}},
    {"骑手迟到，饭菜难吃", {0, 1}},
    {"the food was salty", {0}},
    {"delivery was so slow", {1}},
    {"slow delivery and salty food", {0, 1}},
    {"下次再说吧", {}},
    {"no comment", {}},
};

class MultiLabelModelTest : public LinearModelTest {
 protected:
  std::unique_ptr<LinearModel> TrainMulti(const FeatureOptions& options) {
    const FeatureExtractor extractor(options);
    std::vector<std::vector<Feature>> examples;
    std::vector<std::vector<int>> sets;
    for (int repeat = 0; repeat < 5; ++repeat) {
      for (const auto& [text, labels] : kMultiLabelRows) {
        examples.push_back(Features(extractor, text));
        sets.push_back(labels);
      }
    }
    TrainingOptions training;
    training.epochs = 20;
    training.naive_bayes_scaling = false;
    return LinearModel::TrainMultiLabel(examples, sets, {"food", "logistics"}, options, training);
  }
  std::vector<double> Probabilities(const LinearModel& model, const std::string& raw) {
    const auto normalized = normalizer_.Normalize(raw);
    std::vector<double> p;
    model.Probabilities(normalized, segmenter_.Segment(normalized.text), p);
    return p;
  }
  FeatureOptions SmallOptions() {
    FeatureOptions options;
    options.hash_bits = 14;
    return options;
  }
};

TEST_F(MultiLabelModelTest, EachLabelIsItsOwnYesOrNo) {
  const auto model = TrainMulti(SmallOptions());
  EXPECT_TRUE(model->multi_label());
  const auto both = Probabilities(*model, "送餐太慢了，而且菜很咸");
  EXPECT_GT(both[0], 0.5);
  EXPECT_GT(both[1], 0.5);
  EXPECT_GT(both[0] + both[1], 1.0);  // not normalised to one distribution
  const auto food = Probabilities(*model, "菜太咸了");
  EXPECT_GT(food[0], 0.5);
  EXPECT_LT(food[1], 0.5);
  const auto neither = Probabilities(*model, "下次再说吧");
  EXPECT_LT(neither[0], 0.5);
  EXPECT_LT(neither[1], 0.5);
}

TEST_F(MultiLabelModelTest, SaveAndLoadKeepMultiLabelProbabilities) {
  const auto model = TrainMulti(SmallOptions());
  const auto path = (std::filesystem::temp_directory_path() / "voc_multi_label.model").string();
  model->Save(path);
  const auto loaded = LinearModel::Load(path);
  std::filesystem::remove(path);
  EXPECT_TRUE(loaded->multi_label());
  const auto a = Probabilities(*model, "骑手迟到，菜也咸"), b = Probabilities(*loaded, "骑手迟到，菜也咸");
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6);
}

TEST_F(MultiLabelModelTest, ExplainNamesTheWordsThatDecided) {
  const auto model = TrainMulti(SmallOptions());
  const auto normalized = normalizer_.Normalize("送餐太慢了，菜倒是还行");
  const auto tokens = segmenter_.Segment(normalized.text);
  const auto words = model->Explain(normalized, tokens, model->LabelIndex("logistics"));
  ASSERT_FALSE(words.empty());
  const bool names_delivery = std::any_of(words.begin(), words.end(), [](const std::string& w) {
    return w.find("送餐") != std::string::npos || w.find("太慢") != std::string::npos || w.find("慢") != std::string::npos;
  });
  EXPECT_TRUE(names_delivery) << words.front();
  const auto en = normalizer_.Normalize("the delivery was slow");
  const auto en_words = model->Explain(en, segmenter_.Segment(en.text), model->LabelIndex("logistics"));
  ASSERT_FALSE(en_words.empty());
  EXPECT_TRUE(std::find(en_words.begin(), en_words.end(), "delivery") != en_words.end() ||
              std::find(en_words.begin(), en_words.end(), "slow") != en_words.end())
      << en_words.front();
  EXPECT_EQ(model->LabelIndex("nothing"), -1);
  EXPECT_TRUE(model->Explain(en, segmenter_.Segment(en.text), 7).empty());  // no such label
}

TEST_F(MultiLabelModelTest, SoftmaxIsRefusedForMultiLabel) {
  TrainingOptions training;
  training.softmax = true;
  const FeatureOptions options = SmallOptions();
  const FeatureExtractor extractor(options);
  EXPECT_THROW(LinearModel::TrainMultiLabel({Features(extractor, "x")}, {{0}}, {"a"}, options, training),
               std::invalid_argument);
}

// A malformed model file is refused, and the message names its path.
TEST_F(MultiLabelModelTest, MalformedModelFilesAreRefusedWithTheirPath) {
  const auto model = TrainMulti(SmallOptions());
  const auto dir = std::filesystem::temp_directory_path();
  const auto good = (dir / "voc_good.model").string();
  model->Save(good);
  std::string bytes;
  {
    std::ifstream in(good, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::remove(good);
  std::uint32_t header_size = 0;
  std::memcpy(&header_size, bytes.data() + 8, 4);
  const std::string header = bytes.substr(12, header_size);
  const auto with_header = [&](const std::string& h) {
    std::string out = bytes.substr(0, 8);
    const std::uint32_t size = static_cast<std::uint32_t>(h.size());
    out.append(reinterpret_cast<const char*>(&size), 4).append(h).append(bytes.substr(12 + header_size));
    return out;
  };
  std::string no_labels = header;
  no_labels.replace(no_labels.find("\"labels\""), 8, "\"labelz\"");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated", bytes.substr(0, bytes.size() - 100)},
      {"trailing", bytes + "xx"},
      {"header_not_json", with_header("{not json")},
      {"header_without_labels", with_header(no_labels)},
      {"short_header", bytes.substr(0, 20)},
  };
  for (const auto& [name, content] : cases) {
    const auto path = (dir / ("voc_bad_" + name + ".model")).string();
    {
      std::ofstream(path, std::ios::binary) << content;
    }
    try {
      LinearModel::Load(path);
      ADD_FAILURE() << name << ": a malformed model was accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << name << ": " << e.what();
    }
    std::filesystem::remove(path);
  }
}

}  // namespace
}  // namespace voc::triage::sentiment
