// Private: the reference model's state and its operations. The public entry point is model::run
// (acx/model/machine.h). Rule ids in comments name the spec paragraph each piece implements.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <optional>
#include "acx/model/machine.h"

#include "acx/scenario/ops.h"

namespace acx::model::detail {

using scenario::Block;
using scenario::Statement;
using scenario::Value;
using trace::AsyncId;
using trace::EventKind;
using trace::kNaNId;

/// One value per AsyncLocalStorage (index = declaration order); missing entries are `undefined`.
using Stores = std::vector<Value>;

/// Thrown to unwind a run when the sink stops it or the step limit is hit.
struct StopRun {
  RunStatus status;
};

struct Resource {
  std::string type;
  AsyncId trigger = 0;
  /// Hook model: the resource's own store slots (`als.hook.copy-at-init`).
  /// Frame model: the frame captured at creation (`als.frame.capture`).
  Stores stores;
};

/// An entry of the execution stack (`stack.push`): what executionAsyncId()/triggerAsyncId() return.
struct ExecFrame {
  AsyncId eid = 0;
  AsyncId tid = 0;
  AsyncId resource = 0;  ///< Whose stores getStore() reads in the hook model (0: `topLevelResource`).
};

struct HookState {
  std::string name;
  bool init = false, before = false, after = false, destroy = false, promise_resolve = false;
};

struct AlsState {
  std::string name;
  bool created = false;
  bool enabled = false;  ///< Hook model: set by the first run (`als.hook.enable`).
};

struct Reaction {
  std::size_t derived;   ///< Index of the promise that then() returned.
  const Block* handler;  ///< nullptr: pass the value through.
  Stores frame;          ///< Frame model: the frame current at then() (`als.frame.capture`).
  /// The reaction a thenable job registers (`promise.adopt`): it settles `derived` directly,
  /// without before/after.
  bool direct = false;
};

struct PromiseState {
  enum class State { Pending, Fulfilled } state = State::Pending;
  Value value;
  bool already_resolved = false;
  AsyncId id = 0;            ///< 0 while untracked (`promise.tracking`).
  AsyncId trigger = kNaNId;  ///< kNaNId when the id was given as a parent (`promise.lazy-id`).
  std::vector<Reaction> reactions;
};

struct Job {
  enum class Kind { Reaction, QueueMicrotask, DisablePromiseHook, ResolveThenable } kind;
  Reaction reaction{0, nullptr, {}, false};  ///< Reaction jobs.
  Value argument;                            ///< Reaction jobs: the settled value.
  AsyncId resource = 0;                      ///< QueueMicrotask: its Microtask resource, 0 when none.
  const Block* block = nullptr;              ///< QueueMicrotask.
  Stores frame;                              ///< QueueMicrotask without a resource: captured frame.
  std::size_t promise = 0;                   ///< ResolveThenable: the promise being resolved.
  std::size_t thenable = 0;                  ///< ResolveThenable: the promise it adopts.
};

struct Tick {
  AsyncId id;
  const Block* block;
};

struct Timer {
  AsyncId id;
  std::int64_t duration;  ///< Effective duration: 0 becomes 1 (`loop.timers.minimum`).
  const Block* block;
  std::uint64_t created;  ///< Creation order, for `loop.timers.fifo` and eligibility.
};

struct Immediate {
  AsyncId id;
  const Block* block;
};

class Machine {
 public:
  Machine(const scenario::Scenario& s, const Profile& p, Chooser& c, EventSink& sink, const RunOptions& o);
  RunStatus run();

 private:
  // ---- ids and the execution stack (spec/ids-and-stack.md) ----
  AsyncId new_id() { return ++id_counter_; }
  AsyncId eid() const { return stack_.empty() ? 0 : stack_.back().eid; }
  AsyncId tid() const { return stack_.empty() ? 0 : stack_.back().tid; }
  AsyncId default_trigger() const { return eid(); }
  Stores& resource_stores(AsyncId id);
  Stores current_stores();
  Value store_of(std::size_t als);

