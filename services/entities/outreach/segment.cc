#include "services/entities/outreach/segment.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_split.h>
#include <absl/strings/strip.h>
#include <absl/time/time.h>

#include <algorithm>

#include "common/status/status.h"
#include "common/util/time.h"
#include "services/entities/row_check.h"

namespace voc::entities::outreach {
namespace {

bool ParseOp(const std::string& name, Op* op) {
  static const std::map<std::string, Op> kOps = {{"eq", Op::kEq},   {"ne", Op::kNe},   {"has", Op::kHas},
                                                 {"gte", Op::kGte}, {"lte", Op::kLte}, {"within_days", Op::kWithinDays}};
  auto it = kOps.find(name);
  if (it == kOps.end()) return false;
  *op = it->second;
  return true;
}

std::string Field(int i, const char* name) { return "query.where[" + std::to_string(i) + "]." + name; }

// Negative, zero or positive as `a` is below, equal to or above `b`, as
// values of `type` (both canonical).
int Compare(AttributeType type, const std::string& a, const std::string& b) {
  if (type == AttributeType::kInt) {
    std::int64_t x = 0, y = 0;
    if (absl::SimpleAtoi(a, &x) && absl::SimpleAtoi(b, &y)) return x < y ? -1 : (x > y ? 1 : 0);
  } else if (type == AttributeType::kFloat) {
    double x = 0, y = 0;
    if (absl::SimpleAtod(a, &x) && absl::SimpleAtod(b, &y)) return x < y ? -1 : (x > y ? 1 : 0);
  }
  // Dates (YYYY-MM-DD) and canonical timestamps (UTC, fixed width) order as text.
  return a.compare(b);
}

bool Holds(const EntityDef& entity, const Condition& c, const std::map<std::string, std::string>& attributes,
           TimePoint now) {
  const AttributeDef& a = entity.attributes[static_cast<std::size_t>(c.attribute)];
  auto it = attributes.find(a.name);
  const bool present = it != attributes.end() && !it->second.empty();
  const std::string value = present ? it->second : "";
  switch (c.op) {
    case Op::kEq:
      return present && std::find(c.values.begin(), c.values.end(), value) != c.values.end();
    case Op::kNe:
      return !present || std::find(c.values.begin(), c.values.end(), value) == c.values.end();
    case Op::kHas:
      if (!present) return false;
      for (absl::string_view item : absl::StrSplit(value, ';')) {
        const std::string member(absl::StripAsciiWhitespace(item));
        if (std::find(c.values.begin(), c.values.end(), member) != c.values.end()) return true;
      }
      return false;
    case Op::kGte:
      return present && Compare(a.type, value, c.values[0]) >= 0;
    case Op::kLte:
      return present && Compare(a.type, value, c.values[0]) <= 0;
    case Op::kWithinDays: {
      if (!present) return false;
      const TimePoint since = now - std::chrono::hours(24) * c.days;
      if (a.type == AttributeType::kDate) {
        const std::string first_day = absl::FormatTime("%Y-%m-%d", absl::FromChrono(since), absl::UTCTimeZone());
        const std::string today = absl::FormatTime("%Y-%m-%d", absl::FromChrono(now), absl::UTCTimeZone());
        return value >= first_day && value <= today;
      }
      TimePoint t;
      if (!ParseRfc3339(value, &t)) return false;
      return t >= since && t <= now;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<CompiledSegment> Compile(const EntitySchema& schema, const v1::SegmentQuery& query) {
  CompiledSegment out;
  if (query.entity().empty()) return status::InvalidArgument("query.entity", "must name an entity (" + schema.Names() + ")");
  out.entity = schema.Find(query.entity());
  if (out.entity == nullptr) {
    return status::InvalidArgument("query.entity", "unknown entity '" + query.entity() + "' (" + schema.Names() + ")");
  }
  const EntityDef& e = *out.entity;
  if (query.where_size() > kMostConditions) {
    return status::InvalidArgument("query.where", "at most " + std::to_string(kMostConditions) + " conditions");
  }
  for (int i = 0; i < query.where_size(); ++i) {
    const v1::SegmentCondition& w = query.where(i);
    Condition c;
    c.attribute = e.Index(w.attribute());
    if (c.attribute < 0) {
      return status::InvalidArgument(Field(i, "attribute"), "'" + w.attribute() + "' is not an attribute of " + e.name);
    }
    const AttributeDef& a = e.attributes[static_cast<std::size_t>(c.attribute)];
    if (!ParseOp(w.op(), &c.op)) {
      return status::InvalidArgument(Field(i, "op"), "unknown op '" + w.op() + "' (eq, ne, has, gte, lte, within_days)");
    }
    if (w.values_size() == 0) return status::InvalidArgument(Field(i, "values"), "must not be empty");
    if (w.values_size() > kMostValues) {
      return status::InvalidArgument(Field(i, "values"), "at most " + std::to_string(kMostValues) + " values");
    }
    const bool single = c.op == Op::kGte || c.op == Op::kLte || c.op == Op::kWithinDays;
    if (single && w.values_size() != 1) return status::InvalidArgument(Field(i, "values"), "takes exactly one value");
    if (c.op == Op::kHas && a.type != AttributeType::kString) {
      return status::InvalidArgument(Field(i, "op"), "has needs a string attribute; " + a.name + " is " +
                                                         AttributeTypeName(a.type));
    }
    if ((c.op == Op::kGte || c.op == Op::kLte) && a.type == AttributeType::kBool) {
      return status::InvalidArgument(Field(i, "op"), "a bool attribute compares with eq or ne only");
    }
    if (c.op == Op::kWithinDays) {
      if (a.type != AttributeType::kDate && a.type != AttributeType::kTimestamp) {
        return status::InvalidArgument(Field(i, "op"), "within_days needs a date or timestamp attribute; " + a.name +
                                                           " is " + AttributeTypeName(a.type));
      }
      if (!absl::SimpleAtoi(w.values(0), &c.days) || c.days < 1 || c.days > 3650) {
        return status::InvalidArgument(Field(i, "values"), "within_days takes a number of days in 1..3650");
      }
    } else if (c.op == Op::kHas) {
      for (const std::string& v : w.values()) c.values.emplace_back(absl::StripAsciiWhitespace(v));
    } else {
      for (const std::string& v : w.values()) {
        auto canonical = CanonicalValue(a, v);
        if (!canonical.ok()) return status::InvalidArgument(Field(i, "values"), std::string(canonical.status().message()));
        c.values.push_back(*std::move(canonical));
      }
    }
    out.where.push_back(std::move(c));
  }
  out.customer_attribute = query.customer_attribute();
  if (out.customer_attribute.empty()) {
    if (e.Find("customer_id") != nullptr) {
      out.customer_attribute = "customer_id";
    } else if (e.Find("owner_customer_id") != nullptr) {
      out.customer_attribute = "owner_customer_id";
    } else {
      return status::InvalidArgument("query.customer_attribute",
                                     e.name + " has no customer_id or owner_customer_id; name the attribute");
    }
  }
  const AttributeDef* customer = e.Find(out.customer_attribute);
  if (customer == nullptr || customer->type != AttributeType::kString) {
    return status::InvalidArgument("query.customer_attribute",
                                   "'" + out.customer_attribute + "' is not a string attribute of " + e.name);
  }
  out.not_complained_topic = query.not_complained_topic();
  out.not_complained_days = query.not_complained_days() == 0 ? 90 : query.not_complained_days();
  if (out.not_complained_days < 1 || out.not_complained_days > 3650) {
    return status::InvalidArgument("query.not_complained_days", "must be in 1..3650 (0: 90)");
  }
  return out;
}

bool Matches(const CompiledSegment& segment, const std::map<std::string, std::string>& attributes, TimePoint now) {
  for (const Condition& c : segment.where) {
    if (!Holds(*segment.entity, c, attributes, now)) return false;
  }
  return true;
}

void SegmentBuilder::Add(const std::map<std::string, std::string>& attributes) {
  if (!Matches(segment_, attributes, now_)) return;
  ++rows_matched_;
  auto it = attributes.find(segment_.customer_attribute);
  if (it != attributes.end() && !it->second.empty()) members_.insert(it->second);
}

std::vector<std::string> SegmentBuilder::Finish(const std::set<std::string>& complained) {
  std::vector<std::string> out;
  out.reserve(members_.size());
  for (const std::string& m : members_) {
    if (complained.count(m) > 0) {
      ++excluded_;
      continue;
    }
    out.push_back(m);
  }
  return out;
}

}  // namespace voc::entities::outreach
