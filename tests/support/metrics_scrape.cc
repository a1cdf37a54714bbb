#include "tests/support/metrics_scrape.h"

// Boost 1.74 asio uses std::exchange without including <utility> under C++20.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace voc::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

HttpResult HttpRequest(int port, const std::string& target, const std::string& method) {
  HttpResult result;
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    http::request<http::empty_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host, "127.0.0.1");
    request.keep_alive(false);
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.skip(method == "HEAD");  // a HEAD answer has a Content-Length but no body
    parser.body_limit(64 * 1024 * 1024);
    http::read(stream, buffer, parser);
    const auto& response = parser.get();
    result.status = static_cast<int>(response.result_int());
    result.content_type = std::string(response[http::field::content_type]);
    result.body = response.body();
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  } catch (const std::exception&) {
    result.status = 0;
  }
  return result;
}

std::optional<double> ParsedExposition::Value(const std::string& name,
                                              const std::map<std::string, std::string>& labels) const {
  for (const auto& sample : samples) {
    if (sample.name == name && sample.labels == labels) return sample.value;
  }
  return std::nullopt;
}

ParsedExposition ParseWithPrometheusClient(const std::string& text) {
  ParsedExposition parsed;
  char dir_template[] = "/tmp/voc-metrics-parse-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (!dir) {
    parsed.error = "mkdtemp failed";
    return parsed;
  }
  const std::string in = std::string(dir) + "/in.txt", out = std::string(dir) + "/out.txt",
                    err = std::string(dir) + "/err.txt";
  std::ofstream(in) << text;
  const std::string command = std::string(VOC_SYSTEM_PYTHON) + " " + VOC_PARSE_METRICS_PY + " < " + in + " > " +
                              out + " 2> " + err;
  const int rc = std::system(command.c_str());
  const std::string output = ReadAll(out);
  parsed.error = ReadAll(err);
  std::remove(in.c_str());
  std::remove(out.c_str());
  std::remove(err.c_str());
  rmdir(dir);
  if (rc != 0) {
    if (parsed.error.empty()) parsed.error = "the parser exited with " + std::to_string(rc);
    return parsed;
  }
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      fields.push_back(line.substr(start, tab - start));
    }
    fields.push_back(line.substr(start));
    if (fields[0] == "family" && fields.size() == 3) {
      parsed.types[fields[1]] = fields[2];
    } else if (fields[0] == "sample" && fields.size() == 4) {
      ParsedSample sample;
      sample.name = fields[1];
      const nlohmann::json labels = nlohmann::json::parse(fields[2]);  // kept: items() refers to it
      for (const auto& [key, value] : labels.items()) sample.labels[key] = value.get<std::string>();
      sample.value = std::strtod(fields[3].c_str(), nullptr);  // repr: 1.0, inf, nan
      parsed.samples.push_back(std::move(sample));
    }
  }
  parsed.ok = true;
  return parsed;
}

}  // namespace voc::testing