  // ---- hooks (spec/hooks.md) ----
  bool has(bool HookState::*callback) const;
  /// Sends an event to the sink through the scope rule (`trace.scope`): hook events of an id that
  /// does not (yet) belong to the scenario wait, and are dropped if it never does.
  void emit(trace::Event event);
  void scope_id(AsyncId id);
  void flush_decided();
  void finish_trace();
  /// Runs a scenario callback body: scenario code is on the stack (`trace.scope`).
  void exec_callback(const Block& block);
  void emit_each(bool HookState::*callback, EventKind kind, AsyncId id);
  void emit_init(AsyncId id, const std::string& type, AsyncId trigger);
  AsyncId init_resource(const std::string& type, AsyncId trigger);
  void enable_hook(std::size_t index, bool internal);
  void disable_hook(std::size_t index);
  void update_promise_hook_mode();
  void queue_destroy(AsyncId id);
  /// Runs `block` as the callback of resource `id` (`hooks.before-after`, `stack.push`).
  void invoke(AsyncId id, AsyncId trigger, const Stores& frame, const Block* block, bool destroy_after);

  // ---- statements ----
  void exec(const Block& block);
  void exec(const Statement& st);
  void observe(const Statement& st);
  void als_run(const Statement& st);
  void enable_als(std::size_t als);

  // ---- promises (spec/promises.md) ----
  std::size_t create_promise(std::optional<std::size_t> parent);
  AsyncId get_or_set_id(std::size_t promise);
  void track_lazily(std::size_t promise);
  void resolve(std::size_t promise, const Value& value);
  void resolve_unchecked(std::size_t promise, const Value& value);
  void fulfill(std::size_t promise, const Value& value);
  void then(std::size_t promise, Reaction reaction);
  void run_thenable_job(const Job& job);
  void run_reaction(const Job& job);
  std::optional<std::size_t> promise_named(const Value& value) const;

  // ---- event loop (spec/event-loop.md) ----
  void step();
  void drain();  ///< `loop.drain`: ticks, then microtasks, until both are empty.
  void run_microtasks();
  void run_job(const Job& job);
  void timers_phase();
  void check_phase();

  /// The object a name is bound to now; stops the run (RunStatus::Unbound) if its statement has
  /// not run yet (a callback may name what its enclosing block binds later).
  std::size_t bound(const std::string& name) const;

  const scenario::Scenario& scenario_;
  const Profile& profile_;
  Chooser& chooser_;
  EventSink& sink_;
  const RunOptions& options_;
  bool mutated(const char* rule) const { return options_.mutations.contains(rule); }

  AsyncId id_counter_ = kModelRootId;
  std::vector<ExecFrame> stack_;
  std::unordered_map<AsyncId, Resource> resources_;
  Stores frame_;  ///< Frame model: the current AsyncContextFrame.

  std::vector<HookState> hooks_;     ///< Declared hooks; the last one is ALS's internal hook.
  std::size_t storage_hook_ = 0;     ///< Index of the hook model's internal init hook.
  std::vector<std::size_t> active_;  ///< Enabled hooks, in enable order (`hooks.order`).
  struct {
    bool installed = false, init = false, settled = false, wanted = false;
  } promise_hook_;  ///< The V8 promise hook Node installs (`promise.tracking`).

  std::vector<AlsState> als_;
  std::vector<PromiseState> promises_;
  std::unordered_map<std::string, std::size_t> names_;  ///< Bound name -> index in its kind's table.
  std::unordered_map<std::string, std::size_t> hook_index_, als_index_;  ///< Declared, in textual order.

  std::deque<Tick> ticks_;
  std::deque<Job> jobs_;
  std::vector<Timer> timers_;
  std::deque<Immediate> immediates_;
  std::unordered_set<AsyncId> finished_immediates_;  ///< Run or cleared: processImmediate skips them.
  std::vector<AsyncId> destroy_queue_;
  std::uint64_t created_counter_ = 0;
  std::size_t steps_ = 0;

  // `trace.scope`, as the harness applies it to real runtimes.
  int scenario_depth_ = 0;
  std::unordered_set<AsyncId> scoped_;
  struct Pending {
    trace::Event event;
    bool decided;
  };
  std::deque<Pending> pending_;
};

}  // namespace acx::model::detail
