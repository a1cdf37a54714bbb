#include "common/erasure/erased_text.h"

namespace voc::erasure {
namespace {

bool IsTokenChar(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || c == '-' || c == '_';
}

}  // namespace

std::string ReplaceToken(std::string_view text, std::string_view token, std::string_view with) {
  if (token.empty()) return std::string(text);
  std::string out;
  std::size_t from = 0;
  while (true) {
    const std::size_t at = text.find(token, from);
    if (at == std::string_view::npos) break;
    const std::size_t end = at + token.size();
    const bool starts = at == 0 || !IsTokenChar(text[at - 1]);
    const bool ends = end == text.size() || !IsTokenChar(text[end]);
    if (starts && ends) {
      out.append(text.substr(from, at - from));
      out.append(with);
      from = end;
    } else {
      out.append(text.substr(from, at + 1 - from));
      from = at + 1;
    }
  }
  out.append(text.substr(from));
  return out;
}

std::string EraseFreeTextAfterColon(std::string_view detail, std::string_view erased_text) {
  if (detail.empty() || detail == erased_text) return std::string(detail);
  const std::size_t colon = detail.find(": ");
  if (colon == std::string_view::npos) return std::string(erased_text);
  return std::string(detail.substr(0, colon + 2)) + std::string(erased_text);
}

}  // namespace voc::erasure
