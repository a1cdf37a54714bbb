#include "proto/api/topic_id.h"

namespace voc::api {

TopicSqlCondition SameOrDescendantSql(std::string_view column, std::string_view topic,
                                      std::string_view param_prefix) {
  const std::string c(column);
  const std::string p(param_prefix);
  TopicSqlCondition condition;
  condition.sql = "(" + c + " = :" + p + "t OR substr(" + c + ", 1, :" + p + "n) = :" + p + "p)";
  condition.topic = std::string(topic);
  condition.prefix = condition.topic + ".";
  condition.prefix_length = static_cast<int>(condition.prefix.size());  // ids are ASCII
  return condition;
}

}  // namespace voc::api
