#include "common/sla/holiday_file.h"

namespace voc::sla {
namespace {

DayNumber DateAt(const config::YamlSource& file, const YAML::Node& entry, const std::string& key,
                 const std::string& path) {
  const std::string text = file.RequiredString(entry, key, path);
  const std::optional<DayNumber> day = ParseIsoDate(text);
  if (!day) file.Fail(entry[key], path + "." + key + " '" + text + "' is not a date (YYYY-MM-DD)");
  return *day;
}

void RequireInYear(const config::YamlSource& file, const YAML::Node& node, DayNumber day, int year,
                   const std::string& path) {
  if (CivilFromDays(day).year != year)
    file.Fail(node, path + " " + FormatIsoDate(day) + " is not in the file's year " + std::to_string(year));
}

}  // namespace

HolidayYear ReadHolidayFile(const config::YamlSource& file, const bool (&working_weekdays)[7]) {
  const YAML::Node& root = file.root();
  config::RequireMapWithKeys(file.source(), root, "the holiday file",
                             {"year", "status", "source", "note", "holidays", "workdays"});
  HolidayYear out;
  out.source = file.source();
  const std::string year_text = file.RequiredString(root, "year", "year");
  try {
    std::size_t used = 0;
    out.year = std::stoi(year_text, &used);
    if (used != year_text.size() || out.year < 1970 || out.year > 2099) throw std::out_of_range("year");
  } catch (const std::exception&) {
    file.Fail(root["year"], "year '" + year_text + "' must be a year between 1970 and 2099");
  }
  const std::string status = file.OptionalString(root, "status", "status", "official");
  if (status != "official" && status != "provisional")
    file.Fail(root["status"], "status '" + status + "' must be official or provisional");
  out.provisional = status == "provisional";

  const YAML::Node holidays = file.Sequence(root, "holidays", "holidays", /*required=*/true);
  for (std::size_t i = 0; i < holidays.size(); ++i) {
    const YAML::Node entry = holidays[i];
    const std::string path = "holidays[" + std::to_string(i) + "]";
    config::RequireMapWithKeys(file.source(), entry, path, {"name", "date", "from", "to"});
    file.RequiredString(entry, "name", path);
    const bool single = entry["date"].IsDefined();
    if (single == (entry["from"].IsDefined() || entry["to"].IsDefined()))
      file.Fail(entry, path + " needs either date, or from and to");
    const DayNumber from = DateAt(file, entry, single ? "date" : "from", path);
    const DayNumber to = single ? from : DateAt(file, entry, "to", path);
    if (to < from) file.Fail(entry["to"], path + ": to " + FormatIsoDate(to) + " is before from " + FormatIsoDate(from));
    if (to - from > 31) file.Fail(entry["to"], path + " spans more than a month; is a date mistyped?");
    RequireInYear(file, entry, from, out.year, path);
    RequireInYear(file, entry, to, out.year, path);
    for (DayNumber d = from; d <= to; ++d) {
      if (!out.holidays.insert(d).second)
        file.Fail(entry, path + ": " + FormatIsoDate(d) + " is already a holiday in this file");
    }
  }

  const YAML::Node workdays = file.Sequence(root, "workdays", "workdays", /*required=*/false);
  for (std::size_t i = 0; i < workdays.size(); ++i) {
    const YAML::Node entry = workdays[i];
    const std::string path = "workdays[" + std::to_string(i) + "]";
    config::RequireMapWithKeys(file.source(), entry, path, {"name", "date"});
    const DayNumber day = DateAt(file, entry, "date", path);
    RequireInYear(file, entry["date"], day, out.year, path);
    if (working_weekdays[WeekdayMondayZero(day)])
      file.Fail(entry["date"], path + ": " + FormatIsoDate(day) +
                                   " is already a working weekday; only a day off can become an adjusted working day");
    if (out.holidays.count(day))
      file.Fail(entry["date"], path + ": " + FormatIsoDate(day) + " is also listed as a holiday");
    if (!out.workdays.insert(day).second)
      file.Fail(entry["date"], path + ": " + FormatIsoDate(day) + " is listed twice");
  }
  return out;
}

}  // namespace voc::sla
