// Plain HTTP request/response values, so routing is a function that tests
// call without a socket (the Beast server only converts to and from these).
#pragma once

#include <map>
#include <string>

namespace voc::gateway {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as received: "/api/cases?state=open"
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  // Arrived over HTTPS (issue 9): the listener has TLS on, so the session
  // cookie can be Secure.
  bool secure = false;
  // issue 9: the TCP peer's IP address ("127.0.0.1", "::1"); trusted-header
  // SSO believes a header only from a configured proxy address.
  std::string remote_address;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::map<std::string, std::string> headers;  // extra headers (security, caching, Allow)
  std::string body;
};

}  // namespace voc::gateway
