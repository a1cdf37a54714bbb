// IngestService, IngestStore and the outbox relay together on a temp-file
// SQLite database, with a FakeClock and a fake queue.
#include "services/ingest/ingest_service.h"

#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/queue/publisher.h"
#include "common/storage/outbox_relay.h"
#include "common/util/time.h"
#include "proto/api/limits.h"
#include "services/ingest/ingest_grpc.h"
#include "services/ingest/store/erasure_store.h"
#include "services/ingest/store/migrations.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/in_process_auth.h"
#include "tests/support/servers.h"

namespace voc::ingest {
namespace {

using namespace std::chrono_literals;

// Records what was published; can be told to fail (Redis down) or to take
// only part of a batch.
class FakePublisher : public queue::Publisher {
 public:
  std::size_t Publish(const std::vector<queue::MessageFields>& batch) override {
    std::lock_guard lock(mu);
    batch_sizes.push_back(batch.size());
    std::size_t take = std::min(batch.size(), accept_per_call);
    for (std::size_t i = 0; i < take; ++i) {
      voc::v1::Feedback payload;
      EXPECT_TRUE(payload.ParseFromString(batch[i].at("payload")));
      EXPECT_EQ(payload.id(), batch[i].at("feedback_id"));
      published.push_back(batch[i].at("feedback_id"));
      payloads.push_back(payload);
    }
    return take;
  }
  std::mutex mu;
  std::size_t accept_per_call = SIZE_MAX;
  std::vector<std::string> published;
  std::vector<voc::v1::Feedback> payloads;
  std::vector<std::size_t> batch_sizes;
};

voc::v1::Feedback Make(const std::string& external_id, const std::string& text = "late delivery",
                       voc::v1::Channel channel = voc::v1::CHANNEL_NPS_SURVEY) {
  voc::v1::Feedback f;
  f.set_channel(channel);
  f.set_external_id(external_id);
  f.set_text(text);
  f.set_nps(4);
  return f;
}

// The relay as voc-ingest builds it: IngestStore::RelayUnqueued into a
// publisher, stamped with the clock's time.
std::unique_ptr<storage::OutboxRelay> MakeRelay(IngestStore& store, queue::Publisher& publisher,
                                                const Clock& clock, int batch_size) {
  storage::OutboxRelayOptions options;
  options.name = "feedback";
  options.interval = 1000ms;
  options.batch_size = batch_size;
  return std::make_unique<storage::OutboxRelay>(options, [&store, &publisher, &clock](int n) {
    return store.RelayUnqueued(n, ToMillis(clock.Now()), publisher);
  });
}

class IngestServiceTest : public ::testing::Test {
 protected:
  IngestServiceTest()
      : db_(voc::storage::Database::Open("sqlite3://" + dir_.path() + "/ingest.db").value()),
        clock_(FromMillis(1'790'000'000'000)) {
    db_->Migrate(kIngestSchema, IngestMigrations()).value();
    store_ = std::make_unique<IngestStore>(*db_);
    relay_ = MakeRelay(*store_, publisher_, clock_, 200);
    service_ = std::make_unique<IngestService>(*store_, clock_, FeedbackValidator(), relay_.get());
  }

  std::int64_t Unqueued() { return store_->CountUnqueued().value(); }

  // Every stored feedback matching `filter`, newest first.
  std::vector<voc::v1::Feedback> ListAll(const std::string& customer = "",
                                         voc::v1::Channel channel = voc::v1::CHANNEL_UNSPECIFIED) {
    voc::v1::ListFeedbackRequest request;
    request.set_page_size(api::kMaxPageSize);
    request.set_customer_id(customer);
    request.set_channel(channel);
    auto response = service_->ListFeedback(request);
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    return {response->feedbacks().begin(), response->feedbacks().end()};
  }

  SubmitResult MustSubmit(const voc::v1::Feedback& feedback) {
    auto result = service_->Submit(feedback);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : SubmitResult{};
  }

