#include "cli/feedback_import.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

#include "common/util/time.h"
#include "proto/api/enum_names.h"

namespace voc::cli {
namespace {

using nlohmann::json;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// Sets the channel; returns an error text for an unknown name.
std::string SetChannel(const std::string& name, voc::v1::Feedback* feedback) {
  if (name.empty()) return "channel: required (one of " + api::KnownChannelNames() + ")";
  const auto channel = api::ParseChannel(name);
  if (!channel) return "channel: unknown \"" + name + "\" (one of " + api::KnownChannelNames() + ")";
  feedback->set_channel(*channel);
  return "";
}

std::string SetOccurredAt(const std::string& text, voc::v1::Feedback* feedback) {
  if (text.empty()) return "";
  TimePoint when;
  if (!ParseRfc3339(text, &when)) {
    return "occurred_at: \"" + text + "\" is not an RFC 3339 time (e.g. 2026-11-20T09:15:00Z)";
  }
  *feedback->mutable_occurred_time() = ToProto(when);
  return "";
}

// A score cell: empty means absent.
std::string ParseScore(const std::string& column, const std::string& cell, std::optional<int>* out) {
  std::string text = Trim(cell);
  if (text.empty()) return "";
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return column + ": \"" + text + "\" is not a whole number";
  }
  *out = value;
  return "";
}

std::string JsonString(const json& object, const char* key, std::string* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  if (it->is_string()) {
    *out = it->get<std::string>();
  } else if (it->is_number_integer()) {
    *out = it->dump();  // numeric ids are common in exports
  } else {
    return std::string(key) + ": must be a string";
  }
  return "";
}

std::string JsonScore(const json& object, const char* key, std::optional<int>* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  if (it->is_number_integer()) {
    *out = it->get<int>();
    return "";
  }
  if (it->is_string()) return ParseScore(key, it->get<std::string>(), out);
  return std::string(key) + ": must be a whole number";
}

}  // namespace

std::optional<ImportFormat> FormatFromPath(const std::string& path) {
  auto dot = path.rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  std::string extension = Lower(path.substr(dot + 1));
  if (extension == "jsonl" || extension == "ndjson" || extension == "json") return ImportFormat::kJsonl;
  if (extension == "csv") return ImportFormat::kCsv;
  return std::nullopt;
}

