// voc-entities' settings (services.entities.* in config/voc.yaml).
#pragma once

#include <absl/status/statusor.h>

#include <string>

#include "common/config/config.h"

namespace voc::entities {

struct EntitySettings {
  // The schema file (schema).
  std::string schema_path = "config/entities.yaml";
  // Rows written per transaction by an import (import_batch_rows): larger
  // batches mean fewer commits (fsyncs); each holds SQLite's write lock.
  int import_batch_rows = 5000;
  // How often the schema file is checked for changes (schema_reload_interval_ms;
  // 0 = never: read at start only).
  int schema_reload_interval_ms = 5000;
};

// INVALID_ARGUMENT "<file>: services.entities.<key>: ..." for a bad value.
absl::StatusOr<EntitySettings> EntitySettingsFrom(const Config& config);

}  // namespace voc::entities
