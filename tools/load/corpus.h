// Texts for the load: one column of a CSV corpus (the shared corpora in
// ../shared/data, see its README), read with an RFC 4180 reader.
// The corpora are read from where they are, never copied into the repo.
#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <vector>

namespace voc::load {

// The non-empty values of `column` (named in the header) of the CSV at
// `path`, in file order, at most `limit` of them (0: all). NOT_FOUND when
// the file cannot be opened, INVALID_ARGUMENT when the column is missing,
// a record is malformed, or no text is left.
absl::StatusOr<std::vector<std::string>> LoadTexts(const std::string& path, const std::string& column,
                                                   std::size_t limit = 0);

}  // namespace voc::load
