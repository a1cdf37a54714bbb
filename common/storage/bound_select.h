// A statement built at run time and its bound values, in the order of their
// placeholders: for SQL whose shape depends on the request (an IN list of
// departments, a worklist's ranges). Both backends bind by position, so
// every placeholder gets its own name (":p0", ":p1", ...). Header-only.
//
//   BoundSelect q;
//   q.Append("SELECT id FROM cases WHERE create_ms >= " + q.Param(from_ms));
//   soci::rowset<soci::row> rows = q.Run(session);
#pragma once

#include <soci/soci.h>

#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace voc::storage {

class BoundSelect {
 public:
  // Binds `value` and returns its placeholder, to be written into the SQL.
  std::string Param(const std::string& value) {
    strings_.push_back(value);
    order_.push_back({true, strings_.size() - 1});
    return Placeholder();
  }
  std::string Param(long long value) {
    ints_.push_back(value);
    order_.push_back({false, ints_.size() - 1});
    return Placeholder();
  }
  // Binds each of `values` and returns "(:pN, :pN+1, ...)", for an IN list.
  template <typename Strings>
  std::string ParamList(const Strings& values) {
    std::string in;
    for (const std::string& v : values) in += (in.empty() ? "" : ", ") + Param(v);
    return "(" + in + ")";
  }
  void Append(const std::string& text) { sql_ += text; }
  BoundSelect& operator+=(const std::string& text) {
    Append(text);
    return *this;
  }

  // Runs `prefix` + the statement ("" to read it, "EXPLAIN ..." for its plan).
  soci::rowset<soci::row> Run(soci::session& s, const std::string& prefix = "") const {
    soci::details::prepare_temp_type prepared = (s.prepare << prefix + sql_);
    for (const auto& [is_string, index] : order_) {
      if (is_string) {
        prepared, soci::use(strings_[index]);
      } else {
        prepared, soci::use(ints_[index]);
      }
    }
    return soci::rowset<soci::row>(prepared);
  }

 private:
  std::string Placeholder() const { return ":p" + std::to_string(order_.size()); }

  std::string sql_;
  // Deques: soci binds by reference, so values never move once added.
  std::deque<std::string> strings_;
  std::deque<long long> ints_;
  std::vector<std::pair<bool, std::size_t>> order_;
};

}  // namespace voc::storage
