// Cloudflare workerd (`workerd`): the emitted CommonJS program becomes a module of a generated
// Cap'n Proto config, run by `workerd test` from the entry module tools/backends/js/workerd-main.mjs.
#include <fmt/format.h>

#include "acx/backends/backend.h"
#include "acx/backends/embedded_js.h"  // tools/backends/js/workerd-main.mjs
#include "acx/backends/node_emitter.h"
#include "acx/backends/subprocess.h"
#include "acx/backends/trace_reading.h"

namespace acx::backends {

namespace {

std::string config(const std::string& compatibility_date) {
  return fmt::format(R"(using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [ (name = "main", worker = .w) ] );
const w :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "main.mjs"),
              (name = "scenario", commonJsModule = embed "scenario.cjs") ],
  compatibilityDate = "{}" );
)",
                     compatibility_date);
}

class WorkerdBackend final : public Backend {
 public:
  WorkerdBackend(std::string spec, std::string executable, BackendOptions options)
      : spec_(std::move(spec)), executable_(std::move(executable)), options_(std::move(options)) {}

  std::string name() const override { return spec_; }

  std::variant<std::string, BackendFailure> version() override {
    if (version_) return *version_;
    const ProcessResult r = run_process({executable_, "--version"}, {std::chrono::milliseconds(10000)});
    if (!r.started || r.exit_code != 0)
      return BackendFailure{BackendFailure::Kind::Unavailable,
                            fmt::format("cannot run '{} --version': {}", executable_, describe_end(r)),
                            tail(r.err)};
    std::string v = r.out.substr(0, r.out.find('\n'));
    version_ = v;
    return v;
  }

  std::optional<std::string> default_profile() override { return "workerd"; }

  BackendResult run(const scenario::Scenario& scenario, const std::string& source) override {
    auto v = version();
    if (auto* failure = std::get_if<BackendFailure>(&v)) return *failure;
    // "workerd 2026-11-17": the binary's own date is the newest compatibility date it accepts
    // (nodejs_compat is on by default from 2026-08-04).
    const std::string& text = std::get<std::string>(v);
    const std::string date = text.substr(text.rfind(' ') + 1);
    TempDir dir;
    if (dir.path().empty())
      return BackendFailure{BackendFailure::Kind::Unavailable, "cannot create a temporary directory", ""};
    // The waiting loop ends a little before acx's own time limit, so that a scenario that never
    // settles still prints what it did.
    std::string main(js::workerd_main);
    const std::string limit = std::to_string(std::max<long>(options_.timeout.count() - 2000, 500));
    for (auto at = main.find("LIMIT_MS"); at != std::string::npos;
         at = main.find("LIMIT_MS", at + limit.size()))
      main.replace(at, 8, limit);
    dir.write("main.mjs", main);
    dir.write("scenario.cjs", emit_node_program(scenario, source));
    const std::string file = dir.write("config.capnp", config(date));
    ProcessOptions process;
    process.timeout = options_.timeout;
    ProcessResult r = run_process({executable_, "test", file}, process);
    // `workerd test` fails (exit 1) when a callback threw and nobody caught it, but goes on running
    // the other callbacks; the trace's exit event takes that status, as Node's would.
    if (r.started && !r.timed_out && r.exit_code == 1) {
      const std::string last = "{\"event\":\"exit\",\"code\":0}\n";
      if (r.out.ends_with(last)) {
        r.out.replace(r.out.size() - last.size(), last.size(), "{\"event\":\"exit\",\"code\":1}\n");
      }
    }
    return read_trace_result(spec_, r, options_.timeout);
  }

 private:
  std::string spec_;
  std::string executable_;
  BackendOptions options_;
  std::optional<std::string> version_;
};

}  // namespace

std::unique_ptr<Backend> make_workerd_backend(const std::string& spec, std::string executable,
                                              const BackendOptions& options) {
  return std::make_unique<WorkerdBackend>(spec, std::move(executable), options);
}

}  // namespace acx::backends
