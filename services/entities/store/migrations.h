// The entities schema (issue 13): one table of rows for every entity of
// config/entities.yaml and one of their attributes' old values. Numbered
// from 1, never edited once released (common/storage/database.h).
#pragma once

#include <vector>

#include "common/storage/database.h"

namespace voc::entities {

std::vector<storage::Migration> Migrations();

}  // namespace voc::entities
