// The reference model: runs a scenario on a single-threaded event loop and emits the trace the spec
// predicts. Where the spec leaves an order open, the model asks a Chooser; the search in search.h
// explores the choices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>
#include <string>

#include "acx/model/profile.h"
#include "acx/scenario/ast.h"
#include "acx/trace/event.h"

namespace acx::model {

/// Decides the model's nondeterministic choices (spec/time.md: which timer is due, which comes first).
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

/// Receives a run's events as the model makes them, before the harness rule `trace.scope`
/// (spec/harness.md) is applied: each event at once, with whether it already belongs to the trace
/// (an observe or resource event, or one of an id that belongs to the scenario); an event that does
/// not yet belongs to it if its id joins the scenario later (joined()), and is dropped if its id never
/// does (known at end()). The search's matcher uses this to compare events the moment they are made;
/// FilteredTrace (below) turns it into the trace itself. Returning false stops the run.
class TraceConsumer {
 public:
  virtual ~TraceConsumer() = default;
  virtual bool event(const trace::Event& event, bool decided) = 0;
  /// `id` joined the scenario: its earlier events belong to the trace, in their places.
  virtual bool joined(trace::AsyncId id) = 0;
  /// No id joins any more (the exit event follows).
  virtual bool end() = 0;
};

/// Applies `trace.scope`: passes the events that belong to the trace to an EventSink, in order (an
/// undecided event holds back the ones after it until its id joins or the run ends).
class FilteredTrace final : public TraceConsumer {
 public:
  explicit FilteredTrace(EventSink& sink) : sink_(&sink) {}
  bool event(const trace::Event& event, bool decided) override;
  bool joined(trace::AsyncId id) override;
  bool end() override;
  /// The sink a copy of this filter feeds (the search copies filters with their branches).
  void set_sink(EventSink& sink) { sink_ = &sink; }
  /// The events held back, with whether each is decided (part of a branch's state in the search).
  struct Held {
    trace::Event event;
    bool decided;
  };
  const std::deque<Held>& held() const { return held_; }

 private:
  bool flush();
  EventSink* sink_;
  std::deque<Held> held_;
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
  /// spec/time.md `time.stall`: how long, in milliseconds, one step of a run (a callback, or the
  /// loop's own work between two) may take; kUnboundedStall: any time. The clock reads of a run are
  /// at most this far apart per step between them, unless the loop waited for a timer.
  std::int64_t stall_ms = 10;
};

/// RunOptions::stall_ms for "no bound".
inline constexpr std::int64_t kUnboundedStall = -1;

/// The root execution context's id as the model numbers it (spec/ids-and-stack.md `ids.root`).
inline constexpr trace::AsyncId kModelRootId = 1;

[[nodiscard]] RunStatus run(const scenario::Scenario& scenario, const Profile& profile, Chooser& chooser,
                            EventSink& sink, const RunOptions& options = {});
/// The same, with the events before `trace.scope` is applied.
[[nodiscard]] RunStatus run(const scenario::Scenario& scenario, const Profile& profile, Chooser& chooser,
                            TraceConsumer& consumer, const RunOptions& options = {});

}  // namespace acx::model
