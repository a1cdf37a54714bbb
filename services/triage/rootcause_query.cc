#include "services/triage/rootcause_query.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/reports/periods.h"
#include "common/status/status.h"
#include "services/triage/drilldown_query.h"

namespace voc::triage {
namespace {

constexpr int kUnitPage = 1000;

std::string JoinKey(const google::protobuf::RepeatedPtrField<std::string>& key) {
  std::string out;
  for (const std::string& k : key) {
    if (!out.empty()) out += '|';
    out += k;
  }
  return out;
}

bool IsNumericType(const std::string& type) { return type == "int" || type == "float"; }

}  // namespace

v1::FeedbackKeys LinkFieldsOf(const DrillDownRow& row, const FeedbackLinkRow& links, int utc_offset_minutes) {
  v1::FeedbackKeys keys;
  keys.set_feedback_id(row.feedback_id);
  auto& fields = *keys.mutable_fields();
  // Free attributes first: a fixed field of the same name wins.
  for (const auto& [name, value] : links.attributes) fields[name] = value;
  if (!links.customer_id.empty()) fields["customer_id"] = links.customer_id;
  if (!row.store.empty()) fields["store"] = row.store;
  if (!row.region.empty()) fields["region"] = row.region;
  if (!row.product.empty()) fields["product"] = row.product;
  fields["occurred_day"] = reports::FormatDay(reports::DayOfMoment(links.occurred_ms, utc_offset_minutes));
  return keys;
}

absl::StatusOr<RootCauseAnswer> RunRootCauses(const RootCauseQuery& query, TriageStore& store, EntitySource& entities) {
  std::unordered_set<std::string> on_topic;
  if (!query.topic.empty()) {
    VOC_ASSIGN_OR_RETURN(on_topic, store.NegativeFeedbackOnTopic(query.topic, query.start_ms, query.end_ms));
  }
  VOC_ASSIGN_OR_RETURN(std::vector<DrillDownRow> rows,
                       store.LoadDrillDownRows(query.start_ms, query.end_ms, kMaxDrillDownDocuments));
  VOC_ASSIGN_OR_RETURN(const std::vector<FeedbackLinkRow> link_rows,
                       store.LoadFeedbackLinks(query.start_ms, query.end_ms, kMaxDrillDownDocuments));
  std::unordered_map<std::string, const FeedbackLinkRow*> links_of;
  for (const FeedbackLinkRow& l : link_rows) links_of[l.feedback_id] = &l;

  auto in_target = [&](const DrillDownRow& row) {
    if (!query.topic.empty()) return on_topic.count(row.feedback_id) > 0;
    if (!query.cluster_id.empty()) return row.cluster_id == query.cluster_id;
    if (row.normalized_text.empty()) return false;  // erased
    return std::all_of(query.signal_terms.begin(), query.signal_terms.end(),
                       [&](const std::string& t) { return row.normalized_text.find(t) != std::string::npos; });
  };

  // One JoinFeedback call for the whole window.
  v1::JoinFeedbackRequest join;
  std::vector<bool> target_flags;
  const FeedbackLinkRow empty_links;
  for (const DrillDownRow& row : rows) {
    const auto found = links_of.find(row.feedback_id);
    *join.add_feedback() = LinkFieldsOf(row, found == links_of.end() ? empty_links : *found->second,
                                        query.utc_offset_minutes);
    target_flags.push_back(in_target(row));
  }
  v1::JoinFeedbackResponse joined;
  if (!rows.empty()) {
    VOC_ASSIGN_OR_RETURN(joined, entities.JoinFeedback(join));
  }

  RootCauseAnswer answer;
  std::vector<JoinedDocument> target, baseline;
  // For rates: exposure-entity key -> the target feedback linked to it.
  std::unordered_map<std::string, std::vector<std::string>> events_of_unit;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    JoinedDocument doc;
    doc.feedback_id = rows[i].feedback_id;
    // The feedback's own fields and free attributes.
    for (const auto& [name, value] : join.feedback(static_cast<int>(i)).fields()) {
      if (name == "occurred_day" || name == "customer_id") continue;  // a day or a person is not a cause
      doc.attributes.emplace_back("feedback." + name, value);
    }
    doc.attributes.emplace_back("feedback.channel", rows[i].channel);
    bool any = false;
    if (i < static_cast<std::size_t>(joined.feedback_size())) {
      for (const v1::JoinedRow& r : joined.feedback(static_cast<int>(i)).rows()) {
        any = true;
        for (const auto& [name, value] : r.attributes()) doc.attributes.emplace_back(r.entity() + "." + name, value);
        if (target_flags[i] && r.entity() == query.exposure_entity) {
          events_of_unit[JoinKey(r.key())].push_back(rows[i].feedback_id);
        }
      }
    }
    std::sort(doc.attributes.begin(), doc.attributes.end());
    if (target_flags[i]) {
      answer.target_joined += any;
      target.push_back(std::move(doc));
    } else {
      answer.baseline_joined += any;
      baseline.push_back(std::move(doc));
    }
  }
  answer.target_size = target.size();
  answer.baseline_size = baseline.size();
  answer.enrichment = FindOverRepresented(target, baseline, query.options);

