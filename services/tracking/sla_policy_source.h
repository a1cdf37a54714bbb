// The SLA policies tracking runs (services.tracking.sla_policies, default
// config/sla_policies.yaml), swapped whole on a reload: a file with a
// mistake is refused with its "<file>:<line>: <problem>" and the policies in
// force stay in force. Callers take a snapshot (shared_ptr) and use it for a
// whole request, so a reload never changes the rules under one.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/sla/sla_policy.h"

namespace voc::tracking {

inline constexpr char kSlaPoliciesConfigKey[] = "sla_policies";  // under services.tracking
inline constexpr char kDefaultSlaPoliciesPath[] = "config/sla_policies.yaml";

class SlaPolicySource {
 public:
  // sla::LoadSlaPolicies in the service; tests pass their own edge.
  using Loader =
      std::function<absl::StatusOr<std::shared_ptr<const sla::SlaPolicies>>(const std::string&)>;

  SlaPolicySource(std::string path, Loader loader)
      : path_(std::move(path)), loader_(std::move(loader)) {}
  // Policies fixed once (tests, or a caller that never reloads).
  explicit SlaPolicySource(std::shared_ptr<const sla::SlaPolicies> fixed) : current_(std::move(fixed)) {}

  // Reads the file; on success the new policies are in force from the next
  // snapshot on. On failure nothing changes and the loader's status is
  // returned (INVALID_ARGUMENT "<file>:<line>: <problem>").
  absl::Status Reload();
  // The policies in force; null before the first successful load.
  std::shared_ptr<const sla::SlaPolicies> Current() const;
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  const Loader loader_;
  mutable std::mutex mu_;
  std::shared_ptr<const sla::SlaPolicies> current_;
};

}  // namespace voc::tracking
