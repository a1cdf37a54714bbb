// The voc subcommands. Each takes the words after its name and returns a
// process exit code (cli_context.h).
#pragma once

#include <string>
#include <vector>

#include "cli/cli_context.h"

namespace voc::cli {

int RunSubmit(const CliContext& ctx, const std::vector<std::string>& words);
int RunImport(const CliContext& ctx, const std::vector<std::string>& words);
int RunCases(const CliContext& ctx, const std::vector<std::string>& words);
int RunClock(const CliContext& ctx, const std::vector<std::string>& words);
// issue 9: voc-identity's accounts, API keys and audit log (admin only).
int RunUsers(const CliContext& ctx, const std::vector<std::string>& words);
int RunApiKeys(const CliContext& ctx, const std::vector<std::string>& words);
int RunAudit(const CliContext& ctx, const std::vector<std::string>& words);
// voc customers erase ID [--yes] (issue 9, erasure helper).
int RunCustomers(const CliContext& ctx, const std::vector<std::string>& words);
// voc reports rebuild [voice|loop] (issue 12): the report roll-ups from their sources.
int RunReports(const CliContext& ctx, const std::vector<std::string>& words);
// voc goals | outcomes | digests (issue 12): voc-verification's programme side.
int RunGoals(const CliContext& ctx, const std::vector<std::string>& words);
int RunOutcomes(const CliContext& ctx, const std::vector<std::string>& words);
int RunDigests(const CliContext& ctx, const std::vector<std::string>& words);
// voc data import|get|list|schema (issue 13): operational data in voc-entities.
int RunData(const CliContext& ctx, const std::vector<std::string>& words);
// voc campaigns preview|segment|create|list|show|run|cancel|effect (issue 13): outreach.
int RunCampaigns(const CliContext& ctx, const std::vector<std::string>& words);

// voc rules history|show|update|rollback KIND ... | reload (issue 9): the
// editable rules (taxonomy, redlines, priority, routing) and their history.
int RunRules(const CliContext& ctx, const std::vector<std::string>& words);
// voc triage redlines report --start --end (issue 10 item 4): voc-triage's
// red-line term report (the offline `voc triage` tools take the rest).
int RunTriageRedlines(const CliContext& ctx, const std::vector<std::string>& words);

}  // namespace voc::cli
