// voc campaigns ... (issue 13): proactive outreach in voc-entities.
//
//   voc campaigns preview --entity E [--where "ATTR OP V1,V2; ATTR OP V"]
//                 [--customer-attribute A] [--not-complained TOPIC] [--sample N]
//       the segment's size and a sample of its members; saves nothing.
//   voc campaigns segment --name N (the same query options)   saves a segment
//   voc campaigns create --name N --department D --segment seg-N
//                 --issue KIND:ID --topic T --channel email|sms|app_push|wecom
//                 --subject-zh .. --body-zh .. --subject-en .. --body-en ..
//                 [--holdout 0.1] [--window-days 14] [--start RFC3339] [--submit]
//       a draft campaign (--submit: then waiting for its department head,
//       who approves on the web page or through the gateway - never a key)
//   voc campaigns list [--department D] | show ID | run ID | cancel ID | effect ID
// OP is eq, ne, has, gte, lte or within_days (docs/api.md, "Outreach"); the
// values are the rest of the condition, split at commas.
// The key needs entities:read to read, entities:write to change.
#include <absl/strings/numbers.h>
#include <absl/strings/str_split.h>
#include <absl/strings/strip.h>

#include <iomanip>

#include "cli/args.h"
#include "cli/commands.h"
#include "common/util/time.h"
#include "voc/v1/outreach.grpc.pb.h"

