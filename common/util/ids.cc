#include "common/util/ids.h"

#include <cstdint>
#include <cstdio>
#include <random>

namespace voc {
namespace {

std::string Hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string NewId() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return Hex16(engine());
}

std::string StableId(std::string_view key) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return Hex16(hash);
}

}  // namespace voc
