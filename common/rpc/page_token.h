// Paging for every List method (AIP-158): page_size clamped to
// [1, api::kMaxPageSize] (0 means api::kDefaultPageSize), and page tokens
// that are opaque to clients: a small serialized message (voc.internal.
// PageToken), base64url-encoded, bound to the request's filter and carrying
// a checksum. A token that was edited, comes from another method, or is sent
// with a different filter is refused with INVALID_ARGUMENT naming
// page_token. The checksum catches accidents and casual edits; it is no
// signature, and needs none: every item a token leads to is still checked
// against the caller's filter and permissions.
//
// Lists page by keyset: the token holds the sort keys and id of the last item
// returned, and the next page starts strictly after it, so items added while
// a client walks the pages are never returned twice and items present from
// the start are never skipped. A list ordered by several values puts them all
// in the cursor (after_key, then more_keys); a list whose order depends on
// the time it is asked (overdue first) keeps the walk's start in as_of_ms.
#pragma once

#include <absl/status/statusor.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voc::rpc {

// Where a page starts.
struct PageCursor {
  std::int64_t after_key = 0;  // first sort key of the last item returned (e.g. its time in ms)
  std::string after_id;        // its id, the tie-breaker
  std::vector<std::int64_t> more_keys = {};  // its further sort keys, for lists ordered by several
  std::int64_t as_of_ms = 0;   // when the walk began, for lists ordered relative to "now"
};

struct PageRequest {
  int size = 50;
  // Unset on the first page.
  std::optional<PageCursor> after;
};

// A fingerprint of `request` without its page_size and page_token fields
// (found by name), over its deterministic serialization: the same filter
// always gives the same value, in every process and replica.
std::uint64_t FilterFingerprint(const google::protobuf::Message& request);

// INVALID_ARGUMENT "page_size: ..." for a negative size, "page_token: ..." for
// a token that does not decode, fails its checksum or was made for another
// filter.
absl::StatusOr<PageRequest> ParsePageRequest(int page_size, std::string_view page_token,
                                             std::uint64_t filter_fingerprint);
// Shorthand: reads page_size and page_token from `request` itself.
absl::StatusOr<PageRequest> ParsePageRequest(const google::protobuf::Message& request);

// The token for the page after `last`.
std::string EncodePageToken(const PageCursor& last, std::uint64_t filter_fingerprint);
// The token for `request`'s next page, or "" when `returned` < page size
// (the list is exhausted).
std::string NextPageToken(const google::protobuf::Message& request, const PageRequest& page,
                          int returned, const PageCursor& last);

}  // namespace voc::rpc