namespace voc::cli {
namespace {

constexpr char kUsage[] =
    "usage: voc campaigns preview --entity E [--where \"ATTR OP V1,V2; ...\"] [--customer-attribute A]\n"
    "                             [--not-complained TOPIC] [--sample N]\n"
    "       voc campaigns segment --name N --entity E [--where ...] [--not-complained TOPIC]\n"
    "       voc campaigns create --name N --department D --segment seg-N --issue KIND:ID --topic T\n"
    "                            --channel email|sms|app_push|wecom --subject-zh S --body-zh B\n"
    "                            --subject-en S --body-en B [--holdout 0.1] [--window-days 14]\n"
    "                            [--start RFC3339] [--submit]\n"
    "       voc campaigns list [--department D] | show ID | run ID | cancel ID | effect ID\n";

std::string StateName(v1::CampaignState s) {
  std::string name = v1::CampaignState_Name(s);
  return name.rfind("CAMPAIGN_STATE_", 0) == 0 ? name.substr(15) : name;
}

// "--where" text into conditions; false (with `error`) when a part is not "ATTR OP VALUES".
bool ParseQuery(const Args& args, v1::SegmentQuery* q, std::string* error) {
  const auto entity = args.Value("entity");
  if (!entity) {
    *error = "expected --entity NAME";
    return false;
  }
  q->set_entity(*entity);
  for (absl::string_view part : absl::StrSplit(args.ValueOr("where", ""), ';', absl::SkipWhitespace())) {
    // ATTR and OP are single words; the rest is the values, split at commas
    // (so a value may hold spaces: "model eq Xingchen E7").
    std::vector<std::string> words =
        absl::StrSplit(absl::StripAsciiWhitespace(part), absl::MaxSplits(' ', 2), absl::SkipEmpty());
    if (words.size() != 3) {
      *error = "--where: expected ATTR OP VALUES, got '" + std::string(part) + "'";
      return false;
    }
    v1::SegmentCondition* c = q->add_where();
    c->set_attribute(words[0]);
    c->set_op(words[1]);
    for (absl::string_view v : absl::StrSplit(words[2], ',', absl::SkipEmpty())) {
      c->add_values(std::string(absl::StripAsciiWhitespace(v)));
    }
  }
  q->set_customer_attribute(args.ValueOr("customer-attribute", ""));
  q->set_not_complained_topic(args.ValueOr("not-complained", ""));
  return true;
}

void PrintCampaign(const CliContext& ctx, const v1::Campaign& c) {
  ctx.out() << c.id() << "  " << StateName(c.state()) << "  " << c.display_name() << "\n"
            << "  department " << c.department() << ", issue " << c.issue().kind() << ":" << c.issue().id()
            << " (topic " << c.issue().topic() << "), segment " << c.segment_id() << ", channel " << c.channel()
            << ", hold-out " << c.holdout_share() << ", effect window " << c.effect_window_days() << " days\n"
            << "  sent " << c.counts().sent() << ", held out " << c.counts().held_out();
  for (const auto& [reason, n] : c.counts().suppressed()) ctx.out() << ", " << reason << " " << n;
  if (c.counts().deferred_quiet_hours() > 0) ctx.out() << ", waiting for quiet hours to end " << c.counts().deferred_quiet_hours();
  ctx.out() << "\n";
  for (const auto& e : c.events()) {
    ctx.out() << "  " << FormatRfc3339(FromProto(e.time())) << "  " << e.action() << " by " << e.actor();
    if (!e.note().empty()) ctx.out() << ": " << e.note();
    ctx.out() << "\n";
  }
}

int Failed(const CliContext& ctx, const std::string& what, const grpc::Status& status) {
  ctx.err() << "voc campaigns " << what << ": " << ctx.Explain("entities", status) << "\n";
  return kExitFailure;
}

}  // namespace

int RunCampaigns(const CliContext& ctx, const std::vector<std::string>& words) {
  if (words.empty()) {
    ctx.err() << kUsage;
    return kExitUsage;
  }
  const std::string sub = words[0];
  Args args;
  std::string error;
  if (!args.Parse(std::vector<std::string>(words.begin() + 1, words.end()),
                  {"entity", "where", "customer-attribute", "not-complained", "sample", "name", "department",
                   "segment", "issue", "topic", "channel", "subject-zh", "body-zh", "subject-en", "body-en", "holdout",
                   "window-days", "start"},
                  {"submit"}, &error)) {
    ctx.err() << "voc campaigns " << sub << ": " << error << "\n" << kUsage;
    return kExitUsage;
  }
  auto stub = v1::OutreachService::NewStub(ctx.Channel("entities"));
  auto call = CallContext(std::chrono::seconds(60));

  if (sub == "preview" || sub == "segment") {
    v1::SegmentQuery query;
    if (!ParseQuery(args, &query, &error)) {
      ctx.err() << "voc campaigns " << sub << ": " << error << "\n" << kUsage;
      return kExitUsage;
    }
    if (sub == "segment") {
      v1::CreateSegmentRequest request;
      request.set_display_name(args.ValueOr("name", ""));
      *request.mutable_query() = query;
      v1::Segment segment;
      const grpc::Status s = stub->CreateSegment(call.get(), request, &segment);
      if (!s.ok()) return Failed(ctx, sub, s);
      ctx.out() << segment.id() << "  " << segment.display_name() << "  " << segment.size_at_creation()
                << " customers\n";
      return kExitOk;
    }
    v1::PreviewSegmentRequest request;
    *request.mutable_query() = query;
    int sample = 10;
    if (auto text = args.Value("sample"); text && !ParseIntOption("sample", *text, &sample, &error)) {
      ctx.err() << "voc campaigns preview: " << error << "\n";
      return kExitUsage;
    }
    request.set_sample_size(sample);
    v1::SegmentPreview preview;
    const grpc::Status s = stub->PreviewSegment(call.get(), request, &preview);
    if (!s.ok()) return Failed(ctx, sub, s);
    ctx.out() << "segment size: " << preview.size() << " customers (" << preview.rows_matched() << " " << query.entity()
              << " rows matched";
    if (!query.not_complained_topic().empty()) {
      ctx.out() << ", " << preview.excluded_complained() << " left out: already complained on "
                << query.not_complained_topic();
    }
    ctx.out() << ")\nsample:";
    for (const auto& c : preview.sample()) ctx.out() << " " << c;
    ctx.out() << "\n";
    return kExitOk;
  }
  if (sub == "create") {
    v1::CreateCampaignRequest request;
    v1::Campaign* c = request.mutable_campaign();
    c->set_display_name(args.ValueOr("name", ""));
    c->set_department(args.ValueOr("department", ""));
    c->set_segment_id(args.ValueOr("segment", ""));
    const std::string issue = args.ValueOr("issue", "");
    const auto colon = issue.find(':');
    c->mutable_issue()->set_kind(issue.substr(0, colon));
    if (colon != std::string::npos) c->mutable_issue()->set_id(issue.substr(colon + 1));
    c->mutable_issue()->set_topic(args.ValueOr("topic", ""));
    c->set_channel(args.ValueOr("channel", "email"));
    c->mutable_message()->set_subject_zh(args.ValueOr("subject-zh", ""));
    c->mutable_message()->set_body_zh(args.ValueOr("body-zh", ""));
    c->mutable_message()->set_subject_en(args.ValueOr("subject-en", ""));
    c->mutable_message()->set_body_en(args.ValueOr("body-en", ""));
    double share = 0;
    if (auto text = args.Value("holdout"); text && !absl::SimpleAtod(*text, &share)) {
      ctx.err() << "voc campaigns create: --holdout: not a number: " << *text << "\n";
      return kExitUsage;
    }
    c->set_holdout_share(share);
    int window = 0;
    if (auto text = args.Value("window-days"); text && !ParseIntOption("window-days", *text, &window, &error)) {
      ctx.err() << "voc campaigns create: " << error << "\n";
      return kExitUsage;
    }
    c->set_effect_window_days(window);
    if (auto text = args.Value("start")) {
      TimePoint t;
      if (!ParseRfc3339(*text, &t)) {
        ctx.err() << "voc campaigns create: --start: not an RFC 3339 time: " << *text << "\n";
        return kExitUsage;
      }
      *c->mutable_start_time() = ToProto(t);
    }
    v1::Campaign created;
    grpc::Status s = stub->CreateCampaign(call.get(), request, &created);
    if (!s.ok()) return Failed(ctx, sub, s);
    if (args.Flag("submit")) {
      v1::CampaignActionRequest submit;
      submit.set_id(created.id());
      auto submit_call = CallContext();
      s = stub->SubmitCampaign(submit_call.get(), submit, &created);
      if (!s.ok()) return Failed(ctx, "submit", s);
    }
    PrintCampaign(ctx, created);
    return kExitOk;
  }
  if (sub == "list") {
    v1::ListCampaignsRequest request;
    request.set_department(args.ValueOr("department", ""));
    v1::ListCampaignsResponse response;
    const grpc::Status s = stub->ListCampaigns(call.get(), request, &response);
    if (!s.ok()) return Failed(ctx, sub, s);
    for (const auto& c : response.campaigns()) {
      ctx.out() << std::left << std::setw(10) << c.id() << std::setw(18) << StateName(c.state()) << std::setw(18)
                << c.department() << c.display_name() << "\n";
    }
    return kExitOk;
  }
  if (args.positional().size() != 1) {
    ctx.err() << "voc campaigns " << sub << ": expected one campaign id\n" << kUsage;
    return kExitUsage;
  }
  const std::string id = args.positional()[0];
  v1::Campaign campaign;
  grpc::Status s;
  if (sub == "show") {
    v1::GetCampaignRequest request;
    request.set_id(id);
    s = stub->GetCampaign(call.get(), request, &campaign);
  } else if (sub == "run") {
    v1::RunCampaignRequest request;
    request.set_id(id);
    s = stub->RunCampaign(call.get(), request, &campaign);
  } else if (sub == "cancel") {
    v1::CampaignActionRequest request;
    request.set_id(id);
    s = stub->CancelCampaign(call.get(), request, &campaign);
  } else if (sub == "effect") {
    v1::GetCampaignEffectRequest request;
    request.set_id(id);
    v1::CampaignEffect e;
    s = stub->GetCampaignEffect(call.get(), request, &e);
    if (!s.ok()) return Failed(ctx, sub, s);
    const auto group = [&](const char* name, const v1::GroupOutcome& g) {
      ctx.out() << "  " << std::left << std::setw(10) << name << g.customers() << " customers, " << g.complained()
                << " complained (" << std::fixed << std::setprecision(1) << 100 * g.complaint_rate() << "%), "
                << g.contacted_us() << " wrote about the topic (" << 100 * g.contact_rate() << "%)\n";
    };
    ctx.out() << e.campaign_id() << ": " << e.verdict() << "\n";
    group("contacted", e.contacted());
    group("held out", e.held_out());
    ctx.out() << std::setprecision(4) << "  difference " << e.difference() << " [" << e.ci_low() << ", "
              << e.ci_high() << "], z " << e.z() << ", p " << e.p_value() << "\n  " << e.test() << "\n";
    return kExitOk;
  } else {
    ctx.err() << "voc campaigns: unknown subcommand " << sub << "\n" << kUsage;
    return kExitUsage;
  }
  if (!s.ok()) return Failed(ctx, sub, s);
  PrintCampaign(ctx, campaign);
  return kExitOk;
}

}  // namespace voc::cli
