// The feedback a run submits: texts from a corpus in turn, an external id
// unique to the run ("<run id>-<seq>", so a second run never collides with
// the first and ingest never answers "duplicate"), and one customer id per
// run so the run's cases can be listed by customer afterwards.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "voc/v1/feedback.pb.h"

namespace voc::load {

struct FeedbackShape {
  v1::Channel channel = v1::CHANNEL_NPS_SURVEY;
  // NPS answers: 0..6 only (every feedback a detractor, so each becomes a
  // callback case) or 0..10 in turn.
  bool detractors_only = false;
  // Every k-th feedback (seq % k == k - 1) gets a red-line phrase appended
  // so it raises a red-line alert; 0 for none.
  int red_line_every = 0;
};

// A safety red line in config/redlines.yaml ("拉肚子").
inline constexpr char kRedLinePhrase[] = "（吃完拉肚子了）";

class FeedbackSource {
 public:
  FeedbackSource(std::vector<std::string> texts, std::string run_id, FeedbackShape shape);

  v1::Feedback Make(std::int64_t seq) const;
  bool IsRedLine(std::int64_t seq) const;
  const std::string& run_id() const { return run_id_; }
  // The customer id every feedback of this run carries.
  std::string customer_id() const { return run_id_; }

 private:
  std::shared_ptr<const std::vector<std::string>> texts_;
  std::string run_id_;
  FeedbackShape shape_;
};

// "load-<unix ms in base 36>-<pid>": distinct for every run on this machine.
std::string NewRunId();

}  // namespace voc::load
