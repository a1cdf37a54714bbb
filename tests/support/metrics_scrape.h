// Scraping /metrics in tests: a plain HTTP GET (Boost.Beast, no keep-alive)
// and an independent reading of the body by the Prometheus project's own
// parser (Debian's python3-prometheus-client), so a test checks what
// Prometheus would read, not what our writer meant to write.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace voc::testing {

struct HttpResult {
  int status = 0;  // 0: could not connect or read
  std::string content_type;
  std::string body;
};

// GET http://127.0.0.1:<port><target> (method "GET" or "HEAD", ...).
HttpResult HttpRequest(int port, const std::string& target, const std::string& method = "GET");

struct ParsedSample {
  std::string name;                          // with its suffix: x_bucket, x_sum
  std::map<std::string, std::string> labels;  // unescaped
  double value = 0;
};

struct ParsedExposition {
  bool ok = false;
  std::string error;                          // the parser's complaint when !ok
  std::map<std::string, std::string> types;   // family name -> "counter", ...
  std::vector<ParsedSample> samples;

  // The value of the sample `name` with exactly `labels`, if present.
  std::optional<double> Value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
};

// Runs prometheus_client.parser.text_string_to_metric_families over `text`.
ParsedExposition ParseWithPrometheusClient(const std::string& text);

}  // namespace voc::testing