  voc::testing::TempDir dir_;
  std::unique_ptr<voc::storage::Database> db_;
  FakeClock clock_;
  FakePublisher publisher_;
  std::unique_ptr<IngestStore> store_;
  std::unique_ptr<storage::OutboxRelay> relay_;  // loop not started: tests drive RelayPending()
  std::unique_ptr<IngestService> service_;
};

TEST_F(IngestServiceTest, StoresWithIdAndTimesFromTheClock) {
  auto input = Make("s-1");
  input.mutable_customer()->set_id("c-1");
  input.mutable_customer()->set_value_tier("vip");
  input.set_rating(2);
  (*input.mutable_attributes())["order"] = "o-7";
  auto outcome = service_->Submit(input);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_FALSE(outcome->duplicate);
  const auto& f = outcome->feedback;
  EXPECT_EQ(f.id(), FeedbackIdFor(voc::v1::CHANNEL_NPS_SURVEY, "s-1"));
  EXPECT_EQ(f.name(), "feedback/" + f.id());
  EXPECT_EQ(ProtoToMillis(f.received_time()), 1'790'000'000'000);
  EXPECT_EQ(ProtoToMillis(f.occurred_time()), 1'790'000'000'000);  // defaults to received

  auto stored = service_->GetFeedback(f.name());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->SerializeAsString(), f.SerializeAsString());
  EXPECT_EQ(service_->GetFeedback(f.id())->id(), f.id()) << "the bare id is accepted too";
  EXPECT_EQ(stored->customer().value_tier(), "vip");
  EXPECT_EQ(stored->rating(), 2);
  EXPECT_EQ(stored->attributes().at("order"), "o-7");
}

TEST_F(IngestServiceTest, AbsentScoresStayAbsent) {
  auto input = Make("s-1");
  input.clear_nps();
  auto stored = service_->GetFeedback(MustSubmit(input).feedback.id());
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_nps());
  EXPECT_FALSE(stored->has_rating());
}

TEST_F(IngestServiceTest, KeepsTheOccurredTimeGiven) {
  auto input = Make("s-1");
  *input.mutable_occurred_time() = MillisToProto(1'789'000'000'000);
  auto outcome = MustSubmit(input);
  EXPECT_EQ(ProtoToMillis(outcome.feedback.occurred_time()), 1'789'000'000'000);
}

TEST_F(IngestServiceTest, DuplicateReturnsTheStoredFeedbackAndQueuesNothingNew) {
  auto first = MustSubmit(Make("s-1", "first words"));
  EXPECT_EQ(relay_->RelayPending(), 1u);

  clock_.Advance(1h);
  auto second = MustSubmit(Make("s-1", "edited words"));
  EXPECT_TRUE(second.duplicate);
  EXPECT_EQ(second.feedback.SerializeAsString(), first.feedback.SerializeAsString());
  EXPECT_EQ(second.feedback.text(), "first words");
  EXPECT_EQ(relay_->RelayPending(), 0u);
  EXPECT_EQ(publisher_.published.size(), 1u);

  // Another channel with the same external id is another feedback.
  auto other = MustSubmit(Make("s-1", "x", voc::v1::CHANNEL_EMAIL));
  EXPECT_FALSE(other.duplicate);
  EXPECT_NE(other.feedback.id(), first.feedback.id());
}

TEST_F(IngestServiceTest, InvalidInputStoresNothing) {
  auto input = Make("s-1");
  input.set_nps(12);
  auto outcome = service_->Submit(input);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(outcome.status().message(), "feedback.nps: 12 is outside 0..10");
  EXPECT_TRUE(ListAll().empty());
  EXPECT_EQ(Unqueued(), 0);
}

TEST_F(IngestServiceTest, ConcurrentIdenticalSubmissionsStoreOneRow) {
  constexpr int kThreads = 8;
  std::vector<absl::StatusOr<SubmitResult>> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { outcomes[i] = service_->Submit(Make("race-1")); });
  }
  for (auto& t : threads) t.join();
  int fresh = 0;
  for (const auto& outcome : outcomes) {
    ASSERT_TRUE(outcome.ok()) << outcome.status();
    EXPECT_EQ(outcome->feedback.id(), outcomes[0]->feedback.id());
    fresh += outcome->duplicate ? 0 : 1;
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(ListAll().size(), 1u);
  EXPECT_EQ(relay_->RelayPending(), 1u);
}

