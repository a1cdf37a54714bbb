// voc.v1.PrivacyService in voc-assignment (issue 9): erases what the routing
// decisions of a customer's feedback quote of them (store/erasure_store.h).
#pragma once

#include <memory>

#include "common/auth/authenticator.h"
#include "common/erasure/privacy_service.h"
#include "services/assignment/store/erasure_store.h"

namespace voc::assignment {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, ErasureStore& store);

}  // namespace voc::assignment
