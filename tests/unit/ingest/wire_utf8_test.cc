#include "services/ingest/wire_utf8.h"

#include <gtest/gtest.h>

#include "voc/v1/ingest.pb.h"

namespace voc::ingest {
namespace {

// Serialising a string field with bad bytes only logs in C++ (parsing is
// what fails), which lets the tests build the wire data a careless client
// would send.
std::string Wire(const google::protobuf::Message& message) { return message.SerializeAsString(); }

const auto& kRequest = *voc::v1::SubmitFeedbackRequest::descriptor();

TEST(WireUtf8Test, ValidRequestHasNoBadField) {
  voc::v1::SubmitFeedbackRequest request;
  request.mutable_feedback()->set_text("好 and fine");
  (*request.mutable_feedback()->mutable_attributes())["k"] = "v";
  EXPECT_EQ(FindInvalidUtf8Field(kRequest, Wire(request), ""), std::nullopt);
}

TEST(WireUtf8Test, NamesTheTextField) {
  voc::v1::SubmitFeedbackRequest request;
  request.mutable_feedback()->set_external_id("x");
  request.mutable_feedback()->set_text("bad \xff\xfe");
  EXPECT_EQ(FindInvalidUtf8Field(kRequest, Wire(request), ""), "feedback.text");
}

TEST(WireUtf8Test, NamesNestedAndMapFields) {
  voc::v1::SubmitFeedbackRequest request;
  request.mutable_feedback()->mutable_customer()->set_store("\xc3");
  EXPECT_EQ(FindInvalidUtf8Field(kRequest, Wire(request), ""), "feedback.customer.store");

  voc::v1::SubmitFeedbackRequest with_map;
  (*with_map.mutable_feedback()->mutable_attributes())["k"] = "\x80";
  EXPECT_EQ(FindInvalidUtf8Field(kRequest, Wire(with_map), ""), "feedback.attributes");
}

TEST(WireUtf8Test, IndexesRepeatedMessages) {
  voc::v1::BatchSubmitFeedbackRequest batch;
  batch.add_feedbacks()->set_text("fine");
  batch.add_feedbacks()->set_text("bad \xff");
  EXPECT_EQ(FindInvalidUtf8Field(*voc::v1::BatchSubmitFeedbackRequest::descriptor(), Wire(batch), ""),
            "feedbacks[1].text");
}

TEST(WireUtf8Test, GarbageIsLeftToTheParser) {
  EXPECT_EQ(FindInvalidUtf8Field(kRequest, std::string("\xff\xff\xff", 3), ""), std::nullopt);
}

}  // namespace
}  // namespace voc::ingest
