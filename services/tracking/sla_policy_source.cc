#include "services/tracking/sla_policy_source.h"

#include "common/log/log.h"

namespace voc::tracking {

absl::Status SlaPolicySource::Reload() {
  if (!loader_) return absl::FailedPreconditionError("the SLA policies were fixed at start");
  auto loaded = loader_(path_);
  if (!loaded.ok()) {
    log::Warn("sla_policies_reload_refused",
              {{"path", path_}, {"error", std::string(loaded.status().message())}});
    return loaded.status();
  }
  {
    std::lock_guard lock(mu_);
    current_ = *std::move(loaded);
  }
  log::Info("sla_policies_loaded", {{"path", path_}});
  return absl::OkStatus();
}

std::shared_ptr<const sla::SlaPolicies> SlaPolicySource::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

}  // namespace voc::tracking
