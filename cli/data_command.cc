// voc data import|get|list|schema (issue 13): operational data in
// voc-entities.
//
//   voc data import --entity NAME FILE.csv|FILE.jsonl [--chunk 1000]
//                   [--max-errors 20] [--format csv|jsonl] [--strict]
// streams the file to ImportEntities in chunks of rows (one call, so any
// size streams in constant memory on both sides), with progress on stderr,
// then prints rows read / inserted / updated / unchanged / rejected and the
// first errors with their lines. Re-running it is safe: unchanged rows are
// counted as such and not written.
//
// Exit code: 0 when the file was imported, even with rejected rows; 3 with
// --strict when a row was rejected; 1 when the service refused or failed
// (rows of batches it finished writing stay stored); 2 for a usage error
// or an unreadable file.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iomanip>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/entity_file.h"
#include "common/util/time.h"
#include "voc/v1/entities.grpc.pb.h"

namespace voc::cli {
namespace {

constexpr char kUsage[] =
    "usage: voc data import --entity NAME FILE.csv|FILE.jsonl [--chunk 1000] [--max-errors 20]\n"
    "                       [--format csv|jsonl] [--strict]\n"
    "       voc data get --entity NAME KEY [KEY...]     (a composite key: its values in key order)\n"
    "       voc data list --entity NAME [--page-size 50] [--page-token T]\n"
    "       voc data schema\n";

struct LineError {
  std::int64_t line;
  std::string error;
};

// A bar redrawn in place on a terminal; a line every 100,000 rows otherwise.
class Progress {
 public:
  Progress(std::ostream& err, std::uintmax_t total_bytes)
      : err_(err), total_bytes_(total_bytes), tty_(isatty(STDERR_FILENO) != 0),
        started_(std::chrono::steady_clock::now()) {}

  void Update(std::uintmax_t bytes_read, std::int64_t rows) {
    if (tty_) {
      if (rows < next_draw_at_) return;
      next_draw_at_ = rows + 5000;
      int percent = total_bytes_ == 0 ? 100 : static_cast<int>(100.0 * bytes_read / total_bytes_);
      percent = std::min(percent, 100);
      constexpr int kWidth = 30;
      const int filled = percent * kWidth / 100;
      err_ << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] " << percent << "%  "
           << rows << " rows sent, " << Rate(rows) << " rows/s" << std::flush;
      drawn_ = true;
    } else if (rows >= next_line_at_) {
      err_ << "sent " << rows << " rows (" << Rate(rows) << " rows/s)\n";
      next_line_at_ = (rows / 100000 + 1) * 100000;
    }
  }
  void Finish() {
    if (drawn_) err_ << "\n";
    drawn_ = false;
  }
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }

 private:
  long Rate(std::int64_t rows) const {
    const double s = Seconds();
    return s <= 0 ? 0 : static_cast<long>(rows / s);
  }
  std::ostream& err_;
  std::uintmax_t total_bytes_;
  bool tty_;
  std::chrono::steady_clock::time_point started_;
  bool drawn_ = false;
  std::int64_t next_draw_at_ = 0;
  std::int64_t next_line_at_ = 100000;
};

