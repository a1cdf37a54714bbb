#include "services/triage/rootcause_service.h"

#include <cmath>

#include "common/status/status.h"
#include "common/util/time.h"
#include "proto/api/resource_names.h"
#include "services/triage/analysis/rootcause/rootcause_proto.h"
#include "services/triage/rootcause_query.h"

namespace voc::triage {

absl::StatusOr<v1::FindRootCausesResponse> RootCauseService::FindRootCauses(
    const v1::FindRootCausesRequest& request) const {
  const int given = !request.topic().empty() + !request.cluster().empty() + (request.signal_terms_size() > 0);
  if (given != 1) return status::InvalidArgument("topic", "give exactly one of topic, cluster or signal_terms");
  for (const std::string& t : request.signal_terms()) {
    if (t.empty()) return status::InvalidArgument("signal_terms", "must not hold an empty term");
  }
  const std::int64_t end = IsUnset(request.end_time()) ? ToMillis(clock_.Now()) + 1 : ProtoToMillis(request.end_time());
  const std::int64_t start =
      IsUnset(request.start_time()) ? end - 30LL * 86400 * 1000 : ProtoToMillis(request.start_time());
  if (end <= start) return status::InvalidArgument("end_time", "must be after start_time");
  if (request.min_support() < 0) return status::InvalidArgument("min_support", "must not be negative");
  if (request.limit() < 0) return status::InvalidArgument("limit", "must not be negative");
  if (request.max_q_value() < 0 || request.max_q_value() > 1) {
    return status::InvalidArgument("max_q_value", "must be in [0, 1] (0: the default, 0.05)");
  }
  if (request.exposure_entity().empty() && !request.exposure_attribute().empty()) {
    return status::InvalidArgument("exposure_attribute", "needs exposure_entity");
  }
  if (entities_ == nullptr) {
    return absl::FailedPreconditionError("root causes need voc-entities (services.entities.address)");
  }
  RootCauseQuery query;
  query.topic = request.topic();
  if (!request.cluster().empty()) query.cluster_id = api::IdFromName(request.cluster(), "clusters/");
  query.signal_terms.assign(request.signal_terms().begin(), request.signal_terms().end());
  query.start_ms = start;
  query.end_ms = end;
  if (request.min_support() > 0) query.options.min_support = static_cast<std::size_t>(request.min_support());
  if (request.max_q_value() > 0) query.options.max_q_value = request.max_q_value();
  query.options.limit = request.limit() > 0 ? static_cast<std::size_t>(request.limit()) : 20;
  query.exposure_entity = request.exposure_entity();
  query.exposure_attribute = request.exposure_attribute();
  query.utc_offset_minutes = store_.report_utc_offset_minutes();
  VOC_ASSIGN_OR_RETURN(const RootCauseAnswer answer, RunRootCauses(query, store_, *entities_));

  v1::FindRootCausesResponse out;
  out.set_target_size(static_cast<std::int64_t>(answer.target_size));
  out.set_baseline_size(static_cast<std::int64_t>(answer.baseline_size));
  out.set_target_joined(static_cast<std::int64_t>(answer.target_joined));
  out.set_baseline_joined(static_cast<std::int64_t>(answer.baseline_joined));
  out.set_tested(static_cast<std::int64_t>(answer.enrichment.tested));
  for (const AttributeFinding& f : answer.enrichment.findings) {
    // A free feedback attribute came from the customer's side (an order
    // note); entity attributes are the company's own records and stay.
    FillFinding(f, f.attribute.rfind("feedback.", 0) == 0 ? masker_.Mask(f.value) : f.value, *out.add_findings());
  }
  if (answer.has_rates) {
    out.set_exposure_entity(query.exposure_entity);
    out.set_rate_units(static_cast<std::int64_t>(answer.rates.units));
    out.set_rate_events(static_cast<std::int64_t>(answer.rates.events));
    out.set_rate_tested(static_cast<std::int64_t>(answer.rates.tested));
    for (const RateFinding& f : answer.rates.findings) {
      v1::RootCauseRate* o = out.add_rates();
      o->set_group(f.group);
      o->set_units(static_cast<std::int64_t>(f.units));
      o->set_events(static_cast<std::int64_t>(f.events));
      o->set_exposure(f.exposure);
      o->set_other_events(static_cast<std::int64_t>(f.other_events));
      o->set_other_exposure(f.other_exposure);
      o->set_rate(f.rate);
      o->set_other_rate(f.other_rate);
      o->set_rate_ratio(std::isinf(f.rate_ratio) ? 0.0 : f.rate_ratio);
      o->set_p_value(f.p_value);
      o->set_q_value(f.q_value);
      for (const std::string& id : f.example_feedback_ids) o->add_example_feedback_ids(id);
    }
  }
  return out;
}

}  // namespace voc::triage
