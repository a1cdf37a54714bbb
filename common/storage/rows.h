// Small helpers for SOCI rows and statements that behave the same on SQLite
// and PostgreSQL (whose drivers report integer columns as different types).
#pragma once

#include <soci/soci.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/storage/backend.h"
#include "common/storage/database.h"

namespace voc::storage {

inline bool IsNull(const soci::row& r, std::size_t i) { return r.get_indicator(i) == soci::i_null; }

// An integer column as long long whatever type the backend reports; NULL is 0.
inline long long AsInt(const soci::row& r, std::size_t i) {
  if (IsNull(r, i)) return 0;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer: return r.get<int>(i);
    case soci::dt_long_long: return r.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<long long>(r.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<long long>(r.get<double>(i));
    case soci::dt_string: return std::stoll(r.get<std::string>(i));
    default: throw soci::soci_error("unexpected column type for an integer");
  }
}

// A text column; NULL is the empty string.
inline std::string AsString(const soci::row& r, std::size_t i) { return IsNull(r, i) ? "" : r.get<std::string>(i); }

// A short list of strings (topics, person ids) kept in one TEXT column, one
// item a line; the items themselves never contain a newline.
template <typename Strings>
std::string JoinLines(const Strings& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += '\n';
    out += item;
  }
  return out;
}

// The inverse of JoinLines; empty lines are dropped.
inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// Runs a write with bound parameters and returns how many rows it touched
// (conditional updates use it to claim a row exactly once).
template <typename... Uses>
long long Exec(soci::session& s, const std::string& sql, Uses&&... uses) {
  soci::statement st = ((s.prepare << sql), ..., std::forward<Uses>(uses));
  st.execute(true);
  return st.get_affected_rows();
}

// Appends the n-th (from 0) bound parameter of a generated statement.
// SQLite gets "?": it looks each named parameter up in a list of the names
// before it, so a statement with thousands of ":pN" costs time quadratic in
// their number to prepare (15 % of triage's CPU on SQLite once). PostgreSQL
// gets a unique ":pN", which SOCI turns into "$N".
inline void AppendPlaceholder(std::string& sql, bool sqlite, std::size_t n) {
  if (sqlite) {
    sql += '?';
  } else {
    sql += ":p";
    sql += std::to_string(n);
  }
}

// "(:p0, :p1, ...)" for an IN list of `count` bound values; every name is
// distinct, as both backends bind by position.
inline std::string Placeholders(const std::string& prefix, std::size_t count) {
  std::string out = "(";
  for (std::size_t i = 0; i < count; ++i) {
    if (i) out += ", ";
    out += ":" + prefix + std::to_string(i);
  }
  return out + ")";
}

// Inserts `rows` with one multi-row INSERT per `rows_per_statement` rows:
// `head` is "INSERT INTO t (a, b, ...)", `tail` what follows the VALUES (an
// ON CONFLICT clause, or ""), and `bind(query, row)` adds one row's
// `columns` values in column order. One statement a chunk instead of one
// round trip a row: what a PostgreSQL server needs. (SQLite calls a
// library, and long multi-row upserts cost it more than linearly: there a
// prepared one-row statement over column vectors is faster.) The default
// chunk stays far below SQLite's 32,766 bound variables and PostgreSQL's
// 65,535 parameters up to 160 columns.
template <typename Row, typename Bind>
void InsertRows(soci::session& s, const std::string& head, std::size_t columns, const std::string& tail,
                std::vector<Row>& rows, Bind bind, std::size_t rows_per_statement = 200) {
  const bool sqlite = IsSqlite(s);
  for (std::size_t begin = 0; begin < rows.size(); begin += rows_per_statement) {
    const std::size_t n = std::min(rows_per_statement, rows.size() - begin);
    std::string sql = head + " VALUES ";
    for (std::size_t i = 0; i < n; ++i) {
      sql += i ? ", (" : "(";
      for (std::size_t c = 0; c < columns; ++c) {
        if (c) sql += ", ";
        AppendPlaceholder(sql, sqlite, i * columns + c);
      }
      sql += ")";
    }
    soci::details::prepare_temp_type query = (s.prepare << sql + tail);
    for (std::size_t i = 0; i < n; ++i) bind(query, rows[begin + i]);
    soci::statement statement(query);
    statement.execute(true);
  }
}

// Runs a SELECT whose bound values are `params` in order (as many as the
// statement has placeholders, known only at run time, e.g. an IN list) and
// calls on_row(const soci::row&) for every row.
template <typename OnRow>
void ForEachRow(soci::session& s, const std::string& sql, const std::vector<std::string>& params,
                OnRow&& on_row) {
  soci::row row;
  soci::statement st(s);
  st.exchange(soci::into(row));
  for (const std::string& p : params) st.exchange(soci::use(p));
  st.alloc();
  st.prepare(sql);
  st.define_and_bind();
  for (bool got = st.execute(true); got; got = st.fetch()) on_row(static_cast<const soci::row&>(row));
}

}  // namespace voc::storage
