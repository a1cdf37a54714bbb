#pragma once

#include <vector>

#include "common/storage/database.h"

namespace voc::verification {

// Schema "verification": 1 checks, re-surveys and the knowledge base;
// 2 the original NPS of detractors seen on voc:triaged and the resolved
// callbacks still waiting for theirs. Released migrations are never edited.
std::vector<storage::Migration> Migrations();

}  // namespace voc::verification