TEST_F(IngestServiceTest, BatchItemsSucceedOrFailAlone) {
  MustSubmit(Make("old"));
  auto bad = Make("b-2");
  bad.set_rating(9);
  std::vector<voc::v1::Feedback> batch = {Make("b-1"), bad, Make("old"), Make("b-1"), Make("b-3")};
  auto submitted = service_->SubmitBatch(batch);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  const auto& outcomes = *submitted;
  ASSERT_EQ(outcomes.size(), 5u);
  ASSERT_TRUE(outcomes[0].ok());
  EXPECT_FALSE(outcomes[0]->duplicate);
  ASSERT_FALSE(outcomes[1].ok());
  EXPECT_EQ(outcomes[1].status().message(), "feedback.rating: 9 is outside 1..5");
  EXPECT_TRUE(outcomes[2]->duplicate);  // stored by an earlier call
  EXPECT_TRUE(outcomes[3]->duplicate);  // earlier in the same batch
  EXPECT_EQ(outcomes[3]->feedback.id(), outcomes[0]->feedback.id());
  EXPECT_FALSE(outcomes[4]->duplicate);
  EXPECT_EQ(ListAll().size(), 3u);
}

TEST_F(IngestServiceTest, RelayKeepsRowsWhileTheQueueIsDownAndQueuesThemOnce) {
  publisher_.accept_per_call = 0;  // Redis down
  MustSubmit(Make("s-1"));
  MustSubmit(Make("s-2"));
  EXPECT_EQ(relay_->RelayPending(), 0u);
  EXPECT_TRUE(relay_->last_pass_failed());
  EXPECT_EQ(Unqueued(), 2);

  publisher_.accept_per_call = SIZE_MAX;  // back
  EXPECT_EQ(relay_->RelayPending(), 2u);
  EXPECT_FALSE(relay_->last_pass_failed());
  EXPECT_EQ(Unqueued(), 0);
  EXPECT_EQ(relay_->RelayPending(), 0u);
  EXPECT_EQ(publisher_.published.size(), 2u);
}

TEST_F(IngestServiceTest, RelayPublishesInBatchesOldestFirst) {
  auto small_batches = MakeRelay(*store_, publisher_, clock_, 2);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(MustSubmit(Make("s-" + std::to_string(i))).feedback.id());
    clock_.Advance(1s);
  }
  EXPECT_EQ(small_batches->RelayPending(), 5u);
  EXPECT_EQ(publisher_.batch_sizes, (std::vector<std::size_t>{2, 2, 1}));
  EXPECT_EQ(publisher_.published, ids);
}

TEST_F(IngestServiceTest, PartlyPublishedBatchMarksOnlyWhatWasAppended) {
  for (int i = 0; i < 3; ++i) MustSubmit(Make("s-" + std::to_string(i)));
  publisher_.accept_per_call = 1;
  EXPECT_EQ(relay_->RelayPending(), 1u);
  EXPECT_EQ(Unqueued(), 2);
}

