// voc import FILE: streams a JSONL or CSV file to BatchSubmitFeedback.
//
// Exit code: 0 when the whole file was processed, even if some rows were
// rejected (they are listed with line and reason); 3 with --strict when any
// row was rejected; 1 when the service failed mid-way (rows already sent
// stay stored, and re-running is safe: they come back as duplicates);
// 2 for a usage error or an unreadable file.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/feedback_import.h"
#include "voc/v1/ingest.grpc.pb.h"

namespace voc::cli {
namespace {

struct Rejection {
  int line;
  std::string reason;
};

struct Tally {
  long rows = 0;
  long accepted = 0;
  long duplicates = 0;
  std::vector<Rejection> rejected;
};

// A bar redrawn in place on a terminal; a line every 1000 rows otherwise
// (logs of scripted runs stay short).
class Progress {
 public:
  Progress(std::ostream& err, std::uintmax_t total_bytes)
      : err_(err), total_bytes_(total_bytes), tty_(isatty(STDERR_FILENO) != 0) {}

  void Update(std::uintmax_t bytes_read, const Tally& tally) {
    if (tty_) {
      int percent = total_bytes_ == 0 ? 100 : static_cast<int>(100.0 * bytes_read / total_bytes_);
      percent = std::min(percent, 100);
      constexpr int kWidth = 30;
      int filled = percent * kWidth / 100;
      err_ << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
           << percent << "%  " << tally.rows << " rows, " << tally.rejected.size() << " rejected"
           << std::flush;
      drawn_ = true;
    } else if (tally.rows >= next_line_at_) {
      err_ << "imported " << tally.rows << " rows (" << tally.accepted << " accepted, "
           << tally.duplicates << " duplicates, " << tally.rejected.size() << " rejected)\n";
      next_line_at_ = (tally.rows / 1000 + 1) * 1000;
    }
  }
  void Finish() {
    if (drawn_) err_ << "\n";
  }

 private:
  std::ostream& err_;
  std::uintmax_t total_bytes_;
  bool tty_;
  bool drawn_ = false;
  long next_line_at_ = 1000;
};

struct PendingRow {
  int line;
  voc::v1::Feedback feedback;
};

void PrintSummary(const CliContext& ctx, const std::string& path, const Tally& tally) {
  ctx.out() << path << ": " << tally.rows << " rows: " << tally.accepted << " accepted, "
            << tally.duplicates << " duplicates, " << tally.rejected.size() << " rejected\n";
  for (const auto& r : tally.rejected) ctx.out() << "  line " << r.line << ": " << r.reason << "\n";
}

}  // namespace

int RunImport(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (!args.Parse(words, {"batch", "format"}, {"strict"}, &error) || args.positional().size() != 1) {
    ctx.err() << "voc import: " << (error.empty() ? "expected one FILE (.jsonl or .csv)" : error)
              << "\nusage: voc import FILE.jsonl|FILE.csv [--batch 200] [--format csv|jsonl] [--strict]\n";
    return kExitUsage;
  }
  const std::string path = args.positional().front();
  int batch_size = 200;
  if (auto text = args.Value("batch")) {
    if (!ParseIntOption("batch", *text, &batch_size, &error) || batch_size < 1 || batch_size > 1000) {
      ctx.err() << "voc import: --batch must be a whole number in 1..1000\n";
      return kExitUsage;
    }
  }
  std::optional<ImportFormat> format;
  if (auto name = args.Value("format")) {
    if (*name == "csv") format = ImportFormat::kCsv;
    if (*name == "jsonl") format = ImportFormat::kJsonl;
  } else {
    format = FormatFromPath(path);
  }
  if (!format) {
    ctx.err() << "voc import: cannot tell the format of " << path
              << " (use a .jsonl or .csv name, or --format csv|jsonl)\n";
    return kExitUsage;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ctx.err() << "voc import: cannot open " << path << "\n";
    return kExitUsage;
  }
  in.seekg(0, std::ios::end);
  auto total_bytes = static_cast<std::uintmax_t>(std::max<std::streamoff>(0, in.tellg()));
  in.seekg(0);

  auto stub = voc::v1::IngestService::NewStub(ctx.Channel("ingest"));
  FeedbackFileReader reader(in, *format);
  Progress progress(ctx.err(), total_bytes);
  Tally tally;
  std::vector<PendingRow> pending;

  // Sends the pending rows; false when the service failed.
  auto flush = [&]() -> bool {
    if (pending.empty()) return true;
    voc::v1::BatchSubmitFeedbackRequest request;
    for (const auto& row : pending) *request.add_feedbacks() = row.feedback;
    voc::v1::BatchSubmitFeedbackResponse response;
    auto call = CallContext(std::chrono::seconds(120));
    grpc::Status status = stub->BatchSubmitFeedback(call.get(), request, &response);
    if (!status.ok()) {
      progress.Finish();
      ctx.err() << "voc import: " << ctx.Explain("ingest", status) << "\n"
                << "voc import: stopped at line " << pending.front().line
                << "; rows before it are stored and re-running the import is safe "
                   "(they come back as duplicates)\n";
      return false;
    }
    for (const auto& result : response.results()) {
      if (result.index() < 0 || result.index() >= static_cast<int>(pending.size())) continue;
      int line = pending[result.index()].line;
      if (result.code() != 0) {
        tally.rejected.push_back({line, result.error()});
      } else if (result.duplicate()) {
        ++tally.duplicates;
      } else {
        ++tally.accepted;
      }
    }
    pending.clear();
    auto position = in.tellg();
    progress.Update(position < 0 ? total_bytes : static_cast<std::uintmax_t>(position), tally);
    return true;
  };

  ImportRow row;
  while (reader.Next(&row)) {
    ++tally.rows;
    if (!row.ok()) {
      tally.rejected.push_back({row.line, row.error});
      continue;
    }
    pending.push_back({row.line, std::move(row.feedback)});
    if (static_cast<int>(pending.size()) >= batch_size && !flush()) {
      PrintSummary(ctx, path, tally);
      return kExitFailure;
    }
  }
  if (!reader.fatal_error().empty()) {
    ctx.err() << "voc import: " << path << ": " << reader.fatal_error() << "\n";
    return kExitUsage;
  }
  if (!flush()) {
    PrintSummary(ctx, path, tally);
    return kExitFailure;
  }
  progress.Finish();
  // Rejections are reported in file order even though parse errors are
  // found before the server's answers for the same batch.
  std::stable_sort(tally.rejected.begin(), tally.rejected.end(),
                   [](const Rejection& a, const Rejection& b) { return a.line < b.line; });
  PrintSummary(ctx, path, tally);
  if (args.Flag("strict") && !tally.rejected.empty()) return kExitRejected;
  return kExitOk;
}

}  // namespace voc::cli
