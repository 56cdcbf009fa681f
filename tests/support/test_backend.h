// Real backends for tests: made from a backend spec with the repository's models, and the profile
// each picks by default. Errors throw, so that a test fails with the reason.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "acx/backends/backend.h"
#include "acx/model/profile.h"

namespace acx::testing {

inline std::unique_ptr<backends::Backend> make_test_backend(
    const std::string& spec, std::chrono::milliseconds timeout = backends::BackendOptions{}.timeout) {
  backends::BackendOptions options;
  options.timeout = timeout;
  options.models_dir = ACX_SOURCE_DIR "/models";
  auto made = backends::make_backend(spec, options);
  if (auto* error = std::get_if<std::string>(&made)) throw std::runtime_error(*error);
  return std::move(std::get<std::unique_ptr<backends::Backend>>(made));
}

inline model::Profile default_profile_of(backends::Backend& backend) {
  const auto name = backend.default_profile();
  if (!name) throw std::runtime_error("no profile fits backend " + backend.name());
  auto loaded = model::load_profile(*name, ACX_SOURCE_DIR "/models");
  if (auto* error = std::get_if<model::ProfileError>(&loaded)) throw std::runtime_error(error->to_string());
  return std::get<model::Profile>(loaded);
}

/// A fake backend that answers each run with the next of the given results, round and round (a
/// runtime that alternates between a trace the model allows and one it does not; one that times out
/// once). It claims to be Node 20 (profile node-20) and counts its runs.
class ScriptedBackend final : public backends::Backend {
 public:
  explicit ScriptedBackend(std::vector<backends::BackendResult> results) : results_(std::move(results)) {}
  std::string name() const override { return "scripted"; }
  std::variant<std::string, backends::BackendFailure> version() override { return std::string("v20.0.0"); }
  std::optional<std::string> default_profile() override { return "node-20"; }
  backends::BackendResult run(const scenario::Scenario&, const std::string&) override {
    return results_[runs_++ % results_.size()];
  }
  std::size_t runs() const { return runs_; }

 private:
  std::vector<backends::BackendResult> results_;
  std::size_t runs_ = 0;
};

/// A trace as a runtime prints it: `events` (with the model's ids) after a meta line.
/// An observation as a runtime prints it; `store` is the store of the one instance `a`, or none
/// (empty) for a program without one.
inline trace::Event observe_event(std::string label, trace::AsyncId eid, trace::AsyncId tid,
                                  std::string store = "") {
  trace::Event e;
  e.kind = trace::EventKind::Observe;
  e.label = std::move(label);
  e.eid = eid;
  e.tid = tid;
  if (!store.empty()) e.stores = {{"a", std::move(store)}};
  return e;
}

inline trace::Event exit_event(std::int64_t code) {
  trace::Event e;
  e.kind = trace::EventKind::Exit;
  e.code = code;
  return e;
}

inline trace::Trace runtime_trace(std::vector<trace::Event> events) {
  return trace::Trace{{"scripted", "v20.0.0", 1}, std::move(events)};
}

}  // namespace acx::testing
