// A backend runs a scenario on a real runtime (or on the model) and reads its trace back.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "acx/model/profile.h"
#include "acx/scenario/ast.h"
#include "acx/trace/event.h"

namespace acx::backends {

/// Why a backend produced no trace: it could not start, crashed, hung, or printed something that is
/// not a trace. `detail` says where (e.g. the malformed line) and carries the runtime's stderr.
struct BackendFailure {
  enum class Kind { Unavailable, Crashed, TimedOut, BadOutput } kind;
  std::string message;
  std::string detail;
};

using BackendResult = std::variant<trace::Trace, BackendFailure>;

/// Many scenarios run one after the other in one runtime process (spec/harness.md `trace.batch`).
/// Not thread-safe: one session per thread.
class BatchSession {
 public:
  virtual ~BatchSession() = default;
  /// The scenario's trace. After a failure (the process crashed, hung or printed garbage) the
  /// session starts a new process for the next scenario; the caller retries the failed scenario
  /// alone with Backend::run, so that one bad program costs only itself.
  virtual BackendResult run(const scenario::Scenario& scenario, const std::string& source) = 0;
  /// How many times the runtime process was (re)started.
  virtual std::size_t starts() const = 0;
  /// What the runtime wrote to its standard error during the last run (for reports; may be empty).
  virtual std::string last_stderr() const { return {}; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  /// The spec this backend was made from, e.g. `node`, `node@24:--no-async-context-frame`, `bun`.
  virtual std::string name() const = 0;
  /// The runtime's version string (e.g. `v20.20.2`, `bun 1.4.5`), or a failure if it cannot be run.
  virtual std::variant<std::string, BackendFailure> version() = 0;
  /// The profile (models/NAME.json) that describes this runtime, if one is known.
  virtual std::optional<std::string> default_profile() = 0;
  /// Capabilities the backend itself declares (a plugin's handshake), laid over its profile's.
  virtual std::map<std::string, model::Capability> capabilities() { return {}; }
  /// Runs the scenario; `source` names it in messages.
  virtual BackendResult run(const scenario::Scenario& scenario, const std::string& source) = 0;
  /// A batch session, for runtimes that have a batch driver (Node); null otherwise.
  virtual std::unique_ptr<BatchSession> batch() { return nullptr; }
  /// What the runtime wrote to its standard error during the last run, where the backend keeps it
  /// (a batch driver's): for reports of a divergence.
  virtual std::string last_stderr() const { return {}; }
};

struct BackendOptions {
  std::chrono::milliseconds timeout{30000};  ///< Per scenario; a run that takes longer is killed.
  std::string models_dir;                    ///< For the `model` backend's profiles.
};

/// Parses a backend spec (README "Backends"): `model[:PROFILE]`, `node`, `node:FLAGS`,
/// `node:/path/to/node[:FLAGS]`, `node@MAJOR[:FLAGS]`, `bun[@V][:FLAGS]`, `deno[@V][:FLAGS]`,
/// `workerd[@V]`, `plugin:/path/to/executable`.
/// A backend that runs each scenario through a batch session of `inner` and, when the session
/// fails on it, runs it again alone on `inner` (which must outlive it). Falls back to `inner` when it
/// has no batch driver.
std::unique_ptr<Backend> batched(Backend& inner);

std::variant<std::unique_ptr<Backend>, std::string> make_backend(const std::string& spec,
                                                                 const BackendOptions& options = {});

}  // namespace acx::backends
