#include "services/entities/entity_grpc.h"

#include "common/auth/serve.h"
#include "common/status/status.h"

namespace voc::entities {

grpc::Status EntityGrpc::ImportEntities(grpc::ServerContext* context,
                                        grpc::ServerReader<v1::ImportEntitiesRequest>* reader,
                                        v1::ImportEntitiesResponse* response) {
  return auth::Serve(
      auth_, context, "ImportEntities", response,
      [&](const auth::Principal& caller) -> absl::StatusOr<v1::ImportEntitiesResponse> {
        // The caller is checked before a row is read; rows are written as
        // they come, batch by batch.
        v1::ImportEntitiesRequest message;
        if (!reader->Read(&message)) return status::InvalidArgument("entity", "the stream ended before a first message");
        VOC_ASSIGN_OR_RETURN(std::unique_ptr<ImportRun> run,
                             service_.StartImport(caller, message.entity(), message.max_errors()));
        do {
          if (!message.entity().empty() && message.entity() != run->entity()) {
            return status::InvalidArgument("entity", "changed from '" + run->entity() + "' to '" + message.entity() +
                                                         "' within one import");
          }
          if (message.columns_size() > 0) VOC_RETURN_IF_ERROR(run->SetColumns(message.columns()));
          for (const v1::EntityRow& row : message.rows()) VOC_RETURN_IF_ERROR(run->Add(row));
        } while (reader->Read(&message));
        if (context->IsCancelled()) return absl::CancelledError("the client cancelled the import");
        return run->Finish();
      });
}

grpc::Status EntityGrpc::GetEntity(grpc::ServerContext* context, const v1::GetEntityRequest* request,
                                   v1::Entity* response) {
  return auth::Serve(auth_, context, "GetEntity", response,
                     [&](const auth::Principal& caller) { return service_.GetEntity(caller, *request); });
}

grpc::Status EntityGrpc::ListEntities(grpc::ServerContext* context, const v1::ListEntitiesRequest* request,
                                      v1::ListEntitiesResponse* response) {
  return auth::Serve(auth_, context, "ListEntities", response,
                     [&](const auth::Principal& caller) { return service_.ListEntities(caller, *request); });
}

grpc::Status EntityGrpc::GetEntitySchema(grpc::ServerContext* context, const v1::GetEntitySchemaRequest*,
                                         v1::EntitySchema* response) {
  return auth::Serve(auth_, context, "GetEntitySchema", response,
                     [&](const auth::Principal& caller) { return service_.GetEntitySchema(caller); });
}

}  // namespace voc::entities
