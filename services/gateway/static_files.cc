#include "services/gateway/static_files.h"

#include <fstream>
#include <sstream>

#include "services/gateway/json_mapping.h"

namespace voc::gateway {
namespace {

constexpr std::uintmax_t kMaxStaticFileBytes = 8u << 20;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

HttpResponse Error(int status, const std::string& code, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = ErrorJson(code, message).dump();
  return r;
}

bool IsInside(const std::filesystem::path& root, const std::filesystem::path& candidate) {
  auto root_it = root.begin();
  auto it = candidate.begin();
  for (; root_it != root.end(); ++root_it, ++it) {
    if (it == candidate.end() || *it != *root_it) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> PercentDecode(const std::string& text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return std::nullopt;
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> SafeRelativePath(const std::string& url_path) {
  if (url_path.empty() || url_path[0] != '/') return std::nullopt;
  auto decoded = PercentDecode(url_path, false);
  if (!decoded) return std::nullopt;
  if (*decoded == "/") return std::string("index.html");
  std::string relative;
  std::size_t start = 1;
  while (start <= decoded->size()) {
    std::size_t end = decoded->find('/', start);
    if (end == std::string::npos) end = decoded->size();
    std::string segment = decoded->substr(start, end - start);
    if (segment.empty()) {
      if (end == decoded->size()) break;  // trailing slash
      return std::nullopt;                // "//"
    }
    if (segment[0] == '.' || segment.find('\\') != std::string::npos ||
        segment.find('\0') != std::string::npos) {
      return std::nullopt;
    }
    if (!relative.empty()) relative += '/';
    relative += segment;
    start = end + 1;
  }
  if (relative.empty()) return std::nullopt;
  if (decoded->back() == '/') relative += "/index.html";
  return relative;
}

std::string MimeTypeFor(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::filesystem::path root) : root_(std::move(root)) {
  std::error_code ec;
  auto canonical = std::filesystem::canonical(root_, ec);
  if (!ec) root_ = canonical;
}

HttpResponse StaticFiles::Serve(const std::string& url_path) const {
  auto relative = SafeRelativePath(url_path);
  if (!relative) return Error(400, "INVALID_ARGUMENT", "path: not allowed");
  std::error_code ec;
  // Resolve symlinks too: a link inside the folder must not lead outside it.
  auto file = std::filesystem::weakly_canonical(root_ / *relative, ec);
  if (ec || !IsInside(root_, file)) return Error(404, "NOT_FOUND", "file not found");
  if (!std::filesystem::is_regular_file(file, ec)) return Error(404, "NOT_FOUND", "file not found");
  if (std::filesystem::file_size(file, ec) > kMaxStaticFileBytes || ec) {
    return Error(500, "INTERNAL", "file too large to serve");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error(404, "NOT_FOUND", "file not found");
  std::ostringstream content;
  content << in.rdbuf();
  HttpResponse r;
  r.content_type = MimeTypeFor(file);
  r.body = content.str();
  r.headers["Cache-Control"] = "no-cache";
  return r;
}

}  // namespace voc::gateway