TEST_F(IngestServiceTest, RelayThreadDeliversAfterNotify) {
  relay_->Start();
  MustSubmit(Make("s-1"));  // notifies the relay
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (Unqueued() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  relay_->Stop();
  EXPECT_EQ(Unqueued(), 0);
  std::lock_guard lock(publisher_.mu);
  EXPECT_EQ(publisher_.published.size(), 1u);
}

TEST_F(IngestServiceTest, ListsNewestFirstWithFiltersAndStablePages) {
  for (int i = 0; i < 5; ++i) {
    auto f = Make("s-" + std::to_string(i));
    f.mutable_customer()->set_id(i % 2 == 0 ? "c-even" : "c-odd");
    MustSubmit(f);
    if (i != 2) clock_.Advance(1min);  // s-2 and s-3 share a received time
  }
  MustSubmit(Make("e-1", "mail", voc::v1::CHANNEL_EMAIL));

  auto all = ListAll();
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[0].external_id(), "e-1");
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_GE(ProtoToMillis(all[i - 1].received_time()), ProtoToMillis(all[i].received_time()));
  }
  // Pages of 2 cover everything exactly once, in the same order.
  std::vector<std::string> paged;
  voc::v1::ListFeedbackRequest request;
  request.set_page_size(2);
  int pages = 0;
  do {
    auto page = service_->ListFeedback(request);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    for (const auto& f : page->feedbacks()) paged.push_back(f.id());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty() && pages < 10);
  ASSERT_EQ(paged.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(paged[i], all[i].id());

  auto even = ListAll("c-even");
  ASSERT_EQ(even.size(), 3u);
  EXPECT_EQ(even[0].external_id(), "s-4");
  auto email = ListAll("", voc::v1::CHANNEL_EMAIL);
  ASSERT_EQ(email.size(), 1u);
  EXPECT_EQ(email[0].external_id(), "e-1");
}

TEST_F(IngestServiceTest, ATamperedPageTokenOrOneReusedWithAnotherFilterIsRefused) {
  for (int i = 0; i < 3; ++i) MustSubmit(Make("s-" + std::to_string(i)));
  voc::v1::ListFeedbackRequest request;
  request.set_page_size(2);
  auto first = service_->ListFeedback(request);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token().empty());

  auto tampered = request;
  std::string token = first->next_page_token();
  token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
  tampered.set_page_token(token);
  auto refused = service_->ListFeedback(tampered);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(refused.status().message()).rfind("page_token:", 0), 0u) << refused.status();

  auto other_filter = request;
  other_filter.set_channel(voc::v1::CHANNEL_EMAIL);
  other_filter.set_page_token(first->next_page_token());
  refused = service_->ListFeedback(other_filter);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(refused.status().message()).rfind("page_token:", 0), 0u) << refused.status();

  auto unparseable = request;
  unparseable.set_page_token("2");  // the old decimal offsets
  EXPECT_EQ(service_->ListFeedback(unparseable).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IngestServiceTest, WalkingThePagesWhileFeedbackArrivesReturnsEachOnce) {
  std::set<std::string> before;
  for (int i = 0; i < 25; ++i) {
    before.insert(MustSubmit(Make("s-" + std::to_string(i))).feedback.id());
    if (i % 4 == 0) clock_.Advance(1s);  // some share a received time
  }
  voc::v1::ListFeedbackRequest request;
  request.set_page_size(4);
  std::vector<std::string> walked;
  int added = 0;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = service_->ListFeedback(request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& f : page->feedbacks()) walked.push_back(f.id());
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
    // New feedback between two page calls, some in the same millisecond as
    // the last page's items.
    MustSubmit(Make("new-" + std::to_string(added++)));
    if (added % 2 == 0) clock_.Advance(1s);
  }
  std::set<std::string> unique(walked.begin(), walked.end());
  EXPECT_EQ(unique.size(), walked.size()) << "a feedback came twice";
  for (const auto& id : before) EXPECT_EQ(unique.count(id), 1u) << id << " was skipped";
  EXPECT_GT(added, 5);
}

TEST_F(IngestServiceTest, AnUnknownChannelFilterIsRefused) {
  voc::v1::ListFeedbackRequest request;
  request.set_channel(static_cast<voc::v1::Channel>(42));
  auto refused = service_->ListFeedback(request);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "channel: unknown channel 42");
}

TEST_F(IngestServiceTest, GetNamesTheMissingFeedback) {
  auto missing = service_->GetFeedback("feedback/nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "feedback/nope not found");
  auto wrong = service_->GetFeedback("cases/abc");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(wrong.status().message()).rfind("name:", 0), 0u);
}

