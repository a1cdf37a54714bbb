// A duration histogram as one text value: the Loop report's block rows
// (tracking migration 12) keep each (department, kind, clock) histogram of
// a block as one row instead of a row per bucket, so a report over 1,000,000
// cases reads about 15,000 rows, not 900,000 (docs/performance.md, "One row
// per histogram").
//
// The text is "bucket_ms:clocks" pairs separated by single spaces, e.g.
// "0:3 1800000:12 1920000:-1". Text, not a blob: SQLite and PostgreSQL read
// and write it alike through SOCI, migration 12 builds it in SQL
// (group_concat / string_agg), and a person can read it in sqlite3 or psql.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voc::tracking {

// Buckets ascending, each once, no zero counts.
using HistogramRun = std::vector<std::pair<std::int64_t, std::int64_t>>;

// The text of a run (ascending, as HistogramRun holds it); "" when empty.
std::string EncodeHistogram(const HistogramRun& run);

// The run a text holds, ascending with repeated buckets summed and zero
// counts dropped, whatever order the text lists them in. False (and `out`
// unspecified) when the text is not pairs of integers.
bool ParseHistogram(std::string_view text, HistogramRun& out);

// into += sign * add, both ascending; buckets whose count becomes zero are
// dropped. Linear in the sizes of both.
void AddHistogram(HistogramRun& into, const HistogramRun& add, std::int64_t sign = 1);

}  // namespace voc::tracking
