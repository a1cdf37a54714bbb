#include "services/entities/settings.h"

#include "common/status/status.h"
#include "services/entities/schema.h"

namespace voc::entities {

absl::StatusOr<EntitySettings> EntitySettingsFrom(const Config& config) {
  EntitySettings s;
  s.schema_path = config.GetString(kSchemaConfigKey, kDefaultSchemaPath);
  const std::int64_t batch = config.ServiceInt("import_batch_rows", 5000);
  if (batch < 1 || batch > 100000) {
    return status::InvalidArgument(config.source() + ": services.entities.import_batch_rows", "must be in 1..100000");
  }
  s.import_batch_rows = static_cast<int>(batch);
  const std::int64_t reload = config.ServiceInt("schema_reload_interval_ms", 5000);
  if (reload < 0 || reload > 86400000) {
    return status::InvalidArgument(config.source() + ": services.entities.schema_reload_interval_ms",
                                   "must be in 0..86400000 (0: read at start only)");
  }
  s.schema_reload_interval_ms = static_cast<int>(reload);
  return s;
}

}  // namespace voc::entities