TEST_F(IngestServiceTest, InvisibleTextWithoutAScoreIsRefusedAloneAndInABatch) {
  auto blank = Make("blank-1", "\u3000\u3000");
  blank.clear_nps();
  auto single = service_->Submit(blank);
  EXPECT_EQ(single.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(single.status().message()).rfind("feedback.text:", 0), 0u) << single.status();

  std::vector<voc::v1::Feedback> batch;
  for (const char* text : {"\u00A0", "\u200B\u200B", "\u2028", "\uFEFF", "\u3000 \u2003"}) {
    auto f = Make("blank-" + std::to_string(batch.size() + 2), text);
    f.clear_nps();
    batch.push_back(f);
  }
  batch.push_back(Make("visible", "\u3000好"));
  auto submitted = service_->SubmitBatch(batch);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  ASSERT_EQ(submitted->size(), batch.size());
  for (std::size_t i = 0; i + 1 < batch.size(); ++i) {
    EXPECT_EQ((*submitted)[i].status().code(), absl::StatusCode::kInvalidArgument) << i;
    EXPECT_EQ(std::string((*submitted)[i].status().message()).rfind("feedback.text:", 0), 0u) << i;
  }
  EXPECT_TRUE(submitted->back().ok());
  EXPECT_EQ(ListAll().size(), 1u) << "only the visible text is stored";
}

// The adapter's submit logic for a caller the authenticator let in: a
// channel's principal holding feedback:write.
auth::Principal FeedbackWriter() {
  auth::Principal p;
  p.id = "service:channel";
  p.name = "channel";
  p.scopes = {"feedback:write"};
  return p;
}

TEST_F(IngestServiceTest, GrpcLayerNamesBadUtf8FromTheWireAndStoresNothing) {
  testing::TestCredentials creds;
  auto authenticator = testing::InProcessAuthenticator(creds, clock_, "ingest");
  IngestGrpc grpc_service(*service_, *authenticator, 1);
  voc::v1::SubmitFeedbackRequest request;
  *request.mutable_feedback() = Make("s-1", "broken \xe4\xb8");
  auto answer = grpc_service.Submit(FeedbackWriter(), request.SerializeAsString());
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(answer.status().message(), "feedback.text: not valid UTF-8");
  EXPECT_TRUE(ListAll().empty());
}

TEST_F(IngestServiceTest, GrpcSubmitNeedsFeedbackWriteAndStoresNothingWithoutIt) {
  testing::TestCredentials creds;
  auto authenticator = testing::InProcessAuthenticator(creds, clock_, "ingest");
  IngestGrpc grpc_service(*service_, *authenticator, 1);
  voc::v1::BatchSubmitFeedbackRequest request;
  *request.add_feedbacks() = Make("b-0");
  auth::Principal reader;
  reader.id = "key:k-reader";
  reader.kind = auth::PrincipalKind::kApiKey;
  reader.scopes = {"feedback:read"};
  auto refused = grpc_service.BatchSubmit(reader, request.SerializeAsString());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("feedback:write"), std::string::npos) << refused.status();
  EXPECT_TRUE(ListAll().empty());
}

TEST_F(IngestServiceTest, GrpcBatchRejectsOnlyTheBadItem) {
  testing::TestCredentials creds;
  auto authenticator = testing::InProcessAuthenticator(creds, clock_, "ingest");
  IngestGrpc grpc_service(*service_, *authenticator, 1);
  voc::v1::BatchSubmitFeedbackRequest request;
  *request.add_feedbacks() = Make("b-0");
  *request.add_feedbacks() = Make("b-1", "bad \xff");
  *request.add_feedbacks() = Make("b-2");
  auto answer = grpc_service.BatchSubmit(FeedbackWriter(), request.SerializeAsString());
  ASSERT_TRUE(answer.ok()) << answer.status();
  const voc::v1::BatchSubmitFeedbackResponse& response = *answer;
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).code(), 0);
  EXPECT_EQ(response.results(1).code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(response.results(1).error(), "feedback.text: not valid UTF-8");
  EXPECT_EQ(response.results(1).index(), 1);
  EXPECT_EQ(response.results(2).code(), 0);
  EXPECT_EQ(ListAll().size(), 2u);
}