int RunDataImport(const CliContext& ctx, const Args& args) {
  const auto entity = args.Value("entity");
  if (!entity || entity->empty() || args.positional().size() != 1) {
    ctx.err() << "voc data import: expected --entity NAME and one FILE\n" << kUsage;
    return kExitUsage;
  }
  std::string error;
  int chunk = 1000, max_errors = 20;
  if (auto text = args.Value("chunk"); text && (!ParseIntOption("chunk", *text, &chunk, &error) || chunk < 1 ||
                                                chunk > 10000)) {
    ctx.err() << "voc data import: --chunk must be a whole number in 1..10000\n";
    return kExitUsage;
  }
  if (auto text = args.Value("max-errors"); text && (!ParseIntOption("max-errors", *text, &max_errors, &error) ||
                                                     max_errors < 1 || max_errors > 10000)) {
    ctx.err() << "voc data import: --max-errors must be a whole number in 1..10000\n";
    return kExitUsage;
  }
  const std::string path = args.positional()[0];
  std::optional<ImportFormat> format = FormatFromPath(path);
  if (auto name = args.Value("format")) {
    format.reset();
    if (*name == "csv") format = ImportFormat::kCsv;
    if (*name == "jsonl") format = ImportFormat::kJsonl;
  }
  if (!format) {
    ctx.err() << "voc data import: cannot tell the format of " << path
              << " (use a .csv or .jsonl name, or --format csv|jsonl)\n";
    return kExitUsage;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ctx.err() << "voc data import: cannot open " << path << "\n";
    return kExitUsage;
  }
  in.seekg(0, std::ios::end);
  const auto total_bytes = static_cast<std::uintmax_t>(std::max<std::streamoff>(0, in.tellg()));
  in.seekg(0);

  auto stub = v1::EntityService::NewStub(ctx.Channel("entities"));
  // One call for the whole file: its deadline is generous, the server
  // writes as rows arrive.
  auto call = CallContext(std::chrono::seconds(3600));
  v1::ImportEntitiesResponse response;
  auto writer = stub->ImportEntities(call.get(), &response);

  EntityFileReader reader(in, *format);
  Progress progress(ctx.err(), total_bytes);
  std::vector<LineError> local_errors;  // rows the CLI could not read
  std::int64_t local_rejected = 0, sent = 0;
  v1::ImportEntitiesRequest message;
  message.set_entity(*entity);
  message.set_max_errors(max_errors);
  bool stream_open = true;
  auto send = [&]() {
    if (!stream_open) return;
    sent += message.rows_size();
    // false: the server ended the call (a refusal, a failure); Finish says why.
    stream_open = writer->Write(message);
    message.Clear();
    const auto position = in.tellg();
    progress.Update(position < 0 ? total_bytes : static_cast<std::uintmax_t>(position), sent);
  };
  EntityFileRow row;
  bool first = true;
  while (stream_open && reader.Next(&row)) {
    if (!row.ok()) {
      ++local_rejected;
      if (static_cast<int>(local_errors.size()) < max_errors) local_errors.push_back({row.line, row.error});
      continue;
    }
    // CSV rows travel as cells under the header's names (sent once):
    // cheaper on both sides than a map a row.
    if (first && message.columns_size() == 0 && !reader.header().empty()) {
      for (const auto& name : reader.header()) message.add_columns(name);
    }
    v1::EntityRow* r = message.add_rows();
    r->set_line(row.line);
    for (auto& [k, v] : row.values) (*r->mutable_values())[k] = std::move(v);
    for (auto& cell : row.cells) r->add_cells(std::move(cell));
    if (message.rows_size() >= chunk) {
      send();
      first = false;
    }
  }
  if (!reader.fatal_error().empty()) {
    progress.Finish();
    call->TryCancel();
    (void)writer->Finish();
    ctx.err() << "voc data import: " << path << ": " << reader.fatal_error() << "\n";
    return kExitUsage;
  }
  if (first || message.rows_size() > 0) send();  // the first message names the entity even for an empty file
  if (stream_open) writer->WritesDone();
  const grpc::Status status = writer->Finish();
  progress.Finish();
  if (!status.ok()) {
    ctx.err() << "voc data import: " << ctx.Explain("entities", status) << "\n";
    if (status.error_code() != grpc::StatusCode::PERMISSION_DENIED &&
        status.error_code() != grpc::StatusCode::INVALID_ARGUMENT &&
        status.error_code() != grpc::StatusCode::UNAUTHENTICATED) {
      ctx.err() << "voc data import: rows of the batches already written stay stored; re-running the import is "
                   "safe (they come back unchanged)\n";
    }
    return kExitFailure;
  }
  std::vector<LineError> errors = local_errors;
  for (const auto& e : response.errors()) errors.push_back({e.line(), e.error()});
  std::stable_sort(errors.begin(), errors.end(), [](const LineError& a, const LineError& b) { return a.line < b.line; });
  if (static_cast<int>(errors.size()) > max_errors) errors.resize(static_cast<std::size_t>(max_errors));
  const std::int64_t rejected = response.rejected() + local_rejected;
  ctx.out() << path << " (" << *entity << "): " << response.rows_read() + local_rejected << " rows read: "
            << response.inserted() << " inserted, " << response.updated() << " updated, " << response.unchanged()
            << " unchanged, " << rejected << " rejected";
  if (response.history_rows() > 0) ctx.out() << "; " << response.history_rows() << " old values kept in history";
  ctx.out() << " (" << std::fixed << std::setprecision(1) << progress.Seconds() << " s)\n";
  for (const auto& e : errors) ctx.out() << "  line " << e.line << ": " << e.error << "\n";
  if (rejected > static_cast<std::int64_t>(errors.size())) {
    ctx.out() << "  ... and " << rejected - static_cast<std::int64_t>(errors.size())
              << " more rejected rows (--max-errors N lists more)\n";
  }
  if (args.Flag("strict") && rejected > 0) return kExitRejected;
  return kExitOk;
}

