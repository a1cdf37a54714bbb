// Assignment's schema, numbered from 1; a released migration is never
// edited (add a new one instead).
#pragma once

#include <vector>

#include "common/storage/database.h"

namespace voc::assignment {

std::vector<storage::Migration> AssignmentMigrations();

}  // namespace voc::assignment
