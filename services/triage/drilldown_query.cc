#include "services/triage/drilldown_query.h"

#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/log/log.h"
#include "common/status/status.h"

namespace voc::triage {
namespace {

DrillDocument ToDocument(DrillDownRow& row, std::vector<std::string> terms) {
  DrillDocument doc;
  doc.terms = std::move(terms);
  if (!row.product.empty()) doc.attributes.emplace_back("product", std::move(row.product));
  if (!row.store.empty()) doc.attributes.emplace_back("store", std::move(row.store));
  if (!row.region.empty()) doc.attributes.emplace_back("region", std::move(row.region));
  doc.attributes.emplace_back("channel", std::move(row.channel));
  return doc;
}

}  // namespace

absl::StatusOr<DrillDownAnswer> RunDrillDown(const DrillDownQuery& query, TriageStore& store,
                                             const TriageAnalyzer& analyzer) {
  std::unordered_set<std::string> on_topic;
  if (!query.topic.empty()) {
    VOC_ASSIGN_OR_RETURN(on_topic, store.NegativeFeedbackOnTopic(query.topic, query.start_ms, query.end_ms));
  }
  VOC_ASSIGN_OR_RETURN(auto rows, store.LoadDrillDownRows(query.start_ms, query.end_ms, kMaxDrillDownDocuments));
  // Issue 13: the feedback's free attributes (app_version, order_id, ...) count as attributes too.
  VOC_ASSIGN_OR_RETURN(const auto links, store.LoadFeedbackLinks(query.start_ms, query.end_ms, kMaxDrillDownDocuments));
  std::unordered_map<std::string, const FeedbackLinkRow*> links_of;
  for (const FeedbackLinkRow& l : links) links_of[l.feedback_id] = &l;

  FeatureCounts target, baseline;
  std::vector<std::pair<std::string, std::vector<std::string>>> computed;  // rows stored without terms
  for (auto& row : rows) {
    const bool in_target = query.topic.empty()
                               ? !query.cluster_id.empty() && row.cluster_id == query.cluster_id
                               : on_topic.count(row.feedback_id) > 0;
    std::vector<std::string> terms;
    if (row.terms) {
      terms = std::move(*row.terms);
    } else {
      terms = analyzer.Terms(row.normalized_text);
      computed.emplace_back(row.feedback_id, terms);
    }
    DrillDocument doc = ToDocument(row, std::move(terms));
    if (const auto found = links_of.find(row.feedback_id); found != links_of.end()) {
      for (const auto& [name, value] : found->second->attributes) doc.attributes.emplace_back(name, value);
    }
    (in_target ? target : baseline).Add(doc);
  }

  if (const absl::Status saved = store.BackfillDrillTerms(computed); !saved.ok()) {
    log::Warn("drill_terms_backfill_failed", {{"rows", computed.size()}, {"error", std::string(saved.message())}});
  }

  DrillDownAnswer answer;
  answer.focus_size = target.documents();
  answer.baseline_size = baseline.documents();
  answer.factors = DrillDown(target, baseline, query.options);
  return answer;
}

}  // namespace voc::triage
