#include "services/entities/schema_reloader.h"

#include "common/config/yaml_file.h"
#include "common/log/log.h"

namespace voc::entities {

SchemaReloader::SchemaReloader(std::string path, SchemaHolder& holder, const std::string& loaded_text)
    : path_(std::move(path)), holder_(holder), last_hash_(config::ContentHash(loaded_text)) {}

absl::Status SchemaReloader::CheckOnce() {
  std::string text;
  try {
    text = config::ReadFile(path_);
  } catch (const ConfigError& e) {
    log::Warn("entity_schema_reload_refused", {{"error", e.what()}, {"kept", "the schema in force"}});
    return absl::InvalidArgumentError(e.what());
  }
  const std::string hash = config::ContentHash(text);
  if (hash == last_hash_) return absl::OkStatus();
  auto parsed = EntitySchema::FromString(text, path_);
  last_hash_ = hash;  // the same broken text is reported once, not every tick
  if (!parsed.ok()) {
    log::Error("entity_schema_reload_refused", {{"file", path_}, {"error", std::string(parsed.status().message())},
                                                {"kept", "the schema in force"}});
    return parsed.status();
  }
  log::Info("entity_schema_reloaded", {{"file", path_}, {"entities", parsed->Names()}});
  holder_.Set(std::make_shared<const EntitySchema>(*std::move(parsed)));
  return absl::OkStatus();
}

}  // namespace voc::entities
