#include "common/rpc/page_token.h"

#include <absl/strings/escaping.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <memory>

#include "common/status/status.h"
#include "proto/api/limits.h"
#include "voc/internal/page_token.pb.h"

namespace voc::rpc {
namespace {

constexpr std::uint32_t kTokenVersion = 1;

std::uint64_t Fnv1a(std::string_view bytes, std::uint64_t hash = 1469598103934665603ULL) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string Deterministic(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

std::uint64_t ChecksumOf(const voc::internal::PageToken& token) {
  voc::internal::PageToken copy = token;
  copy.clear_checksum();
  // A fixed salt so the checksum is not simply the FNV of the bytes a reader
  // can see; it guards against edits, not against a determined forger.
  return Fnv1a(Deterministic(copy), Fnv1a("voc.internal.PageToken/1"));
}

absl::Status BadToken() {
  return status::InvalidArgument("page_token", "is not a token this method returned for this request");
}

int ClampSize(int page_size) {
  return page_size == 0 ? api::kDefaultPageSize : std::min(page_size, api::kMaxPageSize);
}

}  // namespace

std::uint64_t FilterFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> filter(request.New());
  filter->CopyFrom(request);
  const auto* descriptor = filter->GetDescriptor();
  const auto* reflection = filter->GetReflection();
  for (const char* paging : {"page_size", "page_token", "limit"}) {
    if (const auto* field = descriptor->FindFieldByName(paging)) reflection->ClearField(filter.get(), field);
  }
  return Fnv1a(descriptor->full_name() + "\n" + Deterministic(*filter));
}

absl::StatusOr<PageRequest> ParsePageRequest(int page_size, std::string_view page_token,
                                             std::uint64_t filter_fingerprint) {
  if (page_size < 0) return status::InvalidArgument("page_size", "must not be negative");
  PageRequest page;
  page.size = ClampSize(page_size);
  if (page_token.empty()) return page;
  std::string bytes;
  voc::internal::PageToken token;
  if (!absl::WebSafeBase64Unescape(absl::string_view(page_token.data(), page_token.size()), &bytes) || !token.ParseFromString(bytes) ||
      token.version() != kTokenVersion || token.checksum() != ChecksumOf(token)) {
    return BadToken();
  }
  if (token.filter_fingerprint() != filter_fingerprint) {
    return status::InvalidArgument("page_token", "was made for a request with other filters; "
                                                 "start again without a page_token");
  }
  page.after = PageCursor{token.after_key(), token.after_id(),
                          {token.more_keys().begin(), token.more_keys().end()}, token.as_of_ms()};
  return page;
}

absl::StatusOr<PageRequest> ParsePageRequest(const google::protobuf::Message& request) {
  const auto* descriptor = request.GetDescriptor();
  const auto* reflection = request.GetReflection();
  int page_size = 0;
  std::string page_token;
  if (const auto* f = descriptor->FindFieldByName("page_size")) page_size = reflection->GetInt32(request, f);
  if (const auto* f = descriptor->FindFieldByName("page_token")) page_token = reflection->GetString(request, f);
  return ParsePageRequest(page_size, page_token, FilterFingerprint(request));
}

std::string EncodePageToken(const PageCursor& last, std::uint64_t filter_fingerprint) {
  voc::internal::PageToken token;
  token.set_version(kTokenVersion);
  token.set_filter_fingerprint(filter_fingerprint);
  token.set_after_key(last.after_key);
  token.set_after_id(last.after_id);
  for (const std::int64_t key : last.more_keys) token.add_more_keys(key);
  token.set_as_of_ms(last.as_of_ms);
  token.set_checksum(ChecksumOf(token));
  std::string encoded;
  absl::WebSafeBase64Escape(Deterministic(token), &encoded);
  return encoded;
}

std::string NextPageToken(const google::protobuf::Message& request, const PageRequest& page,
                          int returned, const PageCursor& last) {
  if (returned < page.size) return "";
  return EncodePageToken(last, FilterFingerprint(request));
}

}  // namespace voc::rpc
