// Backends that run the emitted CommonJS program directly: Node, Bun and Deno.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "acx/backends/backend.h"
#include "acx/backends/node_emitter.h"
#include "acx/backends/runtimes.h"
#include "acx/backends/subprocess.h"
#include "acx/backends/trace_reading.h"

namespace acx::backends {

std::unique_ptr<Backend> make_model_backend(const std::string& spec, const std::string& profile,
                                            const BackendOptions& options);
std::unique_ptr<Backend> make_workerd_backend(const std::string& spec, std::string executable,
                                              const BackendOptions& options);
std::unique_ptr<Backend> make_plugin_backend(const std::string& spec, std::string executable,
                                             const BackendOptions& options);

std::unique_ptr<BatchSession> make_node_batch_session(std::string spec, std::vector<std::string> command,
                                                      std::chrono::milliseconds timeout);

namespace {

enum class Family { Node, Bun, Deno };

std::string trim(std::string v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
  return v;
}

class ScriptBackend final : public Backend {
 public:
  ScriptBackend(std::string spec, Family family, std::string executable, std::vector<std::string> flags,
                BackendOptions options)
      : spec_(std::move(spec)),
        family_(family),
        executable_(std::move(executable)),
        flags_(std::move(flags)),
        options_(std::move(options)) {}

  std::string name() const override { return spec_; }

  std::variant<std::string, BackendFailure> version() override {
    if (version_) return *version_;
    const ProcessResult r = run_process({executable_, "--version"}, {std::chrono::milliseconds(10000)});
    if (!r.started || r.exit_code != 0)
      return BackendFailure{BackendFailure::Kind::Unavailable,
                            fmt::format("cannot run '{} --version': {}", executable_, describe_end(r)),
                            tail(r.err)};
    std::string v = trim(r.out.substr(0, r.out.find('\n')));
    if (family_ == Family::Bun) v = "bun " + v;
    // deno prints "deno 2.9.6 (stable, release, ...)": keep "deno 2.9.6".
    if (family_ == Family::Deno) v = v.substr(0, v.find(" ("));
    version_ = v;
    return v;
  }

  std::optional<std::string> default_profile() override {
    if (family_ == Family::Bun) return "bun";
    if (family_ == Family::Deno) return "deno";
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
    // Deno reads .js as an ES module; .cjs keeps the program CommonJS.
    const std::string file = dir.write(family_ == Family::Deno ? "scenario.cjs" : "scenario.js",
                                       emit_node_program(scenario, source));
    std::vector<std::string> argv = {executable_};
    if (family_ == Family::Deno) argv.push_back("run");  // no permission flags: the program needs none
    argv.insert(argv.end(), flags_.begin(), flags_.end());
    argv.push_back(file);
    ProcessOptions process;
    process.timeout = options_.timeout;
    return read_trace_result(spec_, run_process(argv, process), options_.timeout);
  }

  std::unique_ptr<BatchSession> batch() override {
    if (family_ != Family::Node) return nullptr;
    std::vector<std::string> command = {executable_};
    command.insert(command.end(), flags_.begin(), flags_.end());
    // A program the model finishes takes milliseconds: a driver that says nothing for 5 s is stuck,
    // and the program is retried alone with the full time limit.
    return make_node_batch_session(spec_, std::move(command),
                                   std::min(options_.timeout, std::chrono::milliseconds(5000)));
  }

 private:
  std::string spec_;
  Family family_;
  std::string executable_;
  std::vector<std::string> flags_;
  BackendOptions options_;
  std::optional<std::string> version_;
};

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

/// `NAME[@VERSION][:FLAGS]` for a runtime of the cache, e.g. `node@24:--no-async-context-frame`.
std::variant<std::pair<RuntimePackage, std::string>, std::string> cached_runtime(const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string runtime = spec.substr(0, colon);
  auto package = runtime_package(runtime);
  if (auto* error = std::get_if<std::string>(&package)) return fmt::format("backend '{}': {}", spec, *error);
  auto& p = std::get<RuntimePackage>(package);
  if (!p.installed())
    return fmt::format("backend '{}': {} is not installed (looked for {}); run: acx runtimes install {}",
                       spec, runtime, p.executable, runtime);
  return std::pair{p, colon == std::string::npos ? std::string() : spec.substr(colon + 1)};
}

}  // namespace

std::variant<std::unique_ptr<Backend>, std::string> make_backend(const std::string& spec,
                                                                 const BackendOptions& options) {
  const auto script = [&](Family family, std::string executable, const std::string& flags) {
    return std::unique_ptr<Backend>(
        std::make_unique<ScriptBackend>(spec, family, std::move(executable), split_flags(flags), options));
  };
  if (spec == "model" || spec.starts_with("model:"))
    return make_model_backend(spec, spec == "model" ? "node-24" : spec.substr(6), options);
  if (spec.starts_with("plugin:")) {
    if (spec.size() == 7) return std::string("backend 'plugin:' needs the path of the adapter executable");
    return make_plugin_backend(spec, spec.substr(7), options);
  }
  if (spec == "node") return script(Family::Node, "node", "");
  if (spec.starts_with("node:")) {
    const std::string rest = spec.substr(5);
    if (rest.empty()) return std::string("backend 'node:' needs a path to a node executable or flags");
    if (rest[0] == '-') return script(Family::Node, "node", rest);
    const auto colon = rest.find(':');
    return script(Family::Node, rest.substr(0, colon),
                  colon == std::string::npos ? "" : rest.substr(colon + 1));
  }
  for (const auto& [prefix, family] :
       {std::pair{"node@", Family::Node}, std::pair{"bun", Family::Bun}, std::pair{"deno", Family::Deno}}) {
    if (!spec.starts_with(prefix)) continue;
    auto found = cached_runtime(spec);
    if (auto* error = std::get_if<std::string>(&found)) return *error;
    auto& [package, flags] = std::get<std::pair<RuntimePackage, std::string>>(found);
    return script(family, package.executable, flags);
  }
  if (spec.starts_with("workerd")) {
    auto found = cached_runtime(spec);
    if (auto* error = std::get_if<std::string>(&found)) return *error;
    auto& [package, flags] = std::get<std::pair<RuntimePackage, std::string>>(found);
    if (!flags.empty()) return fmt::format("backend '{}': workerd takes no runtime flags", spec);
    return make_workerd_backend(spec, package.executable, options);
  }
  return fmt::format(
      "unknown backend '{}' (known: model[:PROFILE], node, node@MAJOR, node:/path/to/node, bun, deno, "
      "workerd, plugin:/path/to/adapter; runtimes take :FLAGS)",
      spec);
}

}  // namespace acx::backends
