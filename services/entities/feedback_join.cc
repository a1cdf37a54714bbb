// EntityService::JoinFeedback (issue 13): the join behind triage's
// root-cause drill-down. It runs here, beside the schema and the rows:
// triage sends each feedback's link fields once, in one call, and gets back
// the rows they reach; it never learns the schema's links or reads these
// tables (docs/architecture.md, "Root causes in joined data").
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "common/status/status.h"
#include "services/entities/entity_access.h"
#include "services/entities/entity_service.h"

namespace voc::entities {
namespace {

const std::string* Field(const v1::FeedbackKeys& feedback, const std::string& name) {
  const auto it = feedback.fields().find(name);
  return it == feedback.fields().end() || it->second.empty() ? nullptr : &it->second;
}

void AddRow(const EntityDef& def, const EntityRecord& record, const std::string& via, v1::JoinedFeedback& to) {
  v1::JoinedRow* row = to.add_rows();
  row->set_entity(def.name);
  for (std::string& k : SplitKey(def, record.key)) row->add_key(std::move(k));
  for (const auto& [name, value] : record.attributes) (*row->mutable_attributes())[name] = value;
  row->set_via(via);
}

}  // namespace

absl::StatusOr<v1::JoinFeedbackResponse> EntityService::JoinFeedback(const auth::Principal& caller,
                                                                    const v1::JoinFeedbackRequest& request) {
  VOC_RETURN_IF_ERROR(MayReadEntities(caller));
  if (request.feedback_size() > kMostJoinFeedback) {
    return status::InvalidArgument("feedback", "at most " + std::to_string(kMostJoinFeedback) + " a call, got " +
                                                   std::to_string(request.feedback_size()));
  }
  const std::shared_ptr<const EntitySchema> schema = schema_.Get();
  std::vector<const EntityDef*> defs;
  if (request.entities().empty()) {
    for (const EntityDef& e : schema->entities()) defs.push_back(&e);
  } else {
    for (const std::string& name : request.entities()) {
      const EntityDef* def = schema->Find(name);
      if (def == nullptr) return status::InvalidArgument("entities", "unknown entity '" + name + "' (" + schema->Names() + ")");
      defs.push_back(def);
    }
  }

  const std::size_t n = static_cast<std::size_t>(request.feedback_size());
  v1::JoinFeedbackResponse out;
  for (const v1::FeedbackKeys& f : request.feedback()) out.add_feedback()->set_feedback_id(f.feedback_id());
  std::int64_t joined = 0;

  for (const EntityDef* def : defs) {
    // By link: every key attribute from its feedback field, one stored key.
    std::unordered_map<std::string, std::vector<std::size_t>> by_key;
    std::vector<bool> linked(n, false);
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::string> values;
      for (const std::string& k : def->key) {
        for (const FeedbackLink& l : def->links) {
          if (l.attribute != k) continue;
          if (const std::string* v = Field(request.feedback(static_cast<int>(i)), l.feedback_field)) values.push_back(*v);
          break;
        }
      }
      if (values.size() != def->key.size()) continue;
      absl::StatusOr<std::string> key = StoredKey(*def, values);
      if (key.ok()) by_key[*key].push_back(i);  // a value not of the key's type links to nothing
    }
    if (!by_key.empty()) {
      std::vector<std::string> keys;
      keys.reserve(by_key.size());
      for (const auto& entry : by_key) keys.push_back(entry.first);
      VOC_ASSIGN_OR_RETURN(const std::vector<EntityRecord> rows, store_.FindRows(def->name, keys));
      for (const EntityRecord& r : rows) {
        for (std::size_t i : by_key[r.key]) {
          AddRow(*def, r, "link", *out.mutable_feedback(static_cast<int>(i)));
          linked[i] = true;
          ++joined;
        }
      }
    }

    // By lookup: the feedback the links did not reach, matched on any
    // attribute: only the rows holding a wanted value, through the lookup
    // index of (entity, attribute) (store/entity_store.h), in key order.
    if (def->lookups.empty()) continue;
    std::map<std::pair<std::string, std::string>, std::vector<std::pair<std::size_t, std::string>>> wanted;
    std::map<std::string, std::set<std::string>> values_of;  // attribute -> the values wanted
    for (std::size_t i = 0; i < n; ++i) {
      if (linked[i]) continue;
      for (const FeedbackLink& l : def->lookups) {
        const std::string* v = Field(request.feedback(static_cast<int>(i)), l.feedback_field);
        if (v == nullptr) continue;
        absl::StatusOr<std::string> canonical = CanonicalValue(*def->Find(l.attribute), *v);
        if (!canonical.ok()) continue;
        values_of[l.attribute].insert(*canonical);
        wanted[{l.attribute, *canonical}].push_back({i, "lookup:" + l.feedback_field});
      }
    }
    if (wanted.empty()) continue;
    std::map<std::string, EntityRecord> matched;  // by key: a row two lookups reach is read once
    for (const auto& [attribute, values] : values_of) {
      VOC_ASSIGN_OR_RETURN(std::vector<EntityRecord> rows,
                           store_.FindRowsByAttribute(def->name, attribute, {values.begin(), values.end()}));
      for (EntityRecord& r : rows) matched.try_emplace(r.key, std::move(r));
    }
    for (const auto& [key, r] : matched) {
      std::set<std::size_t> done;  // a row two lookups match joins a feedback once
      for (const FeedbackLink& l : def->lookups) {
        const auto value = r.attributes.find(l.attribute);
        if (value == r.attributes.end()) continue;
        const auto hit = wanted.find({l.attribute, value->second});
        if (hit == wanted.end()) continue;
        for (const auto& [i, via] : hit->second) {
          if (!done.insert(i).second) continue;
          AddRow(*def, r, via, *out.mutable_feedback(static_cast<int>(i)));
          ++joined;
        }
      }
    }
  }
  out.set_rows_joined(joined);
  return out;
}

}  // namespace voc::entities
