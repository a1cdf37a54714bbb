#include "common/util/host_port.h"

#include <exception>

namespace voc {

bool SplitHostPort(const std::string& listen, std::string* host, int* port) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= listen.size()) return false;
  std::string h = listen.substr(0, colon);
  if (h.front() == '[') {
    if (h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  }
  try {
    std::size_t used = 0;
    const int p = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || p < 0 || p > 65535) return false;
    *port = p;
  } catch (const std::exception&) {
    return false;
  }
  *host = h;
  return true;
}

}  // namespace voc