void PrintEntity(const CliContext& ctx, const v1::Entity& e) {
  std::string key;
  for (const auto& k : e.key()) key += (key.empty() ? "" : " / ") + k;
  ctx.out() << e.entity() << " " << key << "  (updated " << FormatRfc3339(FromProto(e.update_time())) << ")\n";
  std::map<std::string, std::string> sorted(e.attributes().begin(), e.attributes().end());
  for (const auto& [name, value] : sorted) ctx.out() << "  " << name << ": " << value << "\n";
  if (e.history_size() > 0) ctx.out() << "  history:\n";
  for (const auto& h : e.history()) {
    ctx.out() << "    " << FormatRfc3339(FromProto(h.change_time())) << "  " << h.attribute() << ": '"
              << h.old_value() << "' -> '" << h.new_value() << "'\n";
  }
}

int RunDataGet(const CliContext& ctx, const Args& args) {
  const auto entity = args.Value("entity");
  if (!entity || args.positional().empty()) {
    ctx.err() << "voc data get: expected --entity NAME and the KEY\n" << kUsage;
    return kExitUsage;
  }
  v1::GetEntityRequest request;
  request.set_entity(*entity);
  for (const auto& k : args.positional()) request.add_key(k);
  v1::Entity e;
  auto call = CallContext();
  const grpc::Status status = v1::EntityService::NewStub(ctx.Channel("entities"))->GetEntity(call.get(), request, &e);
  if (!status.ok()) {
    ctx.err() << "voc data get: " << ctx.Explain("entities", status) << "\n";
    return kExitFailure;
  }
  PrintEntity(ctx, e);
  return kExitOk;
}

int RunDataList(const CliContext& ctx, const Args& args) {
  const auto entity = args.Value("entity");
  if (!entity) {
    ctx.err() << "voc data list: expected --entity NAME\n" << kUsage;
    return kExitUsage;
  }
  v1::ListEntitiesRequest request;
  request.set_entity(*entity);
  int size = 50;
  std::string error;
  if (auto text = args.Value("page-size"); text && !ParseIntOption("page-size", *text, &size, &error)) {
    ctx.err() << "voc data list: " << error << "\n";
    return kExitUsage;
  }
  request.set_page_size(size);
  request.set_page_token(args.ValueOr("page-token", ""));
  v1::ListEntitiesResponse response;
  auto call = CallContext();
  const grpc::Status status =
      v1::EntityService::NewStub(ctx.Channel("entities"))->ListEntities(call.get(), request, &response);
  if (!status.ok()) {
    ctx.err() << "voc data list: " << ctx.Explain("entities", status) << "\n";
    return kExitFailure;
  }
  for (const auto& e : response.entities()) PrintEntity(ctx, e);
  if (!response.next_page_token().empty()) ctx.out() << "next page: --page-token " << response.next_page_token() << "\n";
  return kExitOk;
}

int RunDataSchema(const CliContext& ctx) {
  v1::EntitySchema schema;
  auto call = CallContext();
  const grpc::Status status = v1::EntityService::NewStub(ctx.Channel("entities"))
                                  ->GetEntitySchema(call.get(), v1::GetEntitySchemaRequest(), &schema);
  if (!status.ok()) {
    ctx.err() << "voc data schema: " << ctx.Explain("entities", status) << "\n";
    return kExitFailure;
  }
  for (const auto& d : schema.entities()) {
    std::string key, links;
    for (const auto& k : d.key()) key += (key.empty() ? "" : ", ") + k;
    for (const auto& l : d.links()) links += (links.empty() ? "" : ", ") + l.feedback_field() + " -> " + l.attribute();
    ctx.out() << d.name() << "  key: " << key << "  link: " << links << "\n";
    for (const auto& a : d.attributes()) {
      ctx.out() << "  " << a.name() << ": " << a.type() << (a.history() ? " (history)" : "") << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

int RunData(const CliContext& ctx, const std::vector<std::string>& words) {
  if (words.empty()) {
    ctx.err() << kUsage;
    return kExitUsage;
  }
  const std::string sub = words[0];
  const std::vector<std::string> rest(words.begin() + 1, words.end());
  Args args;
  std::string error;
  if (!args.Parse(rest, {"entity", "chunk", "max-errors", "format", "page-size", "page-token"}, {"strict"}, &error)) {
    ctx.err() << "voc data " << sub << ": " << error << "\n" << kUsage;
    return kExitUsage;
  }
  if (sub == "import") return RunDataImport(ctx, args);
  if (sub == "get") return RunDataGet(ctx, args);
  if (sub == "list") return RunDataList(ctx, args);
  if (sub == "schema") return RunDataSchema(ctx);
  ctx.err() << "voc data: unknown subcommand " << sub << "\n" << kUsage;
  return kExitUsage;
}

}  // namespace voc::cli
