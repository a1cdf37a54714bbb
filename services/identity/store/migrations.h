// The identity schema (issue 9): accounts, web sessions, API keys, login
// failures for throttling, and the audit log. Numbered from 1, never edited
// once released (common/storage/database.h).
#pragma once

#include <vector>

#include "common/storage/database.h"

namespace voc::identity {

std::vector<storage::Migration> Migrations();

}  // namespace voc::identity
