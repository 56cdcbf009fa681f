// The reference model: runs a scenario on a single-threaded event loop and emits the trace the spec
// predicts. Where the spec leaves an order open, the model asks a Chooser; the search in search.h
// explores the choices.
#pragma once

#include <cstddef>
#include <set>
#include <string>

#include "acx/model/profile.h"
#include "acx/scenario/ast.h"
#include "acx/trace/event.h"

namespace acx::model {

/// Decides the model's nondeterministic choices (spec/event-loop.md, `loop.timers.unordered`).
class Chooser {
 public:
  virtual ~Chooser() = default;
  /// Returns an index in [0, options); options >= 2.
  virtual std::size_t choose(std::size_t options) = 0;
};

/// Always takes the first option (the order a fast machine usually shows).
class FirstChoice final : public Chooser {
 public:
  std::size_t choose(std::size_t) override { return 0; }
};

/// Receives the model's events in order; returning false stops the run (the search prunes with it).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual bool accept(const trace::Event& event) = 0;
};

/// Rule ids whose implementation the model deliberately breaks (mutation testing of the suite:
/// `acx check --mutate RULE` must then fail somewhere). Empty in normal runs.
using Mutations = std::set<std::string>;

/// The rule ids that `Mutations` understands.
const std::set<std::string>& mutable_rules();

enum class RunStatus {
  Completed,      ///< The event loop ran dry.
  Stopped,        ///< The sink asked to stop.
  StepLimit,      ///< More callbacks than the limit ran (a program that never ends).
  Unbound,        ///< A callback named something whose statement had not run yet.
  InstanceLimit,  ///< createHook / new AsyncLocalStorage statements ran again too often.
  DepthLimit,     ///< Calls nested deeper than the limit (a listener that emits its own event).
};

struct RunOptions {
  Mutations mutations;
  std::size_t step_limit = 100000;  ///< Callbacks (macrotasks and microtasks) before giving up.
  /// Hooks and AsyncLocalStorage instances beyond one per statement before giving up: the hook
  /// model keeps a store slot per resource and instance, so a statement that runs without end
  /// would take the machine's memory long before the step limit.
  std::size_t instance_limit = 32;
  /// Nested synchronous calls (functions, listeners, callbacks run inside others) before giving
  /// up: where a runtime throws a RangeError at a depth of its own, the model stops.
  std::size_t depth_limit = 400;
};

/// The root execution context's id as the model numbers it (spec/ids-and-stack.md `ids.root`).
inline constexpr trace::AsyncId kModelRootId = 1;

[[nodiscard]] RunStatus run(const scenario::Scenario& scenario, const Profile& profile, Chooser& chooser,
                            EventSink& sink, const RunOptions& options = {});

}  // namespace acx::model
