// voc: the VoC Loop command line. Global options come before the command:
//   voc [--config FILE] [--ingest ADDR] [--tracking ADDR] ... COMMAND ...
// See docs/api.md, "## The voc CLI".
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "cli/commands.h"
#include "common/config/config.h"

#include "tools/triage/triage_cli.h"

namespace {

constexpr char kUsage[] =
    "usage: voc [--config FILE] [--ingest|--triage|--assignment|--tracking|--verification|--entities ADDR]\n"
    "           COMMAND [ARGS]\n"
    "commands:\n"
    "  submit --channel C --external-id X [--text T] [--nps N] [--rating N] [--customer ID]\n"
    "         [--tier vip|high|standard] [--account-manager P] [--store S] [--region R]\n"
    "         [--product P] [--occurred-at RFC3339]\n"
    "  import FILE.jsonl|FILE.csv [FILE...] [--batch 200] [--strict] [--shift-to-now]\n"
    "  cases list [--department D] [--owner P] [--state S] [--overdue] [--all]\n"
    "  cases show ID | ack ID | callback ID --reached|--unreached | resolve ID --note T | close ID\n"
    "  clock show | clock advance 25h\n"
    "  users create PERSON_ID [--username U] --password-stdin | disable U | enable U\n"
    "        | reset-password U --password-stdin | list             (admin key)\n"
    "  apikeys create --name NAME --scopes a,b | revoke KEY_ID | list [--all]   (admin key)\n"
    "  audit list [--kind K] [--principal P] [--limit N]              (admin key)\n"
    "  rules history KIND [--limit N] | show KIND [VERSION] | update KIND FILE [--comment T]\n"
    "        | rollback KIND VERSION [--comment T] | reload   (KIND: taxonomy, redlines, priority,\n"
    "        routing; changes need rules:write)\n"
    "  customers erase ID [--yes]   (admin: VOC_API_KEY with the admin scope)\n"
    "  reports rebuild [voice|loop] (admin key: the report roll-ups from the tables they sum)\n"
    "  goals create --title T --metric M --baseline N --target N --start DAY --deadline DAY [scope]\n"
    "        | list [--archived] | show goals/ID | evaluate [--day DAY] | archive goals/ID\n"
    "  outcomes --from DAY --to DAY (projects verified / failed / reopened, re-survey answers)\n"
    "  digests compose [--week DAY] [--send] | list | show --week DAY [--department D] [--lang en]\n"
    "  data import --entity NAME FILE.csv|FILE.jsonl [--chunk 1000] [--max-errors 20] [--strict]\n"
    "       | get --entity NAME KEY [KEY...] | list --entity NAME | schema   (operational data)\n"
    "  campaigns preview --entity E --where \"ATTR OP V\" | segment | create | list | show ID | run ID\n"
    "       | cancel ID | effect ID   (proactive outreach; voc campaigns for the options)\n"
    "  triage eval|train ...\n"
    "  triage redlines report --start DAY --end DAY   (red-line precision per term; analyst key)\n"
    "FILE defaults to config/voc.yaml; service addresses come from services.<name>.address.\n"
    "Calls carry the API key in VOC_API_KEY (else the file VOC_API_KEY_FILE, else var/secrets/cli.key).\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  std::optional<std::string> config_path;
  std::map<std::string, std::string> overrides;
  std::size_t i = 0;
  // Global options, up to the command word.
  for (; i < words.size() && words[i].rfind("--", 0) == 0; ++i) {
    std::string name = words[i].substr(2), value;
    if (name == "help") {
      std::cout << kUsage;
      return voc::cli::kExitOk;
    }
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < words.size()) {
      value = words[++i];
    } else {
      std::cerr << "voc: --" << name << " needs a value\n";
      return voc::cli::kExitUsage;
    }
    bool is_service = false;
    for (const auto& service : voc::cli::kServices) is_service = is_service || service == name;
    is_service = is_service || name == "identity";  // issue 9: voc users, apikeys, audit
    is_service = is_service || name == "entities";  // issue 13: voc data
    if (name == "config") {
      config_path = value;
    } else if (is_service) {
      overrides[name] = value;
    } else {
      std::cerr << "voc: unknown option --" << name << "\n" << kUsage;
      return voc::cli::kExitUsage;
    }
  }
  if (i >= words.size()) {
    std::cerr << kUsage;
    return voc::cli::kExitUsage;
  }
  const std::string command = words[i];
  std::vector<std::string> rest(words.begin() + static_cast<long>(i) + 1, words.end());

  // Issue 10 item 4: `voc triage redlines report` asks voc-triage (below);
  // every other `voc triage` word is an offline tool.
  const bool triage_report = command == "triage" && rest.size() >= 2 && rest[0] == "redlines" && rest[1] == "report";
  if (command == "triage" && !triage_report) {
    // The triage tools parse their own arguments: argv[0] is "triage".
    return voc::triage::tools::RunTriageCommand(argc - static_cast<int>(i) - 1,
                                                argv + i + 1, std::cout, std::cerr);
  }

  // An explicit --config must load; the default file is optional so voc
  // works from any folder with the default loopback addresses.
  std::optional<voc::Config> config;
  if (absl::StatusOr<voc::Config> loaded = voc::Config::Load(config_path.value_or("config/voc.yaml"), "");
      loaded.ok()) {
    config = *std::move(loaded);
  } else if (config_path) {
    std::cerr << "voc: " << loaded.status().message() << "\n";
    return voc::cli::kExitUsage;
  }
  voc::cli::CliContext ctx(std::move(config), std::move(overrides), std::cout, std::cerr);
  if (command == "submit") return voc::cli::RunSubmit(ctx, rest);
  if (command == "import") return voc::cli::RunImport(ctx, rest);
  if (command == "cases") return voc::cli::RunCases(ctx, rest);
  if (command == "clock") return voc::cli::RunClock(ctx, rest);
  if (command == "users") return voc::cli::RunUsers(ctx, rest);
  if (command == "apikeys") return voc::cli::RunApiKeys(ctx, rest);
  if (command == "audit") return voc::cli::RunAudit(ctx, rest);
  if (command == "customers") return voc::cli::RunCustomers(ctx, rest);
  if (command == "rules") return voc::cli::RunRules(ctx, rest);
  if (command == "reports") return voc::cli::RunReports(ctx, rest);
  if (command == "goals") return voc::cli::RunGoals(ctx, rest);
  if (command == "outcomes") return voc::cli::RunOutcomes(ctx, rest);
  if (command == "digests") return voc::cli::RunDigests(ctx, rest);
  if (command == "data") return voc::cli::RunData(ctx, rest);
  if (command == "campaigns") return voc::cli::RunCampaigns(ctx, rest);
  if (triage_report) return voc::cli::RunTriageRedlines(ctx, std::vector<std::string>(rest.begin() + 1, rest.end()));
  if (command == "help") {
    std::cout << kUsage;
    return voc::cli::kExitOk;
  }
  std::cerr << "voc: unknown command " << command << "\n" << kUsage;
  return voc::cli::kExitUsage;
}
