// proto3 parsers reject a `string` field holding invalid UTF-8 outright, so a
// request with bad bytes in feedback.text would fail deserialisation and
// reach the client as a bare INTERNAL. Ingest takes its submit RPCs as raw
// bytes and runs this check first, so the caller gets INVALID_ARGUMENT
// naming the field instead.
#pragma once

#include <google/protobuf/descriptor.h>

#include <optional>
#include <string>
#include <string_view>

namespace voc::ingest {

// Walks the serialized message `wire` of type `type` by its descriptor and
// returns the path of the first string field that is not valid UTF-8, e.g.
// "feedback.text", "feedback.customer.id", "feedback.attributes" (map keys
// and values report the map), "items[2].text" for repeated messages. `path`
// prefixes the result. Returns nullopt when every string is valid or when
// the bytes are no protobuf at all (the regular parse reports that).
std::optional<std::string> FindInvalidUtf8Field(const google::protobuf::Descriptor& type,
                                                std::string_view wire, const std::string& path);

}  // namespace voc::ingest
