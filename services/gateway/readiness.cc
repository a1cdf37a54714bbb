#include "services/gateway/readiness.h"

#include <absl/status/status.h>

#include "common/rpc/server.h"
#include "common/service/health_check.h"

namespace voc::gateway {

GrpcReadinessProbe::GrpcReadinessProbe(std::vector<Backend> backends, std::chrono::milliseconds deadline)
    : backends_(std::move(backends)), deadline_(deadline) {}

std::vector<BackendHealth> GrpcReadinessProbe::Check() {
  std::vector<HealthTarget> targets;
  for (const auto& backend : backends_) targets.push_back({backend.channel, rpc::HealthServiceName(backend.name)});
  const auto answers = CheckHealth(targets, deadline_);
  std::vector<BackendHealth> result;
  for (std::size_t i = 0; i < backends_.size(); ++i) {
    BackendHealth health{backends_[i].name, false, ""};
    if (answers[i].ok()) {
      health.serving = *answers[i] == ServingStatus::kServing;
      health.detail = ServingStatusName(*answers[i]);
    } else {
      health.detail = answers[i].status().ToString();
    }
    result.push_back(std::move(health));
  }
  return result;
}

}  // namespace voc::gateway
