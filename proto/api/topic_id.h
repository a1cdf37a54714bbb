// Topic ids are dotted paths: "logistics" is a top-level topic and
// "logistics.delivery_delay" one of its subtopics. Every filter "on a topic"
// in the loop (clusters, counts, drill-downs, routing) means the topic itself
// or any of its descendants; this is the one place that says so.
#pragma once

#include <string>
#include <string_view>

namespace voc::api {

// True when `topic` is `ancestor` or lies below it: "a.b" is under "a", but
// "ab" is not under "a". An empty ancestor matches every topic.
inline bool IsSameOrDescendant(std::string_view topic, std::string_view ancestor) {
  if (ancestor.empty()) return true;
  if (topic.size() < ancestor.size() || topic.substr(0, ancestor.size()) != ancestor) return false;
  return topic.size() == ancestor.size() || topic[ancestor.size()] == '.';
}

// "a.b.c" -> "a.b"; a top-level id -> "".
inline std::string_view ParentTopic(std::string_view topic) {
  const auto dot = topic.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : topic.substr(0, dot);
}

// "a.b.c" -> "a".
inline std::string_view TopLevelTopic(std::string_view topic) {
  return topic.substr(0, topic.find('.'));
}

// The same rule as a SQL condition on a text column, portable to SQLite and
// PostgreSQL, with three parameters to bind in order (`:t`, `:n`, `:p`, or
// prefixed by `param_prefix` when a statement needs two conditions):
//   (column = :t OR substr(column, 1, :n) = :p)
// Not LIKE: '_' (common in topic ids) is a wildcard there, and SQLite's LIKE
// ignores case.
struct TopicSqlCondition {
  std::string sql;
  std::string topic;   // bind to :t
  int prefix_length;   // bind to :n
  std::string prefix;  // bind to :p ("topic.")
};
TopicSqlCondition SameOrDescendantSql(std::string_view column, std::string_view topic,
                                      std::string_view param_prefix = "");

}  // namespace voc::api
