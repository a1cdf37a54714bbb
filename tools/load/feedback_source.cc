#include "tools/load/feedback_source.h"

#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace voc::load {

FeedbackSource::FeedbackSource(std::vector<std::string> texts, std::string run_id, FeedbackShape shape)
    : texts_(std::make_shared<const std::vector<std::string>>(std::move(texts))),
      run_id_(std::move(run_id)),
      shape_(shape) {
  if (texts_->empty()) throw std::invalid_argument("FeedbackSource needs at least one text");
}

bool FeedbackSource::IsRedLine(std::int64_t seq) const {
  return shape_.red_line_every > 0 && seq % shape_.red_line_every == shape_.red_line_every - 1;
}

v1::Feedback FeedbackSource::Make(std::int64_t seq) const {
  v1::Feedback f;
  f.set_channel(shape_.channel);
  f.set_external_id(run_id_ + "-" + std::to_string(seq));
  f.mutable_customer()->set_id(customer_id());
  std::string text = (*texts_)[static_cast<std::size_t>(seq) % texts_->size()];
  if (IsRedLine(seq)) text += kRedLinePhrase;
  f.set_text(std::move(text));
  if (shape_.channel == v1::CHANNEL_NPS_SURVEY) {
    f.set_nps(static_cast<int>(seq % (shape_.detractors_only ? 7 : 11)));
  }
  return f;
}

std::string NewRunId() {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  std::string base36;
  do {
    base36.insert(base36.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[ms % 36]);
    ms /= 36;
  } while (ms > 0);
  return "load-" + base36 + "-" + std::to_string(getpid());
}

}  // namespace voc::load
