#include "common/metrics/registry.h"

#include <algorithm>
#include <stdexcept>

namespace voc::metrics {

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  // The first bound >= value ("le"); past the last one is the +Inf bucket.
  const auto index = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  counts_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.counts.reserve(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    snapshot.counts.push_back(counts_[i].load(std::memory_order_relaxed));
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                               0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5,
                                               5,      10};
  return kBuckets;
}

template <typename Series>
Series& Family<Series>::WithLabels(const std::vector<std::string>& values) {
  if (values.size() != descriptor_.label_names.size()) {
    throw std::logic_error("metric '" + descriptor_.name + "': " + std::to_string(values.size()) +
                           " label values for " + std::to_string(descriptor_.label_names.size()) + " labels");
  }
  std::lock_guard lock(mu_);
  auto& slot = series_[values];
  if (!slot) slot = Make();
  return *slot;
}

template <>
std::unique_ptr<Counter> Family<Counter>::Make() const { return std::make_unique<Counter>(); }
template <>
std::unique_ptr<Gauge> Family<Gauge>::Make() const { return std::make_unique<Gauge>(); }
template <>
std::unique_ptr<Histogram> Family<Histogram>::Make() const { return std::make_unique<Histogram>(bounds_); }

template <typename Series>
void Family<Series>::AppendTo(std::vector<MetricFamilySnapshot>& out) const {
  std::lock_guard lock(mu_);
  if (series_.empty()) return;
  MetricFamilySnapshot family{descriptor_, {}};
  for (const auto& [values, series] : series_) {
    Labels labels;
    for (std::size_t i = 0; i < values.size(); ++i) labels.emplace_back(descriptor_.label_names[i], values[i]);
    if constexpr (std::is_same_v<Series, Histogram>) {
      const Histogram::Snapshot read = series->Read();
      AppendHistogramSamples(labels, bounds_, read.counts, read.sum, family.samples);
    } else {
      family.samples.push_back({"", std::move(labels), static_cast<double>(series->value())});
    }
  }
  out.push_back(std::move(family));
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

CollectorHandle& CollectorHandle::operator=(CollectorHandle&& other) noexcept {
  if (this != &other) {
    Reset();
    registry_ = other.registry_;
    id_ = other.id_;
    other.registry_ = nullptr;
  }
  return *this;
}

void CollectorHandle::Reset() {
  if (registry_) registry_->RemoveCollector(id_);
  registry_ = nullptr;
}

Registry& Registry::Default() {
  // Never destroyed: static objects' destructors (and threads still counting
  // at exit) must not meet a dead registry.
  static Registry* registry = new Registry();
  return *registry;
}

template <typename Series>
Family<Series>& Registry::Add(MetricDescriptor descriptor, std::vector<double> bounds) {
  if (absl::Status valid = ValidateDescriptor(descriptor, bounds); !valid.ok()) {
    throw std::logic_error(std::string(valid.message()));
  }
  std::lock_guard lock(mu_);
  const bool taken = (counters_.count(descriptor.name) && !std::is_same_v<Series, Counter>) ||
                     (gauges_.count(descriptor.name) && !std::is_same_v<Series, Gauge>) ||
                     (histograms_.count(descriptor.name) && !std::is_same_v<Series, Histogram>);
  if (taken) throw std::logic_error("metric '" + descriptor.name + "' is registered with another type");
  auto& families = [this]() -> auto& {
    if constexpr (std::is_same_v<Series, Counter>) return counters_;
    else if constexpr (std::is_same_v<Series, Gauge>) return gauges_;
    else return histograms_;
  }();
  auto& slot = families[descriptor.name];
  if (slot) {
    const MetricDescriptor& existing = slot->descriptor();
    if (existing.help != descriptor.help || existing.label_names != descriptor.label_names ||
        slot->bounds_ != bounds) {
      throw std::logic_error("metric '" + descriptor.name + "' is registered with other help, labels or buckets");
    }
    return *slot;
  }
  slot.reset(new Family<Series>(std::move(descriptor), std::move(bounds)));
  return *slot;
}

CounterFamily& Registry::AddCounter(const std::string& name, const std::string& help,
                                    const std::vector<std::string>& label_names) {
  return Add<Counter>({name, help, MetricType::kCounter, label_names}, {});
}

GaugeFamily& Registry::AddGauge(const std::string& name, const std::string& help,
                                const std::vector<std::string>& label_names) {
  return Add<Gauge>({name, help, MetricType::kGauge, label_names}, {});
}

HistogramFamily& Registry::AddHistogram(const std::string& name, const std::string& help,
                                        const std::vector<std::string>& label_names,
                                        const std::vector<double>& bounds) {
  return Add<Histogram>({name, help, MetricType::kHistogram, label_names}, bounds);
}

CollectorHandle Registry::AddCollector(Collector collector) {
  std::lock_guard lock(mu_);
  const std::uint64_t id = next_collector_id_++;
  collectors_.emplace(id, std::move(collector));
  return CollectorHandle(this, id);
}

void Registry::RemoveCollector(std::uint64_t id) {
  // Waits for a scrape in progress, which may be running this collector.
  std::lock_guard lock(mu_);
  collectors_.erase(id);
}

std::vector<MetricFamilySnapshot> Registry::Collect() const {
  std::vector<MetricFamilySnapshot> out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : counters_) family->AppendTo(out);
  for (const auto& [name, family] : gauges_) family->AppendTo(out);
  for (const auto& [name, family] : histograms_) family->AppendTo(out);
  for (const auto& [id, collector] : collectors_) {
    for (auto& family : collector()) {
      if (!family.samples.empty()) out.push_back(std::move(family));
    }
  }
  // One family per name: a collector's family of a name that is already
  // there is merged into it when its type matches, else dropped (two TYPE
  // lines for one name would make the page unparseable).
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.descriptor.name < b.descriptor.name; });
  std::vector<MetricFamilySnapshot> merged;
  for (auto& family : out) {
    if (!merged.empty() && merged.back().descriptor.name == family.descriptor.name) {
      if (merged.back().descriptor.type == family.descriptor.type) {
        for (auto& sample : family.samples) merged.back().samples.push_back(std::move(sample));
      }
      continue;
    }
    merged.push_back(std::move(family));
  }
  return merged;
}

}  // namespace voc::metrics
