// For tests of voc-verification parts that never count complaints or reopen
// a project (the knowledge base, campaign verdicts, the digest): stand-ins
// for its two gRPC ports (triage and tracking, the outside edge), and a
// knowledge search that returns the entries. Header-only.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/verification/ports.h"
#include "services/verification/verification_service.h"

namespace voc::testing {

class NoComplaintCounts final : public verification::ComplaintCounter {
 public:
  absl::StatusOr<Counts> Count(TimePoint, TimePoint, const std::string&) override { return Counts{}; }
};

class NoProjectReopens final : public verification::ProjectReopener {
 public:
  absl::Status Reopen(const std::string&, const std::string&) override { return absl::OkStatus(); }
};

// SearchKnowledge's first page for `query` (an error fails the test).
inline std::vector<v1::KnowledgeEntry> SearchKnowledge(verification::VerificationService& service,
                                                       const std::string& query) {
  v1::SearchKnowledgeRequest request;
  request.set_query(query);
  auto found = service.SearchKnowledge(request);
  EXPECT_TRUE(found.ok()) << found.status();
  if (!found.ok()) return {};
  return {found->entries().begin(), found->entries().end()};
}

}  // namespace voc::testing
