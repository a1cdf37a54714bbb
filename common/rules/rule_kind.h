// RuleKind: one kind of editable rules a service runs (triage: taxonomy, red
// lines, priority; assignment: routing), as RuleHistory and RuleFollower
// (rule_history.h) see it: what runs now, how a YAML text is validated, and
// how validated rules are installed. The service's own rule types stay its
// own; RuleSet carries them opaquely from Parse to Install.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace voc::rules {

// One set of rules of a kind, validated.
struct RuleSet {
  std::string label;         // the file's own `version` field
  std::string content_hash;  // of `yaml` (config::ContentHash)
  std::string yaml;
  std::shared_ptr<const void> rules;  // the kind's own parsed object
};

class RuleKind {
 public:
  explicit RuleKind(std::string name) : name_(std::move(name)) {}
  virtual ~RuleKind() = default;

  const std::string& name() const { return name_; }
  // The rules running here.
  virtual RuleSet Running() const = 0;
  // INVALID_ARGUMENT "<source>:<line>: <problem>" when `yaml` does not
  // validate. Installs nothing.
  virtual absl::StatusOr<RuleSet> Parse(const std::string& yaml, const std::string& source) const = 0;
  // Installs what Parse returned (of this kind) for every later use.
  virtual void Install(const RuleSet& rules) = 0;

 private:
  const std::string name_;
};

// A kind held in a store of immutable rules, as triage's TaxonomyStore,
// RedLineStore and PriorityStore are: Store::Current() and
// Store::Replace(std::shared_ptr<const Rules>), Rules::Parse(yaml, source)
// -> absl::StatusOr<std::shared_ptr<const Rules>>, and Rules' version(),
// content_hash() and source_yaml().
template <typename Store>
class StoreRuleKind final : public RuleKind {
 public:
  using Rules = std::remove_const_t<typename decltype(std::declval<Store&>().Current())::element_type>;

  StoreRuleKind(std::string name, Store& store) : RuleKind(std::move(name)), store_(store) {}

  RuleSet Running() const override { return Of(store_.Current()); }
  absl::StatusOr<RuleSet> Parse(const std::string& yaml, const std::string& source) const override {
    auto parsed = Rules::Parse(yaml, source);
    if (!parsed.ok()) return parsed.status();
    return Of(*std::move(parsed));
  }
  void Install(const RuleSet& rules) override { store_.Replace(std::static_pointer_cast<const Rules>(rules.rules)); }

 private:
  static RuleSet Of(std::shared_ptr<const Rules> rules) {
    RuleSet set{rules->version(), rules->content_hash(), rules->source_yaml(), nullptr};
    set.rules = std::move(rules);
    return set;
  }
  Store& store_;
};

}  // namespace voc::rules
