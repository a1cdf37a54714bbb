// Outreach segments (issue 13): a small, validated query over the rows of
// one entity (not free SQL) naming customers. Which rows: every condition
// of `where` holds (segment.cc says how each op compares); which customers:
// the distinct non-empty values of `customer_attribute` among those rows,
// less the ones who already complained on a topic (the caller gives them).
//
//   {entity: vehicle, where: [{attribute: production_batch, op: eq, values: [B-2026-07]}]}
//   {entity: order, where: [{attribute: item, op: eq, values: [sku-1]},
//                           {attribute: ordered_at, op: within_days, values: ["30"]}]}
//   {entity: customer, where: [{attribute: products_owned, op: has, values: [app-5.2.0]}],
//    not_complained_topic: app.crash}
#pragma once

#include <absl/status/status.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "services/entities/schema.h"
#include "voc/v1/outreach.pb.h"

namespace voc::entities::outreach {

enum class Op { kEq, kNe, kHas, kGte, kLte, kWithinDays };

struct Condition {
  int attribute = -1;  // index into EntityDef::attributes
  Op op = Op::kEq;
  std::vector<std::string> values;  // canonical text of the attribute's type
  int days = 0;                     // kWithinDays
};

// A query checked against the schema in force.
struct CompiledSegment {
  const EntityDef* entity = nullptr;
  std::vector<Condition> where;
  std::string customer_attribute;
  std::string not_complained_topic;
  int not_complained_days = 90;
};

inline constexpr int kMostConditions = 10;
inline constexpr int kMostValues = 1000;

// INVALID_ARGUMENT naming the field ("query.where[1].values: ...") for an
// unknown entity or attribute, an unknown op, a value not of the
// attribute's type, too many conditions or values.
absl::StatusOr<CompiledSegment> Compile(const EntitySchema& schema, const v1::SegmentQuery& query);

// Whether a row (its attributes by name, canonical text) meets every condition at `now`.
bool Matches(const CompiledSegment& segment, const std::map<std::string, std::string>& attributes, TimePoint now);

// Accumulates matching rows into the member set.
class SegmentBuilder {
 public:
  SegmentBuilder(const CompiledSegment& segment, TimePoint now) : segment_(segment), now_(now) {}
  void Add(const std::map<std::string, std::string>& attributes);
  // The members less `complained` (customers to leave out).
  std::vector<std::string> Finish(const std::set<std::string>& complained);
  std::int64_t rows_matched() const { return rows_matched_; }
  std::int64_t excluded() const { return excluded_; }

 private:
  const CompiledSegment& segment_;
  TimePoint now_;
  std::set<std::string> members_;
  std::int64_t rows_matched_ = 0;
  std::int64_t excluded_ = 0;
};

}  // namespace voc::entities::outreach
