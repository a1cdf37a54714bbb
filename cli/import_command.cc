// voc import FILE [FILE...]: streams JSONL or CSV files to BatchSubmitFeedback,
// one file after the other.
//
// --shift-to-now moves every row's occurred_at by one amount, the same for
// all the files, so that the newest lands at the current time of ingest's
// dev clock (this machine's clock when dev mode is off); it prints the shift.
// The files are read once beforehand to find the newest time.
//
// Exit code: 0 when every file was processed, even if some rows were
// rejected (they are listed with line and reason); 3 with --strict when any
// row was rejected; 1 when the service failed mid-way (rows already sent
// stay stored, and re-running is safe: they come back as duplicates);
// 2 for a usage error or an unreadable file (with several files, the ones
// before it stay imported unless --shift-to-now found it beforehand).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/feedback_import.h"
#include "common/util/time.h"
#include "voc/v1/devclock.grpc.pb.h"
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

struct InputFile {
  std::string path;
  ImportFormat format;
};

void PrintSummary(const CliContext& ctx, const std::string& path, const Tally& tally) {
  ctx.out() << path << ": " << tally.rows << " rows: " << tally.accepted << " accepted, "
            << tally.duplicates << " duplicates, " << tally.rejected.size() << " rejected\n";
  for (const auto& r : tally.rejected) ctx.out() << "  line " << r.line << ": " << r.reason << "\n";
}

// "Now" for --shift-to-now: ingest's clock, so a dev clock moved with
// `voc clock advance` counts; this machine's clock when dev mode is off.
// False (with the reason printed) when ingest cannot be asked.
bool ShiftTarget(const CliContext& ctx, TimePoint* now, std::string* source) {
  auto stub = voc::v1::DevClockService::NewStub(ctx.Channel("ingest"));
  voc::v1::GetTimeResponse response;
  auto call = CallContext(std::chrono::seconds(5));
  grpc::Status status = stub->GetTime(call.get(), voc::v1::GetTimeRequest(), &response);
  if (status.ok()) {
    *now = FromProto(response.now());
    *source = "ingest's clock";
    return true;
  }
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    *now = std::chrono::system_clock::now();
    *source = "this machine's clock; dev mode is off on ingest";
    return true;
  }
  ctx.err() << "voc import: --shift-to-now: " << ctx.Explain("ingest", status) << "\n";
  return false;
}

enum class FileResult { kDone, kServiceFailed, kUnreadable };

