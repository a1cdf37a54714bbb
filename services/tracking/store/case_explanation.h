// Issue 12, "why is this case here": how a case's explanation
// (voc.v1.CaseExplanation) is kept in cases.explanation, read for GetCase,
// and what an erasure leaves of it.
#pragma once

#include <soci/soci.h>

#include <string>

#include "voc/v1/tracking.pb.h"

namespace voc::tracking {

// The column's text: proto3 JSON (readable in the database, safe in a TEXT
// column on SQLite and PostgreSQL); "" for an empty explanation.
std::string ExplanationColumn(const v1::CaseExplanation& explanation);
// The inverse; an empty or unreadable column is an empty explanation (a
// damaged explanation must not make the case unreadable).
v1::CaseExplanation ExplanationFromColumn(const std::string& column);

// Sets c.explanation from the stored row of case c.id().
void ReadExplanation(soci::session& s, v1::Case& c);

// Takes the customer's words out of an explanation: the sentiment evidence,
// the topics' evidence terms and the red-line hits' `matched` words go; the
// customer id in the routing and priority reasons becomes `erased_id`.
// Sentiment, score, topic ids and departments, priority, red-line
// categories, terms, spans and rules, the routing rule and the cluster
// stay (they are the configuration's words, not the customer's). False when
// nothing was left to erase.
bool EraseExplanation(v1::CaseExplanation& explanation, const std::string& customer_id,
                      const std::string& erased_id);

}  // namespace voc::tracking
