// Builds one week's digest for one scope (a department, or "" for the
// company) from its sources: the verified wins and a lesson, the outreach
// campaigns whose verdict landed in the week (the department's own, or
// every department's for the company), the goals, the
// five topics whose complaints rose significantly, the five strongest new
// weak signals (company digest only: signals carry no department) and the
// week's SLA figures. Pure: no clock, no store, no rendering.
//
// A source that fails fails the whole digest with its status (prefixed
// with the digest's name), so no digest goes out with a part silently
// missing; the caller retries on its next run.
#pragma once

#include "services/verification/digest/digest_renderer.h"
#include "services/verification/digest/digest_sources.h"
#include "voc/v1/programme.pb.h"

namespace voc::verification {

inline constexpr int kDigestTopItems = 5;

// "digests/{week_start}/{department or 'company'}".
std::string DigestName(const std::string& week_start, const std::string& department);

class DigestComposer {
 public:
  DigestComposer(VoiceDigestSource& voice, LoopDigestSource& loop, ProgrammeDigestSource& programme)
      : voice_(voice), loop_(loop), programme_(programme) {}

  // Everything but the rendered texts, compose_time and recipients.
  absl::StatusOr<v1::Digest> Compose(const DigestWeek& week, const std::string& department) const;
  // Every topic's zh/en name, for the digest's text; empty when triage cannot
  // list them (the text then shows topic ids: a nicety, not a reason to fail).
  TopicNames NamesOfTopics() const;

 private:
  VoiceDigestSource& voice_;
  LoopDigestSource& loop_;
  ProgrammeDigestSource& programme_;
};

// The SLA part: first-response and resolution clocks due / met and
// breaches summed over the report's rows, the open backlog over its
// buckets, the hot-loop rate as reported.
v1::DigestSla SlaOf(const v1::LoopReport& report);

}  // namespace voc::verification