ImportRow ParseJsonlLine(std::string_view line, int line_number) {
  ImportRow row;
  row.line = line_number;
  json object = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) {
    row.error = "not valid JSON";
    return row;
  }
  if (!object.is_object()) {
    row.error = "expected a JSON object";
    return row;
  }
  auto& f = row.feedback;
  auto fail = [&row](std::string error) {
    row.error = std::move(error);
    return !row.error.empty();
  };
  std::string text;
  if (fail(JsonString(object, "channel", &text)) || fail(SetChannel(text, &f))) return row;
  if (fail(JsonString(object, "external_id", f.mutable_external_id()))) return row;
  if (fail(JsonString(object, "product", f.mutable_product()))) return row;
  if (fail(JsonString(object, "text", f.mutable_text()))) return row;
  std::optional<int> nps, rating;
  if (fail(JsonScore(object, "nps", &nps)) || fail(JsonScore(object, "rating", &rating))) return row;
  if (nps) f.set_nps(*nps);
  if (rating) f.set_rating(*rating);
  std::string occurred;
  if (fail(JsonString(object, "occurred_at", &occurred)) || fail(SetOccurredAt(occurred, &f))) {
    return row;
  }
  if (auto it = object.find("customer"); it != object.end() && !it->is_null()) {
    if (!it->is_object()) {
      row.error = "customer: must be an object";
      return row;
    }
    auto* c = f.mutable_customer();
    if (fail(JsonString(*it, "id", c->mutable_id())) ||
        fail(JsonString(*it, "value_tier", c->mutable_value_tier())) ||
        fail(JsonString(*it, "account_manager", c->mutable_account_manager())) ||
        fail(JsonString(*it, "store", c->mutable_store())) ||
        fail(JsonString(*it, "region", c->mutable_region()))) {
      row.error = "customer." + row.error;
      return row;
    }
  }
  if (auto it = object.find("attributes"); it != object.end() && !it->is_null()) {
    if (!it->is_object()) {
      row.error = "attributes: must be an object";
      return row;
    }
    for (const auto& [key, value] : it->items()) {
      (*f.mutable_attributes())[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  return row;
}

FeedbackFileReader::FeedbackFileReader(std::istream& in, ImportFormat format)
    : in_(in), format_(format) {
  if (format_ == ImportFormat::kCsv) csv_ = std::make_unique<CsvReader>(in_);
}

bool FeedbackFileReader::ReadCsvHeader() {
  header_read_ = true;
  CsvRecord record;
  std::string error;
  if (!csv_->Next(&record, &error)) {
    fatal_error_ = "the file is empty (expected a header line: channel,external_id,...)";
    return false;
  }
  if (!error.empty()) {
    fatal_error_ = "header line: " + error;
    return false;
  }
  for (auto& name : record.fields) header_.push_back(Lower(Trim(name)));
  for (const char* required : {"channel", "external_id"}) {
    if (std::find(header_.begin(), header_.end(), required) == header_.end()) {
      fatal_error_ = std::string("header line: no \"") + required + "\" column (expected " +
                     "channel,external_id,customer_id,customer_tier,account_manager,store,region," +
                     "product,text,nps,rating,occurred_at)";
      return false;
    }
  }
  return true;
}

ImportRow FeedbackFileReader::FromCsv(const CsvRecord& record) const {
  ImportRow row;
  row.line = record.line;
  if (record.fields.size() != header_.size()) {
    row.error = "expected " + std::to_string(header_.size()) + " fields, found " +
                std::to_string(record.fields.size());
    return row;
  }
  auto& f = row.feedback;
  std::optional<int> nps, rating;
  for (std::size_t i = 0; i < header_.size(); ++i) {
    const std::string& column = header_[i];
    const std::string& cell = record.fields[i];
    std::string error;
    if (column == "channel") error = SetChannel(Lower(Trim(cell)), &f);
    else if (column == "external_id") f.set_external_id(Trim(cell));
    else if (column == "customer_id") f.mutable_customer()->set_id(Trim(cell));
    else if (column == "customer_tier") f.mutable_customer()->set_value_tier(Lower(Trim(cell)));
    else if (column == "account_manager") f.mutable_customer()->set_account_manager(Trim(cell));
    else if (column == "store") f.mutable_customer()->set_store(Trim(cell));
    else if (column == "region") f.mutable_customer()->set_region(Trim(cell));
    else if (column == "product") f.set_product(cell);
    else if (column == "text") f.set_text(cell);
    else if (column == "nps") error = ParseScore("nps", cell, &nps);
    else if (column == "rating") error = ParseScore("rating", cell, &rating);
    else if (column == "occurred_at") error = SetOccurredAt(Trim(cell), &f);
    else if (!cell.empty()) (*f.mutable_attributes())[column] = cell;
    if (!error.empty()) {
      row.error = std::move(error);
      return row;
    }
  }
  if (nps) f.set_nps(*nps);
  if (rating) f.set_rating(*rating);
  if (f.has_customer() && f.customer().ByteSizeLong() == 0) f.clear_customer();
  return row;
}

bool FeedbackFileReader::Next(ImportRow* row) {
  if (format_ == ImportFormat::kJsonl) {
    std::string line;
    while (std::getline(in_, line)) {
      ++jsonl_line_;
      if (jsonl_line_ == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
      if (Trim(line).empty()) continue;
      *row = ParseJsonlLine(line, jsonl_line_);
      return true;
    }
    return false;
  }
  if (!header_read_ && !ReadCsvHeader()) return false;
  if (!fatal_error_.empty()) return false;
  CsvRecord record;
  std::string error;
  if (!csv_->Next(&record, &error)) return false;
  if (!error.empty()) {
    *row = ImportRow{};
    row->line = record.line;
    row->error = error;
    return true;
  }
  *row = FromCsv(record);
  return true;
}

void TrackNewest(const ImportRow& row, std::optional<TimePoint>* newest) {
  if (!row.ok() || !row.feedback.has_occurred_time()) return;
  TimePoint t = FromProto(row.feedback.occurred_time());
  if (!*newest || t > **newest) *newest = t;
}

Duration ShiftToward(TimePoint newest, TimePoint now) {
  // floor() to whole seconds: newest + shift <= now whatever the fractions.
  auto seconds = std::chrono::floor<std::chrono::seconds>(now - newest);
  return std::chrono::duration_cast<Duration>(seconds);
}

void ShiftOccurredTime(voc::v1::Feedback* feedback, Duration by) {
  if (!feedback->has_occurred_time()) return;
  *feedback->mutable_occurred_time() = ToProto(FromProto(feedback->occurred_time()) + by);
}

TimeShift ShiftToNow(std::vector<ImportRow>* rows, TimePoint now) {
  TimeShift shift;
  for (const auto& row : *rows) TrackNewest(row, &shift.newest);
  if (!shift.newest) return shift;
  shift.by = ShiftToward(*shift.newest, now);
  for (auto& row : *rows) {
    if (row.ok()) ShiftOccurredTime(&row.feedback, shift.by);
  }
  return shift;
}

std::string FormatShift(Duration by) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(by);
  return (seconds.count() < 0 ? "-" : "+") + FormatDuration(seconds, DurationPrecision::kSeconds);
}

}  // namespace voc::cli
