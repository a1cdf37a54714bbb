// What de-identification costs (issue 9): privacy::Masker::Mask over
// synthetic Chinese and English feedback (generated here from fragments, with
// a seeded generator: ~30% of fragments carry a phone number, an e-mail
// address, an ID number, a plate, an order number or a known name), over
// texts with nothing to mask, over one long text, and building the masker
// from 2,000 names. The masker runs on every cluster text and knowledge
// entry returned, so the per-text figure is what a page of 50 clusters pays
// 50 times.
//
// Optional: VOC_DATA_DIR (the shared data folder) adds BM_MaskDataset over
// three of its files (online_shopping_10_cats, waimai_10k, airline_tweets_en:
// real feedback, read at run time, never copied into the repository):
//
//   ./build/tests/benchmarks/masker_benchmark
//   VOC_DATA_DIR=../shared/data ./build/tests/benchmarks/masker_benchmark
//
// items_per_second is texts per second on one thread; bytes_per_second the
// UTF-8 input consumed.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "common/privacy/masker.h"
#include "tools/triage/dataset.h"

namespace {

using voc::privacy::Masker;

const std::vector<std::string> kZhPlain = {
    "快递三天还没到，物流信息一直不更新",
    "客服态度很差，打了好几次都没人管",
    "质量还不错，价格299元也合适",
    "2026-12-01 下的单，到现在还没发货",
    "星辰 S7 用了两周屏幕就坏了",
    "退款申请提交 10 天了一直没到账",
    "包装破损，里面的东西也摔坏了",
    "希望尽快处理，不然我要投诉",
    "门店排队 45 分钟，体验很差",
    "这次活动打 8 折，比上次便宜 30%",
};
const std::vector<std::string> kZhPii = {
    "我的手机138 1234 5678，请回电",  "可以打 010-12345678 找我",      "邮箱是 li.na@example.com",
    "订单号：JD20261201123456",       "身份证号110105199003071234",    "车牌粤B·D12345被刮了",
    "王磊说会处理，结果没人管",       "联系 13912345678 或者 400-820-8820", "快递单号773012345678901",
};
const std::vector<std::string> kEnPlain = {
    "The parcel is three days late and tracking never updates.",
    "Customer service was rude and nobody called back.",
    "The Model Y charger stopped working after two weeks.",
    "Price was $299, which is fair for the quality.",
    "Ordered on 2026-12-01 and it still has not shipped.",
    "Refund requested 10 days ago, still nothing.",
    "The box was crushed and the screen cracked.",
    "Waited 45 minutes in the store at 10:30 on Saturday.",
};
const std::vector<std::string> kEnPii = {
    "Call me at +1 415 555 0100 please.", "My email is emily.carter@example.com.",
    "Order no. 2026120100012345 is missing.", "Emily Carter promised a refund.",
    "Or reach me on (415) 555-0100.",    "Ms. Carter never called back.",
};

// `count` texts of 3..8 fragments, each with `pii_share` chance of carrying
// personal data.
std::vector<std::string> Generate(const std::vector<std::string>& plain, const std::vector<std::string>& pii,
                                  const char* joiner, double pii_share, int count, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> fragments(3, 8);
  std::bernoulli_distribution with_pii(pii_share);
  std::vector<std::string> texts;
  texts.reserve(count);
  for (int i = 0; i < count; ++i) {
    std::string text;
    const int n = fragments(random);
    for (int f = 0; f < n; ++f) {
      const auto& pool = with_pii(random) ? pii : plain;
      if (!text.empty()) text += joiner;
      text += pool[random() % pool.size()];
    }
    texts.push_back(std::move(text));
  }
  return texts;
}

// 2,000 names a mid-sized directory might hold (people and customers), with
// the ones the texts use.
std::vector<std::string> DirectoryNames() {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"};
  static const char* kGiven[] = {"伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "勇",
                                 "军", "杰", "娟", "涛", "明", "超", "秀英", "晓雨", "建华", "思远"};
  static const char* kFirst[] = {"James", "Mary", "John", "Linda", "David", "Susan", "Emily", "Ryan", "Olivia", "Lucas"};
  static const char* kLast[] = {"Smith", "Brown", "Miller", "Wilson", "Moore", "Clarke", "Carter", "Bennett", "Moreau", "Sharma"};
  std::vector<std::string> names;
  for (const char* s : kSurnames)
    for (const char* g : kGiven)
      for (int suffix = 0; suffix < 5; ++suffix) names.push_back(std::string(s) + g + (suffix ? kGiven[suffix] : ""));
  for (const char* f : kFirst)
    for (const char* l : kLast)
      for (int middle = 0; middle < 10; ++middle)
        names.push_back(std::string(f) + (middle ? std::string(" ") + static_cast<char>('A' + middle) + "." : "") +
                        " " + l);
  names.resize(2000);
  names.push_back("王磊");
  names.push_back("Emily Carter");
  return names;
}

const Masker& TheMasker() {
  static const Masker masker(DirectoryNames());
  return masker;
}

void RunOver(benchmark::State& state, const std::vector<std::string>& texts) {
  const Masker& masker = TheMasker();
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& text = texts[i];
    benchmark::DoNotOptimize(masker.Mask(text));
    bytes += text.size();
    if (++i == texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_MaskChinese(benchmark::State& state) {
  static const auto texts = Generate(kZhPlain, kZhPii, "，", 0.3, 2000, 1);
  RunOver(state, texts);
}
BENCHMARK(BM_MaskChinese);

void BM_MaskEnglish(benchmark::State& state) {
  static const auto texts = Generate(kEnPlain, kEnPii, " ", 0.3, 2000, 2);
  RunOver(state, texts);
}
BENCHMARK(BM_MaskEnglish);

// The common case: nothing to mask, the text comes back as it was.
void BM_MaskNothingToMask(benchmark::State& state) {
  static const auto texts = Generate(kZhPlain, kZhPii, "，", 0.0, 2000, 3);
  RunOver(state, texts);
}
BENCHMARK(BM_MaskNothingToMask);

// A long knowledge entry: ~16 KB of mixed text.
void BM_MaskLongText(benchmark::State& state) {
  static const std::vector<std::string> texts = [] {
    std::string text;
    for (const auto& t : Generate(kZhPlain, kZhPii, "，", 0.3, 40, 4)) text += t + "。";
    for (const auto& t : Generate(kEnPlain, kEnPii, " ", 0.3, 40, 5)) text += t + " ";
    return std::vector<std::string>{text};
  }();
  RunOver(state, texts);
  state.counters["text_kb"] = static_cast<double>(texts[0].size()) / 1024.0;
}
BENCHMARK(BM_MaskLongText);

void BM_BuildFrom2000Names(benchmark::State& state) {
  const auto names = DirectoryNames();
  for (auto _ : state) benchmark::DoNotOptimize(Masker(names));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BuildFrom2000Names);

// Real feedback: `file` under $VOC_DATA_DIR. changed_share is the share of
// texts the masker changed (with no directory names: patterns only).
void BM_MaskDataset(benchmark::State& state, const char* file) {
  const char* dir = std::getenv("VOC_DATA_DIR");
  if (!dir || !*dir) {
    state.SkipWithError("set VOC_DATA_DIR to the shared data folder");
    return;
  }
  std::vector<std::string> texts;
  for (auto& row : voc::triage::tools::ReadLabelledCsv(std::string(dir) + "/" + file)) {
    texts.push_back(std::move(row.text));
  }
  const Masker patterns_only;
  std::size_t changed = 0;
  for (const auto& t : texts) changed += patterns_only.Mask(t) != t ? 1 : 0;
  RunOver(state, texts);
  state.counters["texts"] = static_cast<double>(texts.size());
  state.counters["changed_share"] = static_cast<double>(changed) / static_cast<double>(texts.size());
}
BENCHMARK_CAPTURE(BM_MaskDataset, online_shopping_zh, "online_shopping_10_cats/train.csv");
BENCHMARK_CAPTURE(BM_MaskDataset, waimai_zh, "waimai_10k/train.csv");
BENCHMARK_CAPTURE(BM_MaskDataset, airline_tweets_en, "airline_tweets_en/train.csv");

}  // namespace

BENCHMARK_MAIN();
