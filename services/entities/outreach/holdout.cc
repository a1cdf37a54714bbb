#include "services/entities/outreach/holdout.h"

#include <cstdint>

namespace voc::entities::outreach {
namespace {

std::uint64_t Fnv1a(const std::string& text, std::uint64_t h = 1469598103934665603ULL) {
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// FNV-1a's low bits mix poorly for short inputs that differ in their last
// bytes; a finaliser (splitmix64's) spreads every input bit over the word.
std::uint64_t Mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

double HoldoutPlace(const std::string& campaign_id, const std::string& customer_id) {
  const std::uint64_t h = Mix(Fnv1a(customer_id, Fnv1a("\x1f", Fnv1a(campaign_id))));
  return static_cast<double>(h >> 11) / 9007199254740992.0;  // 2^53
}

bool IsHeldOut(const std::string& campaign_id, const std::string& customer_id, double share) {
  return HoldoutPlace(campaign_id, customer_id) < share;
}

}  // namespace voc::entities::outreach
