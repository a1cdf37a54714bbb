// Labelled feedback files for `voc triage eval|train`: RFC 4180 CSV with a
// header naming at least `label` and `text` (optionally `topic`, `topics`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace voc::triage::tools {

struct LabelledRow {
  std::string label;
  std::string text;
  std::string topic;  // empty when the file has no topic column or the row has none
  std::string topics;  // `topics` column: ';'-separated taxonomy ids (multi-label), or empty
};

// RFC 4180: quoted fields may hold commas, newlines and doubled quotes; CRLF or LF.
std::vector<std::vector<std::string>> ParseCsv(std::string_view content);

// Throws std::runtime_error when the file is unreadable or lacks label/text columns.
std::vector<LabelledRow> ReadLabelledCsv(const std::string& path);

// The stable split shared by train and eval: a row is held out when a hash of
// its text falls in the first `percent` of 100 buckets. Independent of row
// order and of the rest of the file, so it stays the same when files grow.
inline constexpr int kDefaultHoldoutPercent = 15;
bool IsHeldOut(std::string_view text, int percent = kDefaultHoldoutPercent);

// A second split, independent of IsHeldOut, that `train --validate` carves out
// of the training part to tune settings without ever looking at held-out rows.
// Folds 0 .. 100/percent - 1 are disjoint, for cross-validation.
bool IsInnerValidation(std::string_view text, int fold = 0, int percent = kDefaultHoldoutPercent);

}  // namespace voc::triage::tools
