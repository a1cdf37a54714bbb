#include "services/tracking/store/case_explanation.h"

#include <google/protobuf/util/json_util.h>

#include "common/erasure/erased_text.h"
#include "common/storage/rows.h"

namespace voc::tracking {

std::string ExplanationColumn(const v1::CaseExplanation& explanation) {
  if (explanation.ByteSizeLong() == 0) return "";
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(explanation, &json, options).ok()) return "";
  return json;
}

v1::CaseExplanation ExplanationFromColumn(const std::string& column) {
  v1::CaseExplanation explanation;
  if (column.empty()) return explanation;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // written by a newer version
  if (!google::protobuf::util::JsonStringToMessage(column, &explanation, options).ok()) explanation.Clear();
  return explanation;
}

void ReadExplanation(soci::session& s, v1::Case& c) {
  std::string column;
  soci::indicator ind = soci::i_ok;
  s << "SELECT explanation FROM cases WHERE id = :id", soci::into(column, ind), soci::use(c.id());
  if (!s.got_data() || ind == soci::i_null) return;
  v1::CaseExplanation explanation = ExplanationFromColumn(column);
  if (explanation.ByteSizeLong() == 0) return;
  *c.mutable_explanation() = std::move(explanation);
}

bool EraseExplanation(v1::CaseExplanation& e, const std::string& customer_id, const std::string& erased_id) {
  const std::string before = e.SerializeAsString();
  e.clear_evidence();
  for (v1::TopicMatch& topic : *e.mutable_topics()) topic.clear_evidence();
  for (v1::RedLineHit& hit : *e.mutable_red_lines()) hit.clear_matched();
  e.set_priority_reason(erasure::ReplaceToken(e.priority_reason(), customer_id, erased_id));
  if (e.has_routing()) {
    e.mutable_routing()->set_reason(erasure::ReplaceToken(e.routing().reason(), customer_id, erased_id));
  }
  return e.SerializeAsString() != before;
}

}  // namespace voc::tracking
