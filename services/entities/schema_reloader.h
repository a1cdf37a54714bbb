// The entity schema in force, and its reload: the file is re-read when its
// content changed; a valid schema is swapped in, a refused one is logged
// with its "<file>:<line>: <problem>" and the schema in force stays. An
// import keeps the schema it started with to its end.
#pragma once

#include <absl/status/status.h>

#include <memory>
#include <mutex>
#include <string>

#include "services/entities/schema.h"

namespace voc::entities {

class SchemaHolder {
 public:
  explicit SchemaHolder(std::shared_ptr<const EntitySchema> schema) : schema_(std::move(schema)) {}
  std::shared_ptr<const EntitySchema> Get() const {
    std::lock_guard lock(mu_);
    return schema_;
  }
  void Set(std::shared_ptr<const EntitySchema> schema) {
    std::lock_guard lock(mu_);
    schema_ = std::move(schema);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const EntitySchema> schema_;
};

class SchemaReloader {
 public:
  // `loaded_text`: the text the schema in force was read from.
  SchemaReloader(std::string path, SchemaHolder& holder, const std::string& loaded_text);
  // One check: OK when nothing changed or the new schema is in force; the
  // refusal's INVALID_ARGUMENT otherwise (the schema in force stays).
  absl::Status CheckOnce();

 private:
  std::string path_;
  SchemaHolder& holder_;
  std::string last_hash_;
};

}  // namespace voc::entities
