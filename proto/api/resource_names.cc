#include "proto/api/resource_names.h"

namespace voc::api {

std::string IdFromName(std::string_view name, std::string_view collection) {
  if (name.substr(0, collection.size()) == collection) return std::string(name.substr(collection.size()));
  if (name.find('/') != std::string_view::npos) return "";  // another collection's name
  return std::string(name);
}

}  // namespace voc::api
