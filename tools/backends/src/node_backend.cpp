#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "acx/backends/backend.h"
#include "acx/backends/node_emitter.h"
#include "acx/backends/subprocess.h"
#include "acx/trace/jsonl.h"

namespace acx::backends {

namespace {

/// A scratch directory removed when the run ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "acx-XXXXXX").string();
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string tail(const std::string& text, std::size_t max = 2000) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

class NodeBackend final : public Backend {
 public:
  NodeBackend(std::string spec, std::string executable, BackendOptions options)
      : spec_(std::move(spec)), executable_(std::move(executable)), options_(options) {}

  std::string name() const override { return spec_; }

  std::variant<std::string, BackendFailure> version() override {
    if (version_) return *version_;
    const ProcessResult r = run_process({executable_, "--version"}, {std::chrono::milliseconds(10000)});
    if (!r.started || r.exit_code != 0)
      return BackendFailure{BackendFailure::Kind::Unavailable,
                            fmt::format("cannot run '{} --version': {}", executable_, describe_end(r)),
                            tail(r.err)};
    std::string v = r.out;
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
    version_ = v;
    return v;
  }

  std::optional<std::string> default_profile() override {
    auto v = version();
    if (auto* text = std::get_if<std::string>(&v); text && text->size() > 1 && (*text)[0] == 'v') {
      return fmt::format("node-{}", std::atoi(text->c_str() + 1));
    }
    return std::nullopt;
  }

  BackendResult run(const scenario::Scenario& scenario, const std::string& source) override {
    TempDir dir;
    if (dir.path().empty())
      return BackendFailure{BackendFailure::Kind::Unavailable, "cannot create a temporary directory", ""};
    const auto file = dir.path() / "scenario.js";
    {
      std::ofstream out(file);
      out << emit_node_program(scenario, source);
    }
    ProcessOptions process;
    process.timeout = options_.timeout;
    const ProcessResult r = run_process({executable_, file.string()}, process);
    if (!r.started) return BackendFailure{BackendFailure::Kind::Unavailable, describe_end(r), ""};
    if (r.timed_out)
      return BackendFailure{
          BackendFailure::Kind::TimedOut,
          fmt::format("{}: no result within {} ms; killed", spec_, options_.timeout.count()), tail(r.err)};
    auto parsed = trace::read_jsonl(r.out, spec_ + " stdout");
    // A scenario may end the process with an uncaught exception: that is a result, not a crash,
    // when the harness's 'exit' listener reported it as the trace's last event.
    const bool reported_exit = parsed.ok() && !parsed.trace().events.empty() &&
                               parsed.trace().events.back().kind == trace::EventKind::Exit &&
                               parsed.trace().events.back().code == r.exit_code;
    if (!reported_exit && (r.exit_code != 0 || r.signal != 0))
      return BackendFailure{BackendFailure::Kind::Crashed, fmt::format("{}: {}", spec_, describe_end(r)),
                            tail(r.err)};
    if (!parsed.ok())
      return BackendFailure{BackendFailure::Kind::BadOutput, parsed.error().to_string(), tail(r.err)};
    if (!reported_exit)
      return BackendFailure{BackendFailure::Kind::BadOutput,
                            spec_ + ": the trace does not end with its exit event", tail(r.err)};
    return std::move(parsed.trace());
  }

 private:
  std::string spec_;
  std::string executable_;
  BackendOptions options_;
  std::optional<std::string> version_;
};

}  // namespace

std::variant<std::unique_ptr<Backend>, std::string> make_backend(const std::string& spec,
                                                                 const BackendOptions& options) {
  if (spec == "node") return std::unique_ptr<Backend>(std::make_unique<NodeBackend>(spec, "node", options));
  if (spec.starts_with("node:")) {
    const std::string path = spec.substr(5);
    if (path.empty()) return std::string("backend 'node:' needs a path to a node executable");
    return std::unique_ptr<Backend>(std::make_unique<NodeBackend>(spec, path, options));
  }
  return fmt::format("unknown backend '{}' (known: node, node:/path/to/node)", spec);
}

}  // namespace acx::backends