TEST_F(IngestServiceTest, GrpcBatchOverTheLimitIsRejectedWhole) {
  testing::TestCredentials creds;
  auto authenticator = testing::InProcessAuthenticator(creds, clock_, "ingest");
  IngestGrpc grpc_service(*service_, *authenticator, 1);
  voc::v1::BatchSubmitFeedbackRequest request;
  for (std::size_t i = 0; i <= api::kMaxBatchSize; ++i) {
    *request.add_feedbacks() = Make("b-" + std::to_string(i));
  }
  auto answer = grpc_service.BatchSubmit(FeedbackWriter(), request.SerializeAsString());
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(answer.status().message()).rfind("feedbacks: 1001 items", 0), 0u);
  EXPECT_TRUE(ListAll().empty());
}


// Group commit on the real store: submissions that queue behind a held
// write transaction share the next one; the item the database refuses
// (a trigger standing in for any row-level failure) fails alone, and the
// others of its group are stored.
class IngestGroupCommitTest : public IngestServiceTest {
 protected:
  // Holds SQLite's write lock (ingest's writes queue behind it) until
  // ReleaseWriter().
  void HoldWriter() {
    writer_ = std::thread([this] {
      db_->InTransaction([this](soci::session&) {
        std::unique_lock lock(mu_);
        held_ = true;
        changed_.notify_all();
        changed_.wait(lock, [this] { return released_; });
      });
    });
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return held_; });
  }
  void ReleaseWriter() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    changed_.notify_all();
    writer_.join();
  }

  // Submits without blocking; Wait() returns the answers in submission order.
  void SubmitAsync(const voc::v1::Feedback& feedback) {
    std::size_t slot = 0;
    {
      std::lock_guard lock(mu_);
      slot = answers_.size();
      answers_.emplace_back(absl::UnknownError("not answered"));
      ++outstanding_;
    }
    // Not under mu_: an invalid feedback is answered on this thread.
    service_->SubmitAsync(feedback, [this, slot](absl::StatusOr<SubmitResult> result) {
      std::lock_guard lock(mu_);
      answers_[slot] = std::move(result);
      --outstanding_;
      changed_.notify_all();
    });
  }
  std::vector<absl::StatusOr<SubmitResult>> Wait() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return outstanding_ == 0; });
    return answers_;
  }

  std::mutex mu_;
  std::condition_variable changed_;
  bool held_ = false;
  bool released_ = false;
  int outstanding_ = 0;
  std::vector<absl::StatusOr<SubmitResult>> answers_;
  std::thread writer_;
};

