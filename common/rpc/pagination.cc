#include "common/rpc/pagination.h"

#include <algorithm>

#include "common/rpc/status.h"

namespace voc::rpc {

grpc::Status ParsePage(int page_size, const std::string& page_token, Page* page) {
  if (page_size < 0) return InvalidArgument("page_size", "must not be negative");
  page->size = page_size == 0 ? 50 : std::min(page_size, 1000);
  page->offset = 0;
  if (!page_token.empty()) {
    try {
      std::size_t used = 0;
      long offset = std::stol(page_token, &used);
      if (used != page_token.size() || offset < 0) throw std::invalid_argument(page_token);
      page->offset = offset;
    } catch (const std::exception&) {
      return InvalidArgument("page_token", "is not a token returned by this method");
    }
  }
  return grpc::Status::OK;
}

std::string NextPageToken(const Page& page, int returned) {
  if (returned < page.size) return "";
  return std::to_string(page.offset + returned);
}

}  // namespace voc::rpc
