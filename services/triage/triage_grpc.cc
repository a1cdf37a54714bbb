#include "services/triage/triage_grpc.h"

#include <set>

#include "proto/api/resource_names.h"
#include "common/log/log.h"
#include "common/rpc/pagination.h"
#include "common/rpc/status.h"
#include "common/util/ids.h"
#include "common/util/time.h"
#include "common/util/utf8.h"
#include "services/triage/drilldown_query.h"

namespace voc::triage {
namespace {

void FillCluster(const Cluster& c, voc::v1::Cluster* out, bool with_members) {
  out->set_id(std::to_string(c.id));
  out->set_name("clusters/" + out->id());
  out->set_size(static_cast<std::int64_t>(c.size));
  *out->mutable_first_seen_time() = MillisToProto(c.first_seen);
  *out->mutable_last_seen_time() = MillisToProto(c.last_seen);
  for (const auto& [topic, count] : c.topic_counts) out->add_topics(topic);
  out->set_representative_text(c.representative_text);
  if (with_members) {
    for (const auto& id : c.member_ids) out->add_member_feedback_ids(id);
  }
}

}  // namespace

TriageGrpcService::TriageGrpcService(TriageProcessor& processor, TriageStore& store, WeakSignalDetector* signals,
                                     const Clock& clock, TriageServiceOptions options)
    : processor_(processor), store_(store), signals_(signals), clock_(clock), options_(std::move(options)) {}

grpc::Status TriageGrpcService::Analyze(grpc::ServerContext*, const voc::v1::AnalyzeRequest* request,
                                        voc::v1::AnalyzeResponse* response) {
  return rpc::Guard("Analyze", [&] {
    if (!IsValidUtf8(request->text())) return rpc::InvalidArgument("text", "is not valid UTF-8");
    if (request->text().size() > options_.max_text_bytes) {
      return rpc::InvalidArgument("text", "is longer than " + std::to_string(options_.max_text_bytes) + " bytes");
    }
    if (request->text().empty() && !request->has_nps() && !request->has_rating()) {
      return rpc::InvalidArgument("text", "is empty and there is no nps or rating");
    }
    if (request->has_nps() && (request->nps() < 0 || request->nps() > 10)) {
      return rpc::InvalidArgument("nps", "must be between 0 and 10");
    }
    if (request->has_rating() && (request->rating() < 1 || request->rating() > 5)) {
      return rpc::InvalidArgument("rating", "must be between 1 and 5");
    }
    voc::v1::Feedback feedback;
    feedback.set_text(request->text());
    if (request->has_nps()) feedback.set_nps(request->nps());
    if (request->has_rating()) feedback.set_rating(request->rating());
    feedback.set_channel(request->channel());
    *feedback.mutable_customer() = request->customer();
    *feedback.mutable_attributes() = request->attributes();
    *response->mutable_result() = processor_.AnalyzeOnly(feedback);
    return grpc::Status::OK;
  });
}

grpc::Status TriageGrpcService::GetTriageResult(grpc::ServerContext*, const voc::v1::GetTriageResultRequest* request,
                                                voc::v1::TriageResult* response) {
  return rpc::Guard("GetTriageResult", [&] {
    std::string id = api::IdFromName(request->feedback(), "feedback/");
    if (!id.empty() && id.size() > 7 && id.substr(id.size() - 7) == "/triage") id = id.substr(0, id.size() - 7);
    if (id.empty()) return rpc::InvalidArgument("feedback", "must be feedback/{id} or an id");
    auto stored = store_.GetResult(id);
    if (!stored) return rpc::NotFound("triage result for feedback/" + id);
    *response = stored->triaged.result();
    return grpc::Status::OK;
  });
}

grpc::Status TriageGrpcService::CountFeedback(grpc::ServerContext*, const voc::v1::CountFeedbackRequest* request,
                                              voc::v1::CountFeedbackResponse* response) {
  return rpc::Guard("CountFeedback", [&] {
    if (IsUnset(request->end_time())) return rpc::InvalidArgument("end_time", "is required");
    std::int64_t start = ProtoToMillis(request->start_time());
    std::int64_t end = ProtoToMillis(request->end_time());
    if (end < start) return rpc::InvalidArgument("end_time", "is before start_time");
    FeedbackCounts counts = store_.Count(start, end, request->topic());
    response->set_total_count(counts.total);
    response->set_negative_count(counts.negative);
    response->set_topic_negative_count(counts.topic_negative);
    return grpc::Status::OK;
  });
}

grpc::Status TriageGrpcService::ListClusters(grpc::ServerContext*, const voc::v1::ListClustersRequest* request,
                                             voc::v1::ListClustersResponse* response) {
  return rpc::Guard("ListClusters", [&] {
    rpc::Page page;
    if (auto status = rpc::ParsePage(request->page_size(), request->page_token(), &page); !status.ok()) return status;
    std::size_t min_size = request->min_size() > 0 ? static_cast<std::size_t>(request->min_size()) : 2;
    auto clusters = processor_.clusters().List(min_size);
    int returned = 0;
    long index = 0;
    for (const auto& c : clusters) {
      if (!request->topic().empty()) {
        bool on_topic = false;
        for (const auto& [topic, count] : c.topic_counts) {
          if (topic == request->topic() || topic.rfind(request->topic() + ".", 0) == 0) on_topic = true;
        }
        if (!on_topic) continue;
      }
      if (index++ < page.offset) continue;
      if (returned >= page.size) break;
      FillCluster(c, response->add_clusters(), false);
      ++returned;
    }
    response->set_next_page_token(rpc::NextPageToken(page, returned));
    return grpc::Status::OK;
  });
}

grpc::Status TriageGrpcService::GetCluster(grpc::ServerContext*, const voc::v1::GetClusterRequest* request,
                                           voc::v1::Cluster* response) {
  return rpc::Guard("GetCluster", [&] {
    std::string id = api::IdFromName(request->name(), "clusters/");
    std::uint64_t numeric = 0;
    try {
      std::size_t used = 0;
      numeric = std::stoull(id, &used);
      if (used != id.size()) throw std::invalid_argument(id);
    } catch (const std::exception&) {
      return rpc::InvalidArgument("name", "must be clusters/{number}");
    }
    auto cluster = processor_.clusters().Get(numeric);
    if (!cluster) return rpc::NotFound("clusters/" + id);
    FillCluster(*cluster, response, true);
    return grpc::Status::OK;
  });
}

grpc::Status TriageGrpcService::DrillDown(grpc::ServerContext*, const voc::v1::DrillDownRequest* request,
                                          voc::v1::DrillDownResponse* response) {
  return rpc::Guard("DrillDown", [&] {
    if (request->topic().empty() == request->cluster().empty()) {
      return rpc::InvalidArgument("topic", "give exactly one of topic or cluster");
    }
    TimePoint now = clock_.Now();
    std::int64_t end = IsUnset(request->end_time()) ? ToMillis(now) + 1 : ProtoToMillis(request->end_time());
    std::int64_t start = IsUnset(request->start_time()) ? end - 30LL * 86400 * 1000 : ProtoToMillis(request->start_time());
    if (end <= start) return rpc::InvalidArgument("end_time", "must be after start_time");
    DrillDownQuery query;
    query.topic = request->topic();
    if (!request->cluster().empty()) query.cluster_id = api::IdFromName(request->cluster(), "clusters/");
    query.start_ms = start;
    query.end_ms = end;
    if (request->min_support() > 0) query.options.min_support = static_cast<std::size_t>(request->min_support());
    query.options.limit = request->limit() > 0 ? static_cast<std::size_t>(request->limit()) : 20;
    DrillDownAnswer answer = RunDrillDown(query, store_, processor_.analyzer());
    response->set_focus_size(static_cast<std::int64_t>(answer.focus_size));
    response->set_baseline_size(static_cast<std::int64_t>(answer.baseline_size));
    for (const auto& f : answer.factors) {
      auto* out = response->add_factors();
      out->set_kind(f.kind);
      out->set_value(f.value);
      out->set_count(static_cast<std::int64_t>(f.target_count));
      out->set_baseline_count(static_cast<std::int64_t>(f.baseline_count));
      out->set_lift(f.lift);
      out->set_g2(f.g2);
    }
    return grpc::Status::OK;
  });
}

grpc::Status TriageGrpcService::ListEmergingSignals(grpc::ServerContext*,
                                                    const voc::v1::ListEmergingSignalsRequest* request,
                                                    voc::v1::ListEmergingSignalsResponse* response) {
  return rpc::Guard("ListEmergingSignals", [&] {
    if (!signals_) {
      return rpc::FailedPrecondition("weak-signal detection is off");
    }
    TimePoint day_time = IsUnset(request->day()) ? clock_.Now() : FromProto(request->day());
    std::int64_t day = DayIndex(ToMillis(day_time) / 1000);
    int limit = request->limit() > 0 ? request->limit() : 50;
    for (const auto& s : signals_->Emerging(day)) {
      if (response->signals_size() >= limit) break;
      auto* out = response->add_signals();
      for (const auto& t : s.terms) out->add_terms(t);
      out->set_count(s.count);
      out->set_expected(s.expected);
      out->set_p_value(s.p_value);
      *out->mutable_first_seen_time() = MillisToProto(s.first_seen_day * 86400 * 1000);
    }
    return grpc::Status::OK;
  });
}

grpc::Status TriageGrpcService::GetTaxonomy(grpc::ServerContext*, const voc::v1::GetTaxonomyRequest*,
                                            voc::v1::Taxonomy* response) {
  return rpc::Guard("GetTaxonomy", [&] {
    auto current = processor_.analyzer().taxonomy().Current();
    response->set_version(current->version());
    response->set_content_hash(current->content_hash());
    response->set_yaml(current->source_yaml());
    return grpc::Status::OK;
  });
}

grpc::Status TriageGrpcService::PreviewTaxonomy(grpc::ServerContext*, const voc::v1::PreviewTaxonomyRequest* request,
                                                voc::v1::PreviewTaxonomyResponse* response) {
  return rpc::Guard("PreviewTaxonomy", [&] {
    std::shared_ptr<const Taxonomy> candidate;
    try {
      candidate = Taxonomy::Parse(request->yaml(), "yaml");
    } catch (const std::exception& e) {
      return rpc::InvalidArgument("yaml", e.what());
    }
    int sample = request->sample_size() > 0 ? std::min(request->sample_size(), 100000) : 1000;
    auto texts = store_.RecentTexts(sample);
    auto report = voc::triage::PreviewTaxonomy(*processor_.analyzer().taxonomy().Current(), *candidate, texts);
    response->set_sample_size(static_cast<std::int64_t>(report.texts));
    for (const auto& t : report.topics) {
      auto* out = response->add_topics();
      out->set_topic(t.topic_id);
      out->set_current_matches(static_cast<std::int64_t>(t.current_matches));
      out->set_candidate_matches(static_cast<std::int64_t>(t.candidate_matches));
    }
    return grpc::Status::OK;
  });
}

grpc::Status TriageGrpcService::UpdateTaxonomy(grpc::ServerContext*, const voc::v1::UpdateTaxonomyRequest* request,
                                               voc::v1::Taxonomy* response) {
  return rpc::Guard("UpdateTaxonomy", [&] {
    std::shared_ptr<const Taxonomy> installed;
    try {
      installed = Taxonomy::Parse(request->yaml(), "yaml");
    } catch (const std::exception& e) {
      return rpc::InvalidArgument("yaml", e.what());
    }
    // Stored first: if the save fails the caller gets an error and this replica
    // keeps the rules every other replica has.
    store_.SaveRuleVersion(kTaxonomyRules, installed->version(), installed->content_hash(), request->yaml(),
                           ToMillis(clock_.Now()));
    processor_.analyzer().taxonomy().Replace(installed);
    log::Info("taxonomy_updated", {{"version", installed->version()}, {"content_hash", installed->content_hash()}});
    response->set_version(installed->version());
    response->set_content_hash(installed->content_hash());
    response->set_yaml(installed->source_yaml());
    return grpc::Status::OK;
  });
}

grpc::Status TriageGrpcService::GetRedLines(grpc::ServerContext*, const voc::v1::GetRedLinesRequest*,
                                            voc::v1::RedLines* response) {
  return rpc::Guard("GetRedLines", [&] {
    auto current = processor_.analyzer().red_lines().Current();
    response->set_version(current->version());
    response->set_content_hash(current->content_hash());
    response->set_yaml(current->source_yaml());
    return grpc::Status::OK;
  });
}

grpc::Status TriageGrpcService::UpdateRedLines(grpc::ServerContext*, const voc::v1::UpdateRedLinesRequest* request,
                                               voc::v1::RedLines* response) {
  return rpc::Guard("UpdateRedLines", [&] {
    std::shared_ptr<const RedLineList> installed;
    try {
      installed = RedLineList::Parse(request->yaml(), "yaml");
    } catch (const std::exception& e) {
      return rpc::InvalidArgument("yaml", e.what());
    }
    // Stored first: if the save fails the caller gets an error and this replica
    // keeps the rules every other replica has.
    store_.SaveRuleVersion(kRedLineRules, installed->version(), installed->content_hash(), request->yaml(),
                           ToMillis(clock_.Now()));
    processor_.analyzer().red_lines().Replace(installed);
    log::Info("redlines_updated", {{"version", installed->version()}, {"content_hash", installed->content_hash()}});
    response->set_version(installed->version());
    response->set_content_hash(installed->content_hash());
    response->set_yaml(installed->source_yaml());
    return grpc::Status::OK;
  });
}

}  // namespace voc::triage
