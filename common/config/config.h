// Configuration: one YAML file for every service (config/voc.yaml), with
// environment variables overriding any key. A key "services.ingest.listen"
// is overridden by VOC_SERVICES_INGEST_LISTEN; for the running service the
// short forms VOC_LISTEN, VOC_DATABASE_URL (its own `database`) and
// VOC_REDIS_HOST / VOC_REDIS_PORT / VOC_REDIS_PASSWORD also apply, so a
// Kubernetes pod sets secrets through the environment only.
#pragma once

#include <absl/status/statusor.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace voc {

// The one exception left for configuration: thrown only while configuration
// is read at start (the typed getters below, read by BootstrapService, which
// catches it and exits 2 naming the file and key) or inside a YAML loader
// (config::LoadYaml turns it into INVALID_ARGUMENT at the loader's boundary).
// It never crosses a service's logic, ports or stores. The message names the
// file, the key and (where known) the line.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Config {
 public:
  // Loads `path`. `service` is the running service's name ("ingest", ...),
  // used for the short environment forms; may be empty (CLI).
  // INVALID_ARGUMENT "<file>: cannot be read" or "<file>:<line>: <problem>".
  static absl::StatusOr<Config> Load(const std::string& path, const std::string& service);
  // From YAML text (tests); errors as Load's, the file being "<string>".
  static absl::StatusOr<Config> FromString(const std::string& yaml, const std::string& service);

  // Dotted key lookups; the environment wins over the file, the file over
  // the default. Throw ConfigError when a value cannot be converted.
  std::string GetString(const std::string& key, const std::string& fallback = "") const;
  std::int64_t GetInt(const std::string& key, std::int64_t fallback) const;
  double GetDouble(const std::string& key, double fallback) const;
  bool GetBool(const std::string& key, bool fallback) const;
  bool Has(const std::string& key) const;
  // The names under a map key in the file, in file order ("auth.principals"
  // -> {"gateway", "assignment", ...}); empty when absent or not a map.
  std::vector<std::string> ChildKeys(const std::string& key) const;

  // Shorthands for the running service's own section.
  std::string ServiceString(const std::string& key, const std::string& fallback = "") const {
    return GetString("services." + service_ + "." + key, fallback);
  }
  std::int64_t ServiceInt(const std::string& key, std::int64_t fallback) const {
    return GetInt("services." + service_ + "." + key, fallback);
  }
  double ServiceDouble(const std::string& key, double fallback) const {
    return GetDouble("services." + service_ + "." + key, fallback);
  }

  // Where another service is reached ("services.<name>.address").
  std::string AddressOf(const std::string& service) const;
  // Resolves a path relative to data_dir (absolute paths are kept).
  std::string DataPath(const std::string& relative) const;
  // The running service's database URL: sqlite paths resolved under data_dir.
  std::string DatabaseUrl() const;

  // Where a key's value comes from, for error messages: "<file>:<line>"
  // when the file sets it, "<file>" when it does not (the default applies),
  // "the environment" when an environment variable overrides it.
  std::string Where(const std::string& key) const;

  const std::string& service() const { return service_; }
  const std::string& source() const { return source_; }

 private:
  Config(YAML::Node root, std::string service, std::string source)
      : root_(std::move(root)), service_(std::move(service)), source_(std::move(source)) {}
  // The environment override for a key, if any.
  bool FromEnv(const std::string& key, std::string* value) const;
  YAML::Node Find(const std::string& key) const;

  YAML::Node root_;
  std::string service_;
  std::string source_;
};

}  // namespace voc
