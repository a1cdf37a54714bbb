// The case page's delivery log end to end: deliveries stored by voc-notify's
// store, served by NotifyService over real gRPC, fetched by the gateway's
// GrpcBackend and mapped to JSON by its Router (GET /api/cases/{id}/deliveries).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/clock/clock.h"
#include "common/org/org_directory.h"
#include "common/rpc/server.h"
#include "services/gateway/grpc_clients.h"
#include "services/gateway/router.h"
#include "services/notify/expander.h"
#include "services/notify/notify_grpc.h"
#include "services/notify/notify_service.h"
#include "services/notify/store/migrations.h"
#include "services/notify/store/notify_store.h"
#include "tests/support/in_process_auth.h"  // issue 9 (stages helper): NotifyGrpc authenticates
#include "tests/support/servers.h"

namespace voc {
namespace {

TEST(NotifyGatewayTest, TheCasePageShowsWhatWasSentToWhomAndWhetherItArrived) {
  testing::TempDir dir;
  auto db = storage::Database::Open("sqlite3://" + dir.path() + "/notify.db").value();
  ASSERT_TRUE(db->Migrate("notify", notify::Migrations()).ok());
  notify::NotifyStore store(*db);
  const auto directory =
      std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());
  notify::SubscriptionsHolder holder(notify::Subscriptions::Parse("{}", "s.yaml", *directory).value());
  notify::Expander expander(directory, holder, "");
  v1::NotificationRequest request;
  request.set_id("sla:42:resolution:breach");
  request.set_event("sla_breach");
  request.set_case_id("cases/42");
  request.add_recipients("p-wang-lei");
  request.add_recipients("p-michael-brown");
  (*request.mutable_params())["clock"] = "resolution";
  ASSERT_TRUE(store.SaveRequests({expander.Expand(request, 1000)}, 1000).ok());
  ASSERT_TRUE(store.MarkDelivered("sla:42:resolution:breach/p-wang-lei/email", 2000).ok());
  ASSERT_TRUE(store.MarkFailed("sla:42:resolution:breach/p-michael-brown/email", "UNAVAILABLE: 451 try later", 3000).ok());

  notify::NotifyService service(store);
  SystemClock wall;
  testing::TestCredentials creds;  // issue 9 (stages helper): the log is read with a token
  const auto authenticator = testing::InProcessAuthenticator(creds, wall, "notify");
  notify::NotifyGrpc grpc_impl(service, *authenticator);
  rpc::ServiceServer server({"notify", "127.0.0.1:0", nullptr}, {&grpc_impl});
  const auto port = server.Start();
  ASSERT_TRUE(port.ok()) << port.status();

  gateway::GrpcBackendOptions options;
  // Tracking and ingest are required by the backend, not asked here.
  options.tracking = options.ingest = rpc::MakeChannel("127.0.0.1:" + std::to_string(testing::FreePort()));
  gateway::GrpcBackendOptions without_notify = options;
  options.notify = creds.Channel("127.0.0.1:" + std::to_string(*port), "tester");
  gateway::GrpcBackend backend(options, wall);
  gateway::Router router(backend, {}, gateway::StaticFiles(dir.path()));
  const auto response = router.Handle({"GET", "/api/cases/42/deliveries", {}, ""});
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = nlohmann::json::parse(response.body);
  ASSERT_EQ(body["deliveries"].size(), 2u) << response.body;
  std::map<std::string, nlohmann::json> by_person;
  for (const auto& d : body["deliveries"]) by_person[d["recipient"]] = d;
  EXPECT_EQ(by_person["p-wang-lei"]["state"], "delivered");
  EXPECT_EQ(by_person["p-wang-lei"]["channel"], "email");
  EXPECT_EQ(by_person["p-wang-lei"]["language"], "zh");
  EXPECT_FALSE(by_person["p-wang-lei"]["deliver_time"].is_null());
  EXPECT_EQ(by_person["p-michael-brown"]["state"], "failed");
  EXPECT_EQ(by_person["p-michael-brown"]["recipient_name"], "Michael Brown");
  EXPECT_EQ(by_person["p-michael-brown"]["last_error"], "UNAVAILABLE: 451 try later");
  EXPECT_EQ(by_person["p-michael-brown"]["subject"], "[SLA breach] Case 42 missed its resolution target");

  EXPECT_EQ(router.Handle({"GET", "/api/cases/bad$id/deliveries", {}, ""}).status, 400);
  EXPECT_EQ(router.Handle({"POST", "/api/cases/42/deliveries", {}, ""}).status, 405);
  server.Shutdown();

  // Without voc-notify configured the page is told so, not broken.
  gateway::GrpcBackend without(without_notify, wall);
  gateway::Router bare(without, {}, gateway::StaticFiles(dir.path()));
  EXPECT_EQ(bare.Handle({"GET", "/api/cases/42/deliveries", {}, ""}).status, 503);
}

}  // namespace
}  // namespace voc
