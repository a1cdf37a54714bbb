// The hold-out of a campaign (issue 13): a random share of its segment
// that is never contacted, so the effect of the message can be measured.
// Random: a customer's place is a 64-bit FNV-1a hash of "<campaign
// id>\x1f<customer id>" read as a fraction in [0, 1); stable: the same
// pair always lands in the same group (a re-run, a restart, another
// replica), and another campaign draws its own, independent hold-out.
#pragma once

#include <string>

namespace voc::entities::outreach {

// Its place in [0, 1).
double HoldoutPlace(const std::string& campaign_id, const std::string& customer_id);
// Held out when its place is below `share` (0..1).
bool IsHeldOut(const std::string& campaign_id, const std::string& customer_id, double share);

}  // namespace voc::entities::outreach
