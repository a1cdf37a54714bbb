// Resource names of the voc.v1 API (AIP-122): "cases/{id}", "projects/{id}",
// "feedback/{id}", "clusters/{id}", "verifications/{id}", "resurveys/{id}".
// Requests accept the full name or the bare id; responses carry both.
#pragma once

#include <string>
#include <string_view>

namespace voc::api {

// Collection prefixes, each with its trailing slash.
inline constexpr std::string_view kCases = "cases/";
inline constexpr std::string_view kProjects = "projects/";
inline constexpr std::string_view kFeedback = "feedback/";
inline constexpr std::string_view kClusters = "clusters/";
inline constexpr std::string_view kVerifications = "verifications/";
inline constexpr std::string_view kResurveys = "resurveys/";

// "cases/" + "abc" -> "cases/abc".
inline std::string ResourceName(std::string_view collection, std::string_view id) {
  std::string name(collection);
  name += id;
  return name;
}

// "cases/abc" -> "abc" for collection "cases/"; a bare "abc" stays "abc".
// Returns an empty string when the name belongs to another collection
// ("projects/abc" asked as a case) or has no id.
std::string IdFromName(std::string_view name, std::string_view collection);

}  // namespace voc::api
