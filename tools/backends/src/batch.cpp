// Batch execution on Node (spec/harness.md `trace.batch`): one driver process runs program after
// program; a program that crashes or hangs it costs only itself.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "acx/backends/backend.h"
#include "acx/backends/coprocess.h"
#include "acx/backends/node_emitter.h"
#include "acx/backends/subprocess.h"
#include "acx/backends/trace_reading.h"
#include "acx/trace/jsonl.h"

namespace acx::backends {

namespace {

constexpr const char* kEndLine = "--acx-end--";
/// Before the end line: the driver is exiting (the program called process.exit()).
constexpr std::string_view kExitingLine = "--acx-exiting--\n";
/// One program's answer, as run_process allows a program run alone on each output.
constexpr std::size_t kOutputLimit = kDefaultOutputLimit;

class NodeBatchSession final : public BatchSession {
 public:
  NodeBatchSession(std::string spec, std::vector<std::string> command, std::chrono::milliseconds timeout)
      : spec_(std::move(spec)), command_(std::move(command)), timeout_(timeout) {}

  BackendResult run(const scenario::Scenario& scenario, const std::string& source) override {
    if (!process_) {
      if (dir_.path().empty())
        return BackendFailure{BackendFailure::Kind::Unavailable, "cannot create a temporary directory", ""};
      std::vector<std::string> argv = command_;
      argv.push_back(dir_.write("driver.cjs", node_batch_driver()));
      std::string error;
      process_ = Coprocess::start(argv, dir_.path() + "/stderr", error, kOutputLimit);
      if (!process_) return BackendFailure{BackendFailure::Kind::Unavailable, error, ""};
      ++starts_;
    }
    const std::string body = emit_node_batch_body(scenario);
    const std::string stderr_file = dir_.path() + "/stderr";
    std::error_code ec;
    const auto stderr_before = std::filesystem::file_size(stderr_file, ec);
    if (const char* log = std::getenv("ACX_DEBUG_BATCH_LOG"); log && *log)
      std::ofstream(fmt::format("{}.{}", log, static_cast<const void*>(this)), std::ios::app)
          << body.size() << "\n"
          << body;
    std::string out;
    const bool sent = process_->write(fmt::format("{}\n{}", body.size(), body), timeout_);
    const auto end = sent ? process_->read_until(kEndLine, timeout_, out) : Coprocess::ReadEnd::Closed;
    if (end != Coprocess::ReadEnd::Complete) {
      process_.reset();  // killed; the next scenario gets a new driver
      return driver_failure(end, source);
    }
    last_stderr_.clear();
    if (const auto size = std::filesystem::file_size(stderr_file, ec); !ec && size > stderr_before) {
      constexpr std::uintmax_t kKept = 4096;
      std::ifstream in(stderr_file, std::ios::binary);
      in.seekg(static_cast<std::streamoff>(std::max(stderr_before, size > kKept ? size - kKept : 0)));
      last_stderr_.assign(std::istreambuf_iterator<char>(in), {});
    }
    const bool exiting = out.ends_with(kExitingLine);
    if (exiting) {
      out.resize(out.size() - kExitingLine.size());
      process_.reset();  // the next scenario gets a new driver
    }
    auto parsed = trace::read_jsonl(out, spec_ + " batch driver stdout");
    if (!parsed.ok()) {
      process_.reset();
      return BackendFailure{BackendFailure::Kind::BadOutput, parsed.error().to_string(), ""};
    }
    return std::move(parsed.trace());
  }

  std::size_t starts() const override { return starts_; }
  std::string last_stderr() const override { return last_stderr_; }

 private:
  BackendFailure driver_failure(Coprocess::ReadEnd end, const std::string& source) const {
    switch (end) {
      case Coprocess::ReadEnd::TimedOut:
        return {BackendFailure::Kind::TimedOut,
                fmt::format("{} batch driver: no result in time on {}", spec_, source), ""};
      case Coprocess::ReadEnd::OutputLimit:
        return {BackendFailure::Kind::BadOutput,
                fmt::format("{} batch driver: more than {} bytes without a result on {}", spec_, kOutputLimit,
                            source),
                ""};
      case Coprocess::ReadEnd::Closed:
      case Coprocess::ReadEnd::Complete:
        break;
    }
    return {BackendFailure::Kind::Crashed, fmt::format("{} batch driver: ended on {}", spec_, source), ""};
  }

  std::string spec_;
  std::vector<std::string> command_;
  std::chrono::milliseconds timeout_;
  TempDir dir_;
  std::unique_ptr<Coprocess> process_;
  std::size_t starts_ = 0;
  std::string last_stderr_;
};

class Batched final : public Backend {
 public:
  Batched(Backend& inner, std::unique_ptr<BatchSession> session)
      : inner_(inner), session_(std::move(session)) {}
  std::string name() const override { return inner_.name(); }
  std::variant<std::string, BackendFailure> version() override { return inner_.version(); }
  std::optional<std::string> default_profile() override { return inner_.default_profile(); }
  std::map<std::string, model::Capability> capabilities() override { return inner_.capabilities(); }
  std::string last_stderr() const override { return session_ ? session_->last_stderr() : std::string(); }
  BackendResult run(const scenario::Scenario& scenario, const std::string& source) override {
    if (session_) {
      auto result = session_->run(scenario, source);
      if (std::holds_alternative<trace::Trace>(result)) return result;
      if (const char* debug = std::getenv("ACX_DEBUG_BATCH"); debug && *debug)
        fmt::print(stderr, "acx: batch: {}; running it alone:\n{}\n",
                   std::get<BackendFailure>(result).message, emit_node_batch_body(scenario));
    }
    return inner_.run(scenario, source);  // alone, in a process of its own
  }

 private:
  Backend& inner_;
  std::unique_ptr<BatchSession> session_;
};

}  // namespace

std::unique_ptr<BatchSession> make_node_batch_session(std::string spec, std::vector<std::string> command,
                                                      std::chrono::milliseconds timeout) {
  return std::make_unique<NodeBatchSession>(std::move(spec), std::move(command), timeout);
}

std::unique_ptr<Backend> batched(Backend& inner) {
  return std::make_unique<Batched>(inner, inner.batch());
}

}  // namespace acx::backends