TEST_F(IngestGroupCommitTest, ARowTheDatabaseRefusesFailsAloneAndItsGroupIsStored) {
  db_->WithSession([](soci::session& s) {
    s << "CREATE TRIGGER refuse_poison BEFORE INSERT ON feedback WHEN NEW.external_id = 'poison' "
         "BEGIN SELECT RAISE(ABORT, 'poison refused'); END";
  });
  HoldWriter();
  for (const char* id : {"g-1", "poison", "g-2", "g-1"}) SubmitAsync(Make(id));
  auto invalid = Make("g-invalid");
  invalid.set_nps(12);
  SubmitAsync(invalid);  // answered at once, never queued
  ReleaseWriter();
  const auto answers = Wait();
  ASSERT_EQ(answers.size(), 5u);
  ASSERT_TRUE(answers[0].ok()) << answers[0].status();
  EXPECT_FALSE(answers[0]->duplicate);
  // RAISE(ABORT) reads as SQLite's ABORT: the store's ABORTED, for this item only.
  EXPECT_EQ(answers[1].status().code(), absl::StatusCode::kAborted) << answers[1].status();
  EXPECT_NE(answers[1].status().message().find("poison refused"), std::string_view::npos);
  ASSERT_TRUE(answers[2].ok()) << answers[2].status();
  EXPECT_FALSE(answers[2]->duplicate);
  ASSERT_TRUE(answers[3].ok()) << answers[3].status();
  EXPECT_TRUE(answers[3]->duplicate);  // g-1 twice in one group: one row
  EXPECT_EQ(answers[3]->feedback.id(), answers[0]->feedback.id());
  EXPECT_EQ(answers[4].status().code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> stored;
  for (const auto& f : ListAll()) stored.insert(f.external_id());
  EXPECT_EQ(stored, (std::set<std::string>{"g-1", "g-2"}));
  EXPECT_EQ(relay_->RelayPending(), 2u);
}

TEST_F(IngestGroupCommitTest, ManyQueuedSubmissionsCollapseToOneRowPerSource) {
  HoldWriter();
  constexpr int kItems = 300;
  for (int i = 0; i < kItems; ++i) SubmitAsync(Make("c-" + std::to_string(i % 100)));
  ReleaseWriter();
  const auto answers = Wait();
  std::map<std::string, int> fresh_by_source;
  std::map<std::string, std::set<std::string>> ids_by_source;
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer.ok()) << answer.status();
    fresh_by_source[answer->feedback.external_id()] += answer->duplicate ? 0 : 1;
    ids_by_source[answer->feedback.external_id()].insert(answer->feedback.id());
  }
  ASSERT_EQ(fresh_by_source.size(), 100u);
  for (const auto& [source, fresh] : fresh_by_source) EXPECT_EQ(fresh, 1) << source;
  for (const auto& [source, ids] : ids_by_source) EXPECT_EQ(ids.size(), 1u) << source;
  EXPECT_EQ(ListAll().size(), 100u);
  EXPECT_EQ(Unqueued(), 100);
}

// The SQLite relay (relay_feed.h): committed rows go out from memory, the
// table covers whatever memory does not have, and the watermark survives a
// restart.
TEST_F(IngestServiceTest, WhatTheRelayPublishesFromMemoryIsWhatTheTableHolds) {
  auto rich = Make("r-1");
  rich.mutable_customer()->set_id("c-1");
  rich.mutable_customer()->set_region("华东");
  (*rich.mutable_attributes())["order"] = "o-7";
  rich.mutable_occurred_time()->set_seconds(1'789'000'000);
  rich.mutable_occurred_time()->set_nanos(123'456'789);  // stored in whole milliseconds
  // From a newer client: not stored, so not answered or relayed either.
  rich.GetReflection()->MutableUnknownFields(&rich)->AddVarint(99, 7);
  rich.mutable_customer()->GetReflection()->MutableUnknownFields(rich.mutable_customer())->AddVarint(98, 1);
  const auto answered = MustSubmit(rich).feedback;
  EXPECT_TRUE(answered.GetReflection()->GetUnknownFields(answered).empty());
  ASSERT_TRUE(service_->SubmitBatch({Make("r-2"), Make("r-3"), Make("r-2")}).ok());
  EXPECT_EQ(store_->relay_feed_rows(), 3u) << "one row per stored feedback, none for the duplicate";

  EXPECT_EQ(relay_->RelayPending(), 3u);
  EXPECT_EQ(store_->relay_feed_rows(), 0u);
  EXPECT_EQ(Unqueued(), 0);
  ASSERT_EQ(publisher_.payloads.size(), 3u);
  for (const auto& payload : publisher_.payloads) {
    auto stored = service_->GetFeedback(payload.id());
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(payload, *stored))
        << payload.DebugString() << " vs " << stored->DebugString();
  }
  EXPECT_EQ(publisher_.payloads[0].occurred_time().nanos(), 123'000'000);
  const auto& first = publisher_.payloads[0];
  EXPECT_TRUE(first.GetReflection()->GetUnknownFields(first).empty());
  EXPECT_TRUE(first.customer().GetReflection()->GetUnknownFields(first.customer()).empty());
}

