// Rewriting stored free text for an erasure (issue 9): the pieces shared by
// the services that keep texts about a customer (tracking's summaries and
// histories, assignment's routing reasons, notify's rendered messages).
#pragma once

#include <string>
#include <string_view>

namespace voc::erasure {

// `text` with every whole-token occurrence of `token` (not preceded or
// followed by a letter, digit, '-' or '_') replaced by `with`: a customer id
// "C1" goes from "Call back detractor C1 (NPS 3)" but "C12" and "Call" stay.
// An empty token changes nothing.
std::string ReplaceToken(std::string_view text, std::string_view token, std::string_view with);

// A structured detail "<what the system wrote>: <what a person wrote>"
// keeps its first part: "customer reached: he said 13800138000" ->
// "customer reached: [erased]". Without ": " the whole text is replaced.
// Already erased text comes back unchanged (idempotent).
std::string EraseFreeTextAfterColon(std::string_view detail, std::string_view erased_text);

}  // namespace voc::erasure
