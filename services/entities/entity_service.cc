#include "services/entities/entity_service.h"

#include <algorithm>
#include <map>

#include "common/log/log.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "proto/api/limits.h"
#include "services/entities/entity_access.h"

namespace voc::entities {
namespace {

v1::Entity ToProto(const EntityDef& def, const EntityRecord& record) {
  v1::Entity out;
  out.set_entity(record.entity);
  for (const std::string& k : SplitKey(def, record.key)) out.add_key(k);
  for (const auto& [name, value] : record.attributes) (*out.mutable_attributes())[name] = value;
  *out.mutable_update_time() = MillisToProto(record.updated_ms);
  for (const HistoryRecord& h : record.history) {
    v1::AttributeChange* c = out.add_history();
    c->set_attribute(h.attribute);
    c->set_old_value(h.old_value);
    c->set_new_value(h.new_value);
    *c->mutable_change_time() = MillisToProto(h.changed_ms);
  }
  return out;
}

}  // namespace

ImportRun::ImportRun(EntityStore& store, std::shared_ptr<const EntitySchema> schema, const EntityDef& entity,
                     const Clock& clock, std::string actor, int batch_rows, int max_errors)
    : store_(store),
      schema_(std::move(schema)),
      entity_(entity),
      clock_(clock),
      actor_(std::move(actor)),
      batch_rows_(static_cast<std::size_t>(std::max(1, batch_rows))),
      max_errors_(max_errors) {
  pending_.reserve(batch_rows_);
}

absl::Status ImportRun::SetColumns(const google::protobuf::RepeatedPtrField<std::string>& names) {
  std::vector<std::string> given(names.begin(), names.end());
  if (!column_names_.empty()) {
    if (given != column_names_) return status::InvalidArgument("columns", "changed within one import");
    return absl::OkStatus();
  }
  VOC_ASSIGN_OR_RETURN(columns_, ColumnIndices(entity_, names));
  column_names_ = std::move(given);
  return absl::OkStatus();
}

absl::Status ImportRun::Add(const v1::EntityRow& row) {
  tally_.set_rows_read(tally_.rows_read() + 1);
  absl::StatusOr<CheckedRow> checked;
  if (row.cells_size() > 0 && row.values_size() > 0) {
    checked = status::InvalidArgument("cells", "a row gives either values or cells, not both");
  } else if (row.cells_size() > 0 || (!columns_.empty() && row.values_size() == 0)) {
    checked = columns_.empty() ? status::InvalidArgument("cells", "the import named no columns")
                               : CheckCells(entity_, columns_, row.cells());
  } else {
    checked = CheckRow(entity_, row.values());
  }
  if (!checked.ok()) {
    tally_.set_rejected(tally_.rejected() + 1);
    if (tally_.errors_size() < max_errors_) {
      v1::RowError* e = tally_.add_errors();
      e->set_line(row.line());
      e->set_error(std::string(checked.status().message()));
    }
    return absl::OkStatus();
  }
  checked->line = row.line();
  pending_.push_back(*std::move(checked));
  if (pending_.size() >= batch_rows_) return Flush();
  return absl::OkStatus();
}

absl::Status ImportRun::Flush() {
  if (pending_.empty()) return absl::OkStatus();
  VOC_ASSIGN_OR_RETURN(UpsertCounts counts, store_.Upsert(entity_, pending_, ToMillis(clock_.Now()), actor_));
  tally_.set_inserted(tally_.inserted() + counts.inserted);
  tally_.set_updated(tally_.updated() + counts.updated);
  tally_.set_unchanged(tally_.unchanged() + counts.unchanged);
  tally_.set_history_rows(tally_.history_rows() + counts.history_rows);
  pending_.clear();
  return absl::OkStatus();
}

absl::StatusOr<v1::ImportEntitiesResponse> ImportRun::Finish() {
  VOC_RETURN_IF_ERROR(Flush());
  // One line an import, for operators: who fed what (never a value).
  log::Info("entities_imported", {{"entity", entity_.name},
                                  {"actor", actor_},
                                  {"rows_read", tally_.rows_read()},
                                  {"inserted", tally_.inserted()},
                                  {"updated", tally_.updated()},
                                  {"unchanged", tally_.unchanged()},
                                  {"rejected", tally_.rejected()},
                                  {"history_rows", tally_.history_rows()}});
  return tally_;
}

EntityService::EntityService(EntityStore& store, const SchemaHolder& schema, const Clock& clock,
                             EntitySettings settings)
    : store_(store), schema_(schema), clock_(clock), settings_(std::move(settings)) {}

absl::StatusOr<const EntityDef*> EntityService::Find(const EntitySchema& schema, const std::string& entity) {
  if (entity.empty()) return status::InvalidArgument("entity", "must name an entity (" + schema.Names() + ")");
  const EntityDef* def = schema.Find(entity);
  if (def == nullptr) {
    return status::InvalidArgument("entity", "unknown entity '" + entity + "' (" + schema.Names() + ")");
  }
  return def;
}

absl::StatusOr<std::unique_ptr<ImportRun>> EntityService::StartImport(const auth::Principal& caller,
                                                                      const std::string& entity, int max_errors) {
  VOC_RETURN_IF_ERROR(MayImportEntities(caller));
  std::shared_ptr<const EntitySchema> schema = schema_.Get();
  VOC_ASSIGN_OR_RETURN(const EntityDef* def, Find(*schema, entity));
  if (max_errors < 0 || max_errors > kMostMaxErrors) {
    return status::InvalidArgument("max_errors", "must be in 0..10000 (0: the default, 100)");
  }
  return std::make_unique<ImportRun>(store_, std::move(schema), *def, clock_, caller.Actor(),
                                     settings_.import_batch_rows, max_errors == 0 ? kDefaultMaxErrors : max_errors);
}

absl::StatusOr<v1::Entity> EntityService::GetEntity(const auth::Principal& caller,
                                                    const v1::GetEntityRequest& request) {
  VOC_RETURN_IF_ERROR(MayReadEntities(caller));
  const std::shared_ptr<const EntitySchema> schema = schema_.Get();
  VOC_ASSIGN_OR_RETURN(const EntityDef* def, Find(*schema, request.entity()));
  VOC_ASSIGN_OR_RETURN(std::string key,
                       StoredKey(*def, std::vector<std::string>(request.key().begin(), request.key().end())));
  VOC_ASSIGN_OR_RETURN(std::optional<EntityRecord> found, store_.FindRow(def->name, key));
  if (!found) return status::NotFound("entities/" + def->name + "/" + key);
  return ToProto(*def, *found);
}

absl::StatusOr<v1::ListEntitiesResponse> EntityService::ListEntities(const auth::Principal& caller,
                                                                    const v1::ListEntitiesRequest& request) {
  VOC_RETURN_IF_ERROR(MayReadEntities(caller));
  const std::shared_ptr<const EntitySchema> schema = schema_.Get();
  VOC_ASSIGN_OR_RETURN(const EntityDef* def, Find(*schema, request.entity()));
  VOC_ASSIGN_OR_RETURN(rpc::PageRequest page, rpc::ParsePageRequest(request));
  const std::string after = page.after ? page.after->after_id : "";
  VOC_ASSIGN_OR_RETURN(std::vector<EntityRecord> rows, store_.ListRows(def->name, after, page.size));
  v1::ListEntitiesResponse out;
  for (const EntityRecord& r : rows) *out.add_entities() = ToProto(*def, r);
  if (!rows.empty()) {
    out.set_next_page_token(rpc::NextPageToken(request, page, static_cast<int>(rows.size()),
                                               rpc::PageCursor{0, rows.back().key}));
  }
  return out;
}

absl::StatusOr<v1::EntitySchema> EntityService::GetEntitySchema(const auth::Principal& caller) {
  VOC_RETURN_IF_ERROR(MayReadEntities(caller));
  const std::shared_ptr<const EntitySchema> schema = schema_.Get();
  v1::EntitySchema out;
  out.set_version(schema->version());
  for (const EntityDef& e : schema->entities()) {
    v1::EntityDefinition* d = out.add_entities();
    d->set_name(e.name);
    d->set_description(e.description);
    for (const std::string& k : e.key) d->add_key(k);
    for (const AttributeDef& a : e.attributes) {
      v1::AttributeSchema* s = d->add_attributes();
      s->set_name(a.name);
      s->set_type(AttributeTypeName(a.type));
      s->set_history(a.history);
    }
    for (const FeedbackLink& l : e.links) {
      v1::FeedbackLink* link = d->add_links();
      link->set_feedback_field(l.feedback_field);
      link->set_attribute(l.attribute);
    }
  }
  return out;
}

}  // namespace voc::entities
