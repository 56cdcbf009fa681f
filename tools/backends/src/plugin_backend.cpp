// Third-party implementations through the adapter protocol of spec/plugin-protocol.md.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "acx/backends/backend.h"
#include "acx/backends/node_emitter.h"
#include "acx/backends/subprocess.h"
#include "acx/backends/trace_reading.h"
#include "acx/scenario/printer.h"

namespace acx::backends {

namespace {

constexpr int kProtocolVersion = 1;

/// What `ADAPTER capabilities` printed (spec/plugin-protocol.md `plugin.handshake`).
struct Handshake {
  std::string runtime;
  std::optional<std::string> profile;
  std::map<std::string, model::Capability> capabilities;
};

class PluginBackend final : public Backend {
 public:
  PluginBackend(std::string spec, std::string executable, BackendOptions options)
      : spec_(std::move(spec)), executable_(std::move(executable)), options_(std::move(options)) {}

  std::string name() const override { return spec_; }

  std::variant<std::string, BackendFailure> version() override {
    auto h = handshake();
    if (auto* failure = std::get_if<BackendFailure>(&h)) return *failure;
    return std::get<Handshake>(h).runtime;
  }

  std::optional<std::string> default_profile() override {
    auto h = handshake();
    if (auto* ok = std::get_if<Handshake>(&h)) return ok->profile;
    return std::nullopt;
  }

  std::map<std::string, model::Capability> capabilities() override {
    auto h = handshake();
    if (auto* ok = std::get_if<Handshake>(&h)) return ok->capabilities;
    return {};
  }

  BackendResult run(const scenario::Scenario& scenario, const std::string& source) override {
    if (auto h = handshake(); auto* failure = std::get_if<BackendFailure>(&h)) return *failure;
    TempDir dir;
    if (dir.path().empty())
      return BackendFailure{BackendFailure::Kind::Unavailable, "cannot create a temporary directory", ""};
    dir.write("scenario.acx", scenario::print(scenario));
    dir.write("program.cjs", emit_node_program(scenario, source));
    ProcessOptions process;
    process.timeout = options_.timeout;
    return read_trace_result(spec_, run_process({executable_, "run", dir.path()}, process), options_.timeout);
  }

 private:
  std::variant<Handshake, BackendFailure> handshake() {
    if (handshake_) return *handshake_;
    const ProcessResult r = run_process({executable_, "capabilities"}, {std::chrono::milliseconds(30000)});
    const auto fail = [&](std::string message) {
      handshake_ = BackendFailure{BackendFailure::Kind::Unavailable,
                                  fmt::format("plugin {}: {}", executable_, message), tail(r.err)};
      return *handshake_;
    };
    if (!r.started || r.timed_out || r.exit_code != 0)
      return fail(fmt::format("'capabilities' failed: {}", describe_end(r)));
    try {
      const auto j = nlohmann::json::parse(r.out);
      if (j.value("protocol", 0) != kProtocolVersion)
        return fail(
            fmt::format("speaks protocol {}, acx speaks {}", j.value("protocol", 0), kProtocolVersion));
      Handshake h;
      h.runtime = j.value("runtime", "");
      if (h.runtime.empty()) return fail("the handshake has no \"runtime\"");
      if (j.contains("profile") && j["profile"].is_string()) h.profile = j["profile"].get<std::string>();
      if (j.contains("capabilities")) {
        for (const auto& [name, value] : j["capabilities"].items()) {
          const std::string level = value.value("level", "");
          model::Capability c;
          c.evidence = value.value("evidence", "declared by the plugin");
          if (level == "full")
            c.level = model::Level::Full;
          else if (level == "partial")
            c.level = model::Level::Partial;
          else if (level == "none")
            c.level = model::Level::None;
          else
            return fail(fmt::format("capability \"{}\": level must be full, partial or none", name));
          h.capabilities[name] = c;
        }
      }
      handshake_ = h;
      return h;
    } catch (const nlohmann::json::exception& e) {
      return fail(
          fmt::format("the handshake is not the JSON object of spec/plugin-protocol.md: {}", e.what()));
    }
  }

  std::string spec_;
  std::string executable_;
  BackendOptions options_;
  std::optional<std::variant<Handshake, BackendFailure>> handshake_;
};

}  // namespace

std::unique_ptr<Backend> make_plugin_backend(const std::string& spec, std::string executable,
                                             const BackendOptions& options) {
  return std::make_unique<PluginBackend>(spec, std::move(executable), options);
}

}  // namespace acx::backends
