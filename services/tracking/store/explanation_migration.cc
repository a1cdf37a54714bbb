#include "services/tracking/store/explanation_migration.h"

namespace voc::tracking {

storage::Migration ExplanationMigration() {
  return {
      7,
      "case explanation: why the case is here (triage's reading, the routing rule)",
      {
          // voc.v1.CaseExplanation as proto3 JSON (case_explanation.h); ''
          // for cases opened before this migration or without one. Read by
          // GetCase only, so no index.
          "ALTER TABLE cases ADD COLUMN explanation TEXT NOT NULL DEFAULT ''",
      },
  };
}

}  // namespace voc::tracking
