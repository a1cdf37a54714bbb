// Serves the web page's files from one folder, refusing anything that could
// reach outside it (.., encoded .., hidden files, backslashes, NUL, symlinks
// pointing out).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "services/gateway/http_types.h"

namespace voc::gateway {

// Decodes %XX escapes (and '+' as space when `plus_is_space`). Returns
// nullopt on a malformed escape or an encoded NUL.
std::optional<std::string> PercentDecode(const std::string& text, bool plus_is_space);

// Maps a URL path ("/", "/app.js", "/css/site.css") to a relative file path
// ("index.html", "app.js", "css/site.css"). Returns nullopt when the path is
// unsafe: not starting with '/', a malformed escape, a backslash, a NUL, or
// a segment that is "." / ".." or starts with '.'.
std::optional<std::string> SafeRelativePath(const std::string& url_path);

std::string MimeTypeFor(const std::filesystem::path& file);

class StaticFiles {
 public:
  // `root` need not exist (every request is then 404).
  explicit StaticFiles(std::filesystem::path root);

  // 200 with the file, 404 when missing, 400 when the path is unsafe.
  // Files over 8 MiB are refused (500): this folder holds a small web page.
  HttpResponse Serve(const std::string& url_path) const;

 private:
  std::filesystem::path root_;  // canonical when it exists
};

}  // namespace voc::gateway