// Sends one file in batches, shifting occurred_at by `shift`.
FileResult ImportFile(const CliContext& ctx, voc::v1::IngestService::Stub& stub, const InputFile& file,
                      int batch_size, Duration shift, Tally& tally) {
  std::ifstream in(file.path, std::ios::binary);
  if (!in) {
    ctx.err() << "voc import: cannot open " << file.path << "\n";
    return FileResult::kUnreadable;
  }
  in.seekg(0, std::ios::end);
  auto total_bytes = static_cast<std::uintmax_t>(std::max<std::streamoff>(0, in.tellg()));
  in.seekg(0);

  FeedbackFileReader reader(in, file.format);
  Progress progress(ctx.err(), total_bytes);
  std::vector<PendingRow> pending;

  // Sends the pending rows; false when the service failed.
  auto flush = [&]() -> bool {
    if (pending.empty()) return true;
    voc::v1::BatchSubmitFeedbackRequest request;
    for (const auto& row : pending) *request.add_feedbacks() = row.feedback;
    voc::v1::BatchSubmitFeedbackResponse response;
    auto call = CallContext(std::chrono::seconds(120));
    grpc::Status status = stub.BatchSubmitFeedback(call.get(), request, &response);
    if (!status.ok()) {
      progress.Finish();
      ctx.err() << "voc import: " << ctx.Explain("ingest", status) << "\n"
                << "voc import: stopped at line " << pending.front().line << " of " << file.path
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
    ShiftOccurredTime(&row.feedback, shift);
    pending.push_back({row.line, std::move(row.feedback)});
    if (static_cast<int>(pending.size()) >= batch_size && !flush()) return FileResult::kServiceFailed;
  }
  if (!reader.fatal_error().empty()) {
    progress.Finish();
    ctx.err() << "voc import: " << file.path << ": " << reader.fatal_error() << "\n";
    return FileResult::kUnreadable;
  }
  if (!flush()) return FileResult::kServiceFailed;
  progress.Finish();
  // Rejections are reported in file order even though parse errors are
  // found before the server's answers for the same batch.
  std::stable_sort(tally.rejected.begin(), tally.rejected.end(),
                   [](const Rejection& a, const Rejection& b) { return a.line < b.line; });
  return FileResult::kDone;
}

// Reads every file once for the newest occurred_at. False (reason printed)
// when a file cannot be read at all; bad rows are reported by the import.
bool FindNewest(const CliContext& ctx, const std::vector<InputFile>& files, std::optional<TimePoint>* newest) {
  for (const auto& file : files) {
    std::ifstream in(file.path, std::ios::binary);
    if (!in) {
      ctx.err() << "voc import: cannot open " << file.path << "\n";
      return false;
    }
    FeedbackFileReader reader(in, file.format);
    ImportRow row;
    while (reader.Next(&row)) TrackNewest(row, newest);
    if (!reader.fatal_error().empty()) {
      ctx.err() << "voc import: " << file.path << ": " << reader.fatal_error() << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int RunImport(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (!args.Parse(words, {"batch", "format"}, {"strict", "shift-to-now"}, &error) || args.positional().empty()) {
    ctx.err() << "voc import: " << (error.empty() ? "expected a FILE (.jsonl or .csv)" : error)
              << "\nusage: voc import FILE.jsonl|FILE.csv [FILE...] [--batch 200] [--format csv|jsonl]"
                 " [--strict] [--shift-to-now]\n";
    return kExitUsage;
  }
  int batch_size = 200;
  if (auto text = args.Value("batch")) {
    if (!ParseIntOption("batch", *text, &batch_size, &error) || batch_size < 1 || batch_size > 1000) {
      ctx.err() << "voc import: --batch must be a whole number in 1..1000\n";
      return kExitUsage;
    }
  }
  std::optional<ImportFormat> forced;
  if (auto name = args.Value("format")) {
    if (*name == "csv") forced = ImportFormat::kCsv;
    if (*name == "jsonl") forced = ImportFormat::kJsonl;
    if (!forced) {
      ctx.err() << "voc import: --format must be csv or jsonl\n";
      return kExitUsage;
    }
  }
  std::vector<InputFile> files;
  for (const auto& path : args.positional()) {
    auto format = forced ? forced : FormatFromPath(path);
    if (!format) {
      ctx.err() << "voc import: cannot tell the format of " << path
                << " (use a .jsonl or .csv name, or --format csv|jsonl)\n";
      return kExitUsage;
    }
    if (!std::ifstream(path, std::ios::binary)) {
      ctx.err() << "voc import: cannot open " << path << "\n";
      return kExitUsage;
    }
    files.push_back({path, *format});
  }

  Duration shift{};
  if (args.Flag("shift-to-now")) {
    std::optional<TimePoint> newest;
    if (!FindNewest(ctx, files, &newest)) return kExitUsage;
    TimePoint now;
    std::string source;
    if (!newest) {
      ctx.out() << "--shift-to-now: no row has occurred_at; nothing to shift\n";
    } else if (!ShiftTarget(ctx, &now, &source)) {
      return kExitFailure;
    } else {
      shift = ShiftToward(*newest, now);
      ctx.out() << "shifting occurred_at by " << FormatShift(shift) << ": the newest, "
                << FormatRfc3339(*newest) << ", lands at " << FormatRfc3339(*newest + shift) << " ("
                << source << ")\n";
    }
  }

  auto stub = voc::v1::IngestService::NewStub(ctx.Channel("ingest"));
  bool any_rejected = false;
  for (const auto& file : files) {
    Tally tally;
    FileResult result = ImportFile(ctx, *stub, file, batch_size, shift, tally);
    if (result == FileResult::kUnreadable) return kExitUsage;
    PrintSummary(ctx, file.path, tally);
    if (result == FileResult::kServiceFailed) return kExitFailure;
    any_rejected = any_rejected || !tally.rejected.empty();
  }
  if (args.Flag("strict") && any_rejected) return kExitRejected;
  return kExitOk;
}

}  // namespace voc::cli
