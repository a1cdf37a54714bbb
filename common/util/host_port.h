// "host:port" addresses as the config writes them ("127.0.0.1:8080",
// "0.0.0.0:9100", "[::1]:7101"): one parser for every listener.
#pragma once

#include <string>

namespace voc {

// Splits `listen` into host (brackets of an IPv6 literal removed) and port
// (0..65535; 0 asks the system for a free one). False when malformed.
bool SplitHostPort(const std::string& listen, std::string* host, int* port);

}  // namespace voc