  if (query.exposure_entity.empty()) return answer;

  // Rates: the exposure entity's rows in the window are the units.
  VOC_ASSIGN_OR_RETURN(const v1::EntitySchema schema, entities.GetEntitySchema());
  const v1::EntityDefinition* def = nullptr;
  for (const auto& e : schema.entities())
    if (e.name() == query.exposure_entity) def = &e;
  if (def == nullptr) return status::InvalidArgument("exposure_entity", "unknown entity '" + query.exposure_entity + "'");
  std::set<std::string> date_keys, skip;
  for (const auto& a : def->attributes()) {
    const bool is_key = std::find(def->key().begin(), def->key().end(), a.name()) != def->key().end();
    if (is_key && a.type() == "date") date_keys.insert(a.name());
    if (a.name() == query.exposure_attribute && !IsNumericType(a.type())) {
      return status::InvalidArgument("exposure_attribute", "'" + a.name() + "' is a " + a.type() + ", not a number");
    }
  }
  if (!query.exposure_attribute.empty() &&
      std::none_of(def->attributes().begin(), def->attributes().end(),
                   [&](const v1::AttributeSchema& a) { return a.name() == query.exposure_attribute; })) {
    return status::InvalidArgument("exposure_attribute",
                                   "'" + query.exposure_attribute + "' is not an attribute of " + def->name());
  }
  // Not groups: the window's day (a group of one day is a unit, not a
  // cause), the exposure itself, and attributes with (nearly) one value per
  // unit (a vin, an owner), which only lengthen the family.
  skip = date_keys;
  if (!query.exposure_attribute.empty()) skip.insert(query.exposure_attribute);
  const std::string first_day =
      reports::FormatDay(reports::DayOfMoment(query.start_ms, query.utc_offset_minutes));
  const std::string last_day =
      reports::FormatDay(reports::DayOfMoment(query.end_ms - 1, query.utc_offset_minutes));

  std::vector<ExposureUnit> units;
  std::map<std::string, std::set<std::string>> distinct;
  v1::ListEntitiesRequest list;
  list.set_entity(def->name());
  list.set_page_size(kUnitPage);
  for (;;) {
    VOC_ASSIGN_OR_RETURN(const v1::ListEntitiesResponse page, entities.ListEntities(list));
    for (const v1::Entity& e : page.entities()) {
      bool inside = true;
      for (const std::string& d : date_keys) {
        const auto v = e.attributes().find(d);
        if (v == e.attributes().end() || v->second < first_day || v->second > last_day) inside = false;
      }
      if (!inside) continue;
      ExposureUnit u;
      u.unit = JoinKey(e.key());
      if (!query.exposure_attribute.empty()) {
        const auto v = e.attributes().find(query.exposure_attribute);
        u.exposure = v == e.attributes().end() || v->second.empty() ? 0.0 : std::atof(v->second.c_str());
      }
      for (const auto& [name, value] : e.attributes()) {
        if (skip.count(name) || value.empty()) continue;
        u.attributes.emplace_back(name, value);
        distinct[name].insert(value);
      }
      if (const auto ev = events_of_unit.find(u.unit); ev != events_of_unit.end()) u.feedback_ids = ev->second;
      units.push_back(std::move(u));
      if (units.size() >= static_cast<std::size_t>(kMaxExposureUnits)) break;
    }
    if (page.next_page_token().empty() || page.entities().empty() ||
        units.size() >= static_cast<std::size_t>(kMaxExposureUnits)) {
      break;
    }
    list.set_page_token(page.next_page_token());
  }
  std::set<std::string> near_unique;
  for (const auto& [name, values] : distinct)
    if (values.size() > 1 && values.size() * 5 > units.size()) near_unique.insert(name);
  for (ExposureUnit& u : units) {
    std::erase_if(u.attributes, [&](const auto& a) { return near_unique.count(a.first) > 0; });
  }
  answer.has_rates = true;
  answer.rates = FindHighRates(units, query.options);
  return answer;
}

}  // namespace voc::triage
