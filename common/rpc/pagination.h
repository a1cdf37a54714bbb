// page_size / page_token handling shared by every List method. Tokens are
// opaque offsets (decimal strings) into a stable order.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

namespace voc::rpc {

struct Page {
  int size = 50;      // clamped to [1, 1000]; 0 means the default 50
  long offset = 0;
};

// INVALID_ARGUMENT naming page_size / page_token when malformed.
grpc::Status ParsePage(int page_size, const std::string& page_token, Page* page);
// The token for the page after one that returned `returned` items.
std::string NextPageToken(const Page& page, int returned);

}  // namespace voc::rpc
