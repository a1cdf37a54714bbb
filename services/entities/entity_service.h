// voc-entities' logic (issue 13): imports checked against the schema and
// upserted in batches, reads by key and in pages. Every method is given
// the caller and checks it first (entity_access.h). The gRPC adapter
// (entity_grpc.h) only moves messages.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <string>
#include <vector>

#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "services/entities/row_check.h"
#include "services/entities/schema.h"
#include "services/entities/schema_reloader.h"
#include "services/entities/settings.h"
#include "services/entities/store/entity_store.h"
#include "voc/v1/entities.pb.h"
#include "voc/v1/rootcause.pb.h"

namespace voc::entities {

// One import: rows are checked as they come and written every
// `batch_rows` good rows, so a file of any size streams in constant
// memory. A bad row is counted and (the first max_errors) reported with
// its line; the batches before a failed write stay stored.
class ImportRun {
 public:
  // `entity` belongs to `schema`, which the run keeps alive: a reload
  // mid-import does not change the rules of rows already under way.
  ImportRun(EntityStore& store, std::shared_ptr<const EntitySchema> schema, const EntityDef& entity,
            const Clock& clock, std::string actor, int batch_rows, int max_errors);

  const std::string& entity() const { return entity_.name; }
  // The names of the rows' cells (ImportEntitiesRequest.columns), once:
  // INVALID_ARGUMENT "columns: ..." for an unknown or repeated name, or
  // other columns than before.
  absl::Status SetColumns(const google::protobuf::RepeatedPtrField<std::string>& names);
  // A row by name (`values`) or by position (`cells`). UNAVAILABLE (and
  // the like) when a batch could not be written; a bad row is no error.
  absl::Status Add(const v1::EntityRow& row);
  // Writes the rest and returns the tally.
  absl::StatusOr<v1::ImportEntitiesResponse> Finish();

 private:
  absl::Status Flush();

  EntityStore& store_;
  std::shared_ptr<const EntitySchema> schema_;
  const EntityDef& entity_;
  const Clock& clock_;
  std::string actor_;
  std::size_t batch_rows_;
  int max_errors_;
  std::vector<std::string> column_names_;
  std::vector<int> columns_;  // attribute indices of the cells
  std::vector<CheckedRow> pending_;
  v1::ImportEntitiesResponse tally_;
};

class EntityService {
 public:
  // Every call reads the schema in force from `schema` (a reload swaps it).
  EntityService(EntityStore& store, const SchemaHolder& schema, const Clock& clock, EntitySettings settings);

  // INVALID_ARGUMENT "entity: ..." for an unknown entity; PERMISSION_DENIED.
  // The run refers to the store: it must not outlive the service.
  absl::StatusOr<std::unique_ptr<ImportRun>> StartImport(const auth::Principal& caller, const std::string& entity,
                                                         int max_errors);
  absl::StatusOr<v1::Entity> GetEntity(const auth::Principal& caller, const v1::GetEntityRequest& request);
  absl::StatusOr<v1::ListEntitiesResponse> ListEntities(const auth::Principal& caller,
                                                        const v1::ListEntitiesRequest& request);
  absl::StatusOr<v1::EntitySchema> GetEntitySchema(const auth::Principal& caller);
  // Issue 13 (feedback_join.cc): the rows each feedback links to, by the
  // schema's links and lookups. INVALID_ARGUMENT "feedback: ..." over
  // kMostJoinFeedback, "entities: ..." for an unknown entity; PERMISSION_DENIED.
  absl::StatusOr<v1::JoinFeedbackResponse> JoinFeedback(const auth::Principal& caller,
                                                        const v1::JoinFeedbackRequest& request);

 private:
  static absl::StatusOr<const EntityDef*> Find(const EntitySchema& schema, const std::string& entity);

  EntityStore& store_;
  const SchemaHolder& schema_;
  const Clock& clock_;
  EntitySettings settings_;
};

// The default and the most row errors one import response lists.
inline constexpr int kDefaultMaxErrors = 100;
inline constexpr int kMostMaxErrors = 10000;
// The most feedback one JoinFeedback call takes (triage's drill-down window).
inline constexpr int kMostJoinFeedback = 50000;

}  // namespace voc::entities
