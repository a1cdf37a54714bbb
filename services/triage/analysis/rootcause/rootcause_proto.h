// A root-cause finding as the FindRootCauses answer carries it: one
// conversion for the service and the web page's stub gateway.
#pragma once

#include <string>

#include "services/triage/analysis/rootcause/rootcause.h"
#include "voc/v1/rootcause.pb.h"

namespace voc::triage {

// `shown_value` is the value the caller may see (the service masks a free
// feedback attribute's value; entity attributes are shown as stored).
void FillFinding(const AttributeFinding& f, const std::string& shown_value, v1::RootCauseFinding& out);

}  // namespace voc::triage
