// A backend runs a scenario on a real runtime and reads its trace back.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

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

class Backend {
 public:
  virtual ~Backend() = default;
  /// The spec this backend was made from, e.g. `node` or `node:/opt/node24/bin/node`.
  virtual std::string name() const = 0;
  /// The runtime's version string (e.g. `v20.20.2`), or a failure if it cannot be run.
  virtual std::variant<std::string, BackendFailure> version() = 0;
  /// The profile (models/NAME.json) that describes this runtime, if one is known.
  virtual std::optional<std::string> default_profile() = 0;
  /// Runs the scenario; `source` names it in messages.
  virtual BackendResult run(const scenario::Scenario& scenario, const std::string& source) = 0;
};

struct BackendOptions {
  std::chrono::milliseconds timeout{30000};  ///< Per scenario; a run that takes longer is killed.
};

/// Parses a backend spec: `node` (the node on PATH) or `node:/path/to/node`.
std::variant<std::unique_ptr<Backend>, std::string> make_backend(const std::string& spec,
                                                                 const BackendOptions& options = {});

}  // namespace acx::backends
