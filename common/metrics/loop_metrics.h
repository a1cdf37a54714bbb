// Every metric the loop's own code counts, in one place, so the names,
// labels and help texts are defined once and docs/operations.md ("Metrics")
// can be checked against one file. Each function registers its family in
// Registry::Default() on first use and hands back a series to keep.
//
// The collectors that compute gauges at scrape time (stream lag and pending,
// outbox backlog) build their families with the descriptors below.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/metrics/registry.h"

namespace voc::metrics {

// --- RPCs (rpc::Serve) ---------------------------------------------------
// voc_rpc_handled_total{method,code} and voc_rpc_duration_seconds{method}.
// `method` is the RPC's name as rpc::Serve gets it ("SubmitFeedback"), `code`
// the gRPC code's name ("OK", "INVALID_ARGUMENT", ...). Lock-free after the
// first call of a method with a code: the per-method series are cached.
// `code` is the numeric grpc::StatusCode (0..16); others count as UNKNOWN.
void RecordRpc(std::string_view method, int code, std::chrono::nanoseconds elapsed);

// --- HTTP (the gateway) ---------------------------------------------------
// voc_http_requests_total{route,method,code} and
// voc_http_request_duration_seconds{route}. `route` is the route's template
// ("/api/cases/{id}"), never the raw path, so the label set stays bounded;
// methods other than GET, HEAD, POST count as "other"; code is the HTTP
// status ("200").
void RecordHttp(std::string_view route, std::string_view method, int status, std::chrono::nanoseconds elapsed);

// --- Queue ---------------------------------------------------------------
// voc_queue_dead_letters_total{stream,group}: messages moved to <stream>:dead.
Counter& DeadLetters(const std::string& stream, const std::string& group);

// voc_stream_group_lag / _pending / _consumers{stream,group} and
// voc_stream_info_up{stream}: descriptors for the scrape-time collector.
MetricDescriptor StreamGroupLagDescriptor();
MetricDescriptor StreamGroupPendingDescriptor();
MetricDescriptor StreamGroupConsumersDescriptor();
MetricDescriptor StreamInfoUpDescriptor();

// --- Outbox relays -------------------------------------------------------
// voc_outbox_rows_published_total{outbox}, voc_outbox_passes_failed_total{outbox}.
Counter& OutboxRowsPublished(const std::string& outbox);
Counter& OutboxPassesFailed(const std::string& outbox);
// voc_outbox_backlog{outbox}: rows stored and not yet queued (scrape time).
MetricDescriptor OutboxBacklogDescriptor();

// --- Tracking's SLA sweeper ----------------------------------------------
// voc_sla_breaches_total: cases this process marked overdue.
Counter& SlaBreaches();
// voc_sla_escalations_total: breaches this process escalated (claimed).
Counter& SlaEscalations();
// voc_sla_overdue_cases: unresolved cases past due at the last sweep.
Gauge& SlaOverdueCases();

// --- Notifications -------------------------------------------------------
// voc_notifications_sent_total{kind}, voc_notifications_failed_total{kind};
// kind is the notification's ("escalation", "red_line").
Counter& NotificationsSent(const std::string& kind);
Counter& NotificationsFailed(const std::string& kind);

// --- Triage --------------------------------------------------------------
// voc_triage_documents_analysed_total: feedback analysed and stored (each
// once; a redelivered one found stored is not counted again).
Counter& TriageDocumentsAnalysed();

// Registers every family above (so the page names them all from the start,
// and tests can check the catalogue is valid).
void RegisterLoopMetrics();

}  // namespace voc::metrics
