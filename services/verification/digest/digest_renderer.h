// The digest as a department head reads it: a subject and a plain-text body
// in Chinese and in English. Numbers with thousands separators, shares and
// rates as percentages with one decimal, p-values to three decimals (or
// "< 0.001"), days as YYYY-MM-DD, topics by their name in the body's
// language (the id when the taxonomy does not name it), resource names as given.
// Sections without content say so, except goals and proactive outreach
// (issue 13: a campaign's verdict in words, campaign_verdicts.h), left out
// while a scope has none. Pure.
#pragma once

#include <map>
#include <string>

#include "voc/v1/programme.pb.h"

namespace voc::verification {

struct DigestTexts {
  std::string subject_zh, body_zh, subject_en, body_en;
};

// The department's display names (from the org directory); ignored for the
// company digest (department "").
struct ScopeNames {
  std::string zh;
  std::string en;
};

// Topic id -> its names (triage's taxonomy).
using TopicNames = std::map<std::string, ScopeNames>;

DigestTexts RenderDigest(const v1::Digest& digest, const ScopeNames& department, const TopicNames& topics = {});

// Exposed for tests: 1234567 -> "1,234,567"; 0.1234 -> "12.3%".
std::string FormatCount(long long n);
std::string FormatPercent(double fraction);
// 0.0412 -> "p = 0.041"; below 0.001 -> "p < 0.001".
std::string FormatPValue(double p);

}  // namespace voc::verification
