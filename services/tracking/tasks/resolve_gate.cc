#include "services/tracking/tasks/resolve_gate.h"

#include "proto/api/resource_names.h"
#include "services/tracking/owner_check.h"

namespace voc::tracking::tasks {

absl::Status RequireNoOpenTasks(TrackingStore& store, const std::string& case_name,
                                std::int64_t now_ms) {
  const std::string id = api::IdFromName(case_name, "cases/");
  if (id.empty()) return absl::OkStatus();
  auto loaded = store.LoadCase(id, /*with_history=*/false, now_ms);
  if (absl::IsNotFound(loaded.status())) return absl::OkStatus();
  if (!loaded.ok()) return loaded.status();
  // Case.tasks[].done is set for done and for cancelled tasks alike. A
  // task without an owner (a checklist line given at case creation, which
  // nobody else sees in a worklist) does not hold the case.
  std::string open;
  for (const v1::Task& t : loaded->tasks()) {
    if (t.done() || t.owner().department().empty()) continue;
    open += (open.empty() ? "" : ", ") + t.id() + " \"" + t.title() + "\" (" + OwnerText(t.owner()) + ")";
  }
  if (open.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError("cases/" + id + " has open tasks: " + open +
                                       "; finish them or cancel them with a reason first");
}

}  // namespace voc::tracking::tasks
