#include "services/triage/analysis/rootcause/rootcause_proto.h"

namespace voc::triage {

void FillFinding(const AttributeFinding& f, const std::string& shown_value, v1::RootCauseFinding& out) {
  out.set_attribute(f.attribute);
  out.set_value(shown_value);
  out.set_target_count(static_cast<std::int64_t>(f.target_count));
  out.set_target_size(static_cast<std::int64_t>(f.target_size));
  out.set_baseline_count(static_cast<std::int64_t>(f.baseline_count));
  out.set_baseline_size(static_cast<std::int64_t>(f.baseline_size));
  out.set_lift(f.lift);
  out.set_g2(f.g2);
  out.set_p_value(f.p_value);
  out.set_q_value(f.q_value);
  for (const std::string& id : f.example_feedback_ids) out.add_example_feedback_ids(id);
}

}  // namespace voc::triage
