// Clauses and negation scope in normalised text (the normaliser's output:
// lower-case, Simplified, half-width), shared by the topic matcher (aspect-
// based sentiment: each clause gets its own topics and sentiment) and the
// red-line context rules.
//
// A review like "便宜,送餐快,难吃" praises two things and complains about one;
// reading it clause by clause keeps the praise from becoming a complaint.
// Clauses end at sentence and clause punctuation (, 。 ! ? ; 、 : ~ … and
// newlines; '.' and ',' only when not between two digits, so "3.5" and
// "1,000" stay whole; a space only between two Han characters, where Chinese
// writers use it as a comma) and before a contrast connective (但是 / 但 /
// 可是 / 不过 / 然而 / 却 / 可惜 / but / however / although / though /
// except), which opens the next clause.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace voc::triage::text {

// Byte span [begin, end) of one clause in the text it was cut from. Spans are
// in order, do not overlap and hold at least one non-separator character.
struct ClauseSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Appends the clauses of `normalized` to `out` (cleared first). Separators are
// left out of every clause; a connective stays at the start of its clause.
void SplitClauses(std::string_view normalized, std::vector<ClauseSpan>& out);
std::vector<ClauseSpan> SplitClauses(std::string_view normalized);

// Index of the clause holding byte `offset`, or the last clause starting at or
// before it (a separator belongs to the clause before it); 0 for an empty list.
std::size_t ClauseIndexAt(const std::vector<ClauseSpan>& clauses, std::size_t offset);

// Whether the term starting at byte `term_begin` of `normalized` is in a
// negation scope: a negator (没有 没 不 未 无 别 非 从未 并非 / no not never
// without n't nobody none nor) ends at most `max_gap` code points (Chinese) or
// `max_gap` words (English) before the term, within `clause`. A negator that
// the term itself starts with ("不好吃", "not working") does not count: it is
// part of the term.
bool InNegationScope(std::string_view normalized, ClauseSpan clause, std::size_t term_begin, int max_gap = 2);

}  // namespace voc::triage::text
