#include "services/ingest/wire_utf8.h"

#include <google/protobuf/unknown_field_set.h>

#include <map>

#include "common/util/utf8.h"

namespace voc::ingest {

using google::protobuf::FieldDescriptor;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

std::optional<std::string> FindInvalidUtf8Field(const google::protobuf::Descriptor& type,
                                                std::string_view wire, const std::string& path) {
  // UnknownFieldSet parses any well-formed wire data without interpreting
  // it, so no UTF-8 rule applies yet.
  UnknownFieldSet fields;
  if (!fields.ParseFromArray(wire.data(), static_cast<int>(wire.size()))) return std::nullopt;
  std::map<int, int> occurrences;  // field number -> index of a repeated element
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& field = fields.field(i);
    if (field.type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
    const FieldDescriptor* descriptor = type.FindFieldByNumber(field.number());
    if (descriptor == nullptr) continue;
    std::string name = path.empty() ? descriptor->name() : path + "." + descriptor->name();
    int index = occurrences[field.number()]++;
    if (descriptor->is_repeated() && !descriptor->is_map()) {
      name += "[" + std::to_string(index) + "]";
    }
    const std::string& bytes = field.length_delimited();
    if (descriptor->type() == FieldDescriptor::TYPE_STRING) {
      if (!IsValidUtf8(bytes)) return name;
    } else if (descriptor->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (auto bad = FindInvalidUtf8Field(*descriptor->message_type(), bytes, name)) {
        return descriptor->is_map() ? name : *bad;
      }
    }
  }
  return std::nullopt;
}

}  // namespace voc::ingest
