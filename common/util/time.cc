#include "common/util/time.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace voc {

std::int64_t ToMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromMillis(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::milliseconds(ms)));
}

google::protobuf::Timestamp MillisToProto(std::int64_t ms) {
  google::protobuf::Timestamp ts;
  std::int64_t seconds = ms / 1000;
  std::int64_t rem = ms % 1000;
  if (rem < 0) {
    rem += 1000;
    seconds -= 1;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int>(rem * 1000000));
  return ts;
}

google::protobuf::Timestamp ToProto(TimePoint t) { return MillisToProto(ToMillis(t)); }

std::int64_t ProtoToMillis(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000 + ts.nanos() / 1000000;
}

TimePoint FromProto(const google::protobuf::Timestamp& ts) { return FromMillis(ProtoToMillis(ts)); }

bool IsUnset(const google::protobuf::Timestamp& ts) { return ts.seconds() == 0 && ts.nanos() == 0; }

Duration FromProto(const google::protobuf::Duration& d) {
  return std::chrono::duration_cast<Duration>(std::chrono::seconds(d.seconds()) +
                                              std::chrono::nanoseconds(d.nanos()));
}

google::protobuf::Duration ToProto(Duration d) {
  google::protobuf::Duration out;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  out.set_seconds(ns / 1000000000);
  out.set_nanos(static_cast<int>(ns % 1000000000));
  return out;
}

std::string FormatRfc3339(TimePoint t) {
  std::int64_t ms = ToMillis(t);
  std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int millis = static_cast<int>(ms - static_cast<std::int64_t>(seconds) * 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

bool ParseRfc3339(const std::string& text, TimePoint* out) {
  int year, month, day, hour, minute, second;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second,
                  &consumed) != 6) {
    // Also accept a space instead of 'T'.
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second,
                    &consumed) != 6) {
      return false;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  std::size_t pos = static_cast<std::size_t>(consumed);
  std::int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return false;
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  std::int64_t offset_seconds = 0;
  if (pos < text.size()) {
    char c = text[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      int oh = 0, om = 0;
      if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2) return false;
      offset_seconds = (oh * 3600 + om * 60) * (c == '+' ? 1 : -1);
      pos += 6;
    } else {
      return false;
    }
  }
  if (pos != text.size()) return false;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::int64_t epoch = static_cast<std::int64_t>(timegm(&tm)) - offset_seconds;
  *out = FromMillis(epoch * 1000 + millis);
  return true;
}

bool ParseDuration(const std::string& text, Duration* out) {
  if (text.empty()) return false;
  std::size_t i = 0;
  double value = 0;
  bool any_digit = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    value = value * 10 + (text[i] - '0');
    any_digit = true;
    ++i;
  }
  if (!any_digit) return false;
  std::string unit = text.substr(i);
  double seconds;
  if (unit == "ms") seconds = value / 1000;
  else if (unit == "s") seconds = value;
  else if (unit == "m") seconds = value * 60;
  else if (unit == "h") seconds = value * 3600;
  else if (unit == "d") seconds = value * 86400;
  else return false;
  *out = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
  return true;
}

std::string FormatDuration(Duration d, DurationPrecision precision) {
  long long total = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (total < 0) total = -total;
  const long long days = total / 86400, hours = (total % 86400) / 3600, minutes = (total % 3600) / 60,
                  seconds = total % 60;
  const auto two = [](long long v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  const bool to_the_second = precision == DurationPrecision::kSeconds;
  if (days > 0) {
    return std::to_string(days) + "d" +
           (to_the_second ? two(hours) + "h" + two(minutes) + "m" + two(seconds) + "s" : std::to_string(hours) + "h");
  }
  if (hours > 0) return std::to_string(hours) + "h" + two(minutes) + "m" + (to_the_second ? two(seconds) + "s" : "");
  if (minutes > 0) return std::to_string(minutes) + "m" + two(seconds) + "s";
  return std::to_string(seconds) + "s";
}

}  // namespace voc
