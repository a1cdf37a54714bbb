#include "common/privacy/masker.h"

#include <algorithm>
#include <optional>

#include "common/org/org_directory.h"
#include "common/privacy/pattern_finders.h"
#include "common/privacy/token_language.h"

namespace voc::privacy {
namespace {

std::string_view TokenFor(PiiKind kind, bool chinese) {
  switch (kind) {
    case PiiKind::kMobile: return chinese ? "【手机号】" : "[phone]";
    case PiiKind::kPhone: return chinese ? "【电话】" : "[phone]";
    case PiiKind::kEmail: return chinese ? "【邮箱】" : "[email]";
    case PiiKind::kIdNumber: return chinese ? "【身份证号】" : "[id-number]";
    case PiiKind::kPlate: return chinese ? "【车牌】" : "[plate]";
    case PiiKind::kOrder: return chinese ? "【订单号】" : "[order]";
    case PiiKind::kName: return chinese ? "【姓名】" : "[name]";
  }
  return "[masked]";
}

// Spans found by one finder and the rank of that finder: where spans of
// different finders overlap, the higher rank keeps its span. An address is
// an address even with digits in it; a number after 订单号 is the order's
// even when shaped like a phone number; a number is read before a plate
// (whose tail it cannot start, see FindNumbers) or a name.
struct RankedSpan {
  PiiSpan span;
  int rank;
};

bool Overlaps(const PiiSpan& a, const PiiSpan& b) { return a.begin < b.end && b.begin < a.end; }

}  // namespace

Masker::Masker(std::vector<std::string> known_names) : names_(known_names) {}

Masker Masker::FromDirectory(const org::OrgDirectory& directory) {
  std::vector<std::string> names;
  for (const org::Person* person : directory.People()) names.push_back(person->name);
  for (const org::CustomerRecord* customer : directory.Customers()) names.push_back(customer->name);
  return Masker(std::move(names));
}

std::string Masker::Mask(std::string_view text) const {
  std::vector<PiiSpan> found;
  std::vector<RankedSpan> ranked;
  int rank = 6;
  const auto collect = [&](auto finder) {
    found.clear();
    finder(text, found);
    for (const auto& s : found) ranked.push_back({s, rank});
    --rank;
  };
  collect(FindEmails);
  collect(FindKeywordOrderNumbers);
  collect(FindNumbers);
  collect(FindPlates);
  collect([this](std::string_view t, std::vector<PiiSpan>& out) { names_.Find(t, out); });
  if (ranked.empty()) return std::string(text);

  // Highest rank first, then left to right; a span overlapping one kept is
  // dropped. Texts are short and hold few matches, so the quadratic check
  // is cheaper than any structure.
  std::stable_sort(ranked.begin(), ranked.end(), [](const RankedSpan& a, const RankedSpan& b) {
    return a.rank != b.rank ? a.rank > b.rank : a.span.begin < b.span.begin;
  });
  std::vector<PiiSpan> kept;
  for (const auto& r : ranked) {
    if (std::none_of(kept.begin(), kept.end(), [&](const PiiSpan& k) { return Overlaps(k, r.span); })) {
      kept.push_back(r.span);
    }
  }
  std::sort(kept.begin(), kept.end(), [](const PiiSpan& a, const PiiSpan& b) { return a.begin < b.begin; });

  std::optional<bool> text_has_cjk;  // computed once, and only for a text with a match
  std::string out;
  out.reserve(text.size() + 8 * kept.size());
  std::size_t copied = 0;
  for (const auto& s : kept) {
    out.append(text.substr(copied, s.begin - copied));
    if (!text_has_cjk) text_has_cjk = HasCjk(text);
    out.append(TokenFor(s.kind, PrefersChinese(text, s.begin, s.end, *text_has_cjk)));
    copied = s.end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace voc::privacy
