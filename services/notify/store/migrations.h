// The notify service's schema (numbered migrations, docs/architecture.md).
#pragma once

#include <vector>

#include "common/storage/database.h"

namespace voc::notify {

std::vector<storage::Migration> Migrations();

}  // namespace voc::notify