TEST_F(IngestServiceTest, ARestartedStoreRelaysWhatWasCommittedButNotPublishedAndNothingTwice) {
  for (int i = 0; i < 3; ++i) MustSubmit(Make("s-" + std::to_string(i)));
  EXPECT_EQ(relay_->RelayPending(), 3u);
  std::vector<std::string> after_restart;
  for (int i = 3; i < 5; ++i) after_restart.push_back(MustSubmit(Make("s-" + std::to_string(i))).feedback.id());
  // A new process: an empty feed, the watermark from the database.
  IngestStore restarted(*db_);
  FakePublisher publisher;
  auto relay = MakeRelay(restarted, publisher, clock_, 200);
  EXPECT_EQ(restarted.CountUnqueued().value(), 2);
  EXPECT_EQ(relay->RelayPending(), 2u);
  EXPECT_EQ(publisher.published, after_restart);
  EXPECT_EQ(relay->RelayPending(), 0u);
  IngestStore again(*db_);
  EXPECT_EQ(again.CountUnqueued().value(), 0);
}

TEST_F(IngestServiceTest, AFeedbackErasedBeforeItWasRelayedGoesOutErased) {
  auto input = Make("e-1", "我的手机号是13800000000，快递还没到");
  input.mutable_customer()->set_id("c-erase");
  MustSubmit(input);
  ErasureStore erasure(*db_);
  ASSERT_EQ(erasure.EraseCustomer("c-erase", "hash-of-c-erase", 1'790'000'000'000).value().feedback_erased, 1);
  EXPECT_EQ(relay_->RelayPending(), 1u);
  ASSERT_EQ(publisher_.payloads.size(), 1u);
  EXPECT_EQ(publisher_.payloads[0].text(), "");
  EXPECT_EQ(publisher_.payloads[0].external_id(), ErasedExternalId("e-1"));
}

TEST_F(IngestServiceTest, AFullFeedLeavesTheRowsToTheTableInTheirOrder) {
  IngestStore small(*db_, 2);
  FakePublisher publisher;
  auto relay = MakeRelay(small, publisher, clock_, 200);
  IngestService service(small, clock_, FeedbackValidator(), relay.get());
  std::vector<voc::v1::Feedback> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(Make("f-" + std::to_string(i)));
  auto stored = service.SubmitBatch(batch);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(small.relay_feed_rows(), 0u) << "five rows do not fit in two";
  EXPECT_EQ(relay->RelayPending(), 5u);
  std::vector<std::string> ids;
  for (const auto& one : *stored) ids.push_back(one->feedback.id());
  EXPECT_EQ(publisher.published, ids);
}

// Migration 4 on a database that had rows queued the old way (queued_ms):
// the watermark starts before the oldest unqueued row, so nothing stored is
// left behind (a queued row after it goes out again: at-least-once).
TEST(IngestMigrationTest, TheWatermarkStartsBeforeTheOldestUnqueuedRow) {
  voc::testing::TempDir dir;
  auto db = voc::storage::Database::Open("sqlite3://" + dir.path() + "/ingest.db").value();
  auto migrations = IngestMigrations();
  ASSERT_GE(migrations.size(), 4u);
  ASSERT_EQ(migrations[3].version, 4);
  ASSERT_EQ(db->Migrate(kIngestSchema, {migrations.begin(), migrations.begin() + 3}).value(), 3);
  db->WithSession([](soci::session& s) {
    for (const char* row : {"('a', 1, 'x-a', 1, 1, 5)", "('b', 1, 'x-b', 2, 2, NULL)", "('c', 1, 'x-c', 3, 3, 7)"}) {
      s << std::string("INSERT INTO feedback (id, channel, external_id, occurred_ms, received_ms, queued_ms) VALUES ") +
               row;
    }
  });
  ASSERT_EQ(db->Migrate(kIngestSchema, migrations).value(), static_cast<int>(migrations.size()));
  IngestStore store(*db);
  FakePublisher publisher;
  FakeClock clock(FromMillis(10));
  auto relay = MakeRelay(store, publisher, clock, 200);
  EXPECT_EQ(store.CountUnqueued().value(), 2);
  EXPECT_EQ(relay->RelayPending(), 2u);
  EXPECT_EQ(publisher.published, (std::vector<std::string>{"b", "c"}));
}

}  // namespace
}  // namespace voc::ingest
