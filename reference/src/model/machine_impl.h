// Private: the reference model's state and its operations. The public entry point is model::run
// (acx/model/machine.h). Rule ids in comments name the spec paragraph each piece implements.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "acx/model/machine.h"
#include "acx/scenario/ops.h"

namespace acx::model::detail {

using scenario::Block;
using scenario::Kind;
using scenario::Statement;
using scenario::Value;
using trace::AsyncId;
using trace::EventKind;
using trace::kNaNId;

/// One slot per AsyncLocalStorage (index = declaration order). Values are pointers into the scenario's AST
/// (which outlives the run), so copying them is free; nullptr: the store is not set. kUndefined stands for an
/// explicit `undefined`.
using Slots = std::vector<const Value*>;
/// Frame model: an AsyncContextFrame, shared by everything that captured it (nullptr: no frame).
/// Frames are replaced, not changed, except by disable(), which deletes a key in place.
using Frame = std::shared_ptr<Slots>;

/// Thrown to unwind a run when the sink stops it, the step limit is hit or a name is unbound.
struct StopRun {
  RunStatus status;
};

/// The process ends (an uncaught exception with no handler): the rest of the loop never runs.
struct ProcessExit {
  int code;
};

/// A value at run time: a literal, or a promise or thenable of the run.
inline const Value kUndefined{};

struct RValue {
  enum class Ref { None, Promise, Thenable } ref = Ref::None;
  const Value* literal = nullptr;  ///< A literal of the scenario; nullptr: undefined.
  std::size_t index = 0;
  const char* error = nullptr;  ///< An error the runtime throws: its code (ERR_...) or name (TypeError).
  static RValue failure(const char* code) { return RValue{Ref::None, nullptr, 0, code}; }
  static RValue of(const Value& v) { return RValue{Ref::None, &v, 0}; }
  const Value& value() const { return literal ? *literal : kUndefined; }
  static RValue promise(std::size_t p) { return RValue{Ref::Promise, {}, p}; }
  static RValue thenable(std::size_t t) { return RValue{Ref::Thenable, {}, t}; }
  bool is_thenable() const { return ref != Ref::None; }
};

/// A JavaScript exception unwinding the model's C++ frames.
struct JsThrow {
  RValue value;
};

/// How a block of code ended (ECMAScript completion records, without break/continue).
struct Completion {
  enum class Kind { Normal, Return, Throw } kind = Kind::Normal;
  RValue value;
};

/// A running or suspended body: a stack of blocks, for try/catch/finally and for resuming an async
/// function after `await`.
struct Activation {
  struct Cursor {
    enum class Kind { Body, Try, Catch, Finally } kind = Kind::Body;
    const Block* block = nullptr;
    std::size_t next = 0;
    const Statement* owner = nullptr;  ///< The try statement of Try/Catch/Finally cursors.
    Completion pending;  ///< Finally: the completion to resume after the block; Catch: the caught throw.
  };
  std::vector<Cursor> cursors;
  bool async = false;
  std::size_t promise = 0;  ///< Async functions: the promise the call returned.
};

struct Resource {
  std::string_view type;  ///< A literal, or the AsyncResource's type in the scenario's AST.
  std::string_view
      binding;  ///< The name bound to the resource's object, if any (`stack.execution-resource`).
  AsyncId trigger = 0;
  Frame frame;  ///< Frame model: the frame captured at creation (`als.frame.capture`).
};

/// An entry of the execution stack (`stack.push`): what executionAsyncId()/triggerAsyncId() return.
/// An ExecFrame::resource that stands for the process object: the receiver of the MakeCallback
/// in which Node runs a timers or check phase, whose stores the drains between that phase's
/// callbacks read in the hook model (`loop.phase-context`).
inline constexpr AsyncId kProcessResource = -2;

struct ExecFrame {
  AsyncId eid = 0;
  AsyncId tid = 0;
  AsyncId resource = 0;  ///< Whose stores getStore() reads in the hook model (0: `topLevelResource`).
  /// Set in the ids but not pushed on Node's async id stack: the after-loop of `uncaught.handled`
  /// does not see it (Node 10's context of the drain after the main script).
  bool hidden = false;
};

struct HookState {
  std::string name;
  bool init = false, before = false, after = false, destroy = false, promise_resolve = false;
  /// Callback bodies (`hooks.callback-body`), by callback: init, before, after, destroy, promiseResolve.
  std::array<const Block*, 5> bodies{};
};

struct AlsState {
  std::string name;
  bool created = false;
  bool enabled = false;                  ///< Hook model: set by the first run (`als.hook.enable`).
  const Value* default_value = nullptr;  ///< `als.default-value` (variation point).
};

struct Combinator;

/// Shared "already resolved" flag of a pair of resolving functions.
using ResolvedFlag = std::shared_ptr<bool>;

/// One side (fulfilled or rejected) of a promise reaction.
struct Handler {
  enum class Kind {
    None,           ///< undefined: the value or reason passes through
    Block,          ///< a scenario block; its completion settles the derived promise
    ThenFinally,    ///< Promise.prototype.finally's thenFinally around the scenario block
    CatchFinally,   ///< ... its catchFinally
    ValueThunk,     ///< returns `value` (finally)
    Thrower,        ///< throws `value` (finally)
    ResolveTarget,  ///< a fresh resolve function of `target` (thenable job)
    RejectTarget,   ///< a fresh reject function of `target`
    Resume,         ///< resumes `activation` at its await with the value
    ResumeThrow,    ///< resumes `activation` by throwing the reason at its await
    Element,        ///< a combinator's element function (fulfilled)
    ElementReject,  ///< a combinator's element function (rejected)
  } kind = Kind::None;
  const Block* block = nullptr;
  RValue value;
  std::size_t target = 0;
  ResolvedFlag flag;
  std::shared_ptr<Activation> activation;
  std::shared_ptr<Combinator> combinator;
};

/// Reaction::derived of a reaction V8 made without a result promise (`promise.fast-paths`).
inline constexpr std::size_t kNoPromise = static_cast<std::size_t>(-1);

struct Reaction {
  /// The promise then() returned (await: its throwaway promise, or kNoPromise).
  std::size_t derived = 0;
  Handler on_fulfilled, on_rejected;
  Frame frame;  ///< Frame model: the frame current at then() (`als.frame.capture`).
  /// The thenable job's fast path: `derived` is the promise being resolved, settled directly and
  /// without before/after (`promise.adopt`).
  bool direct = false;
};

struct PromiseState {
  enum class State { Pending, Fulfilled, Rejected } state = State::Pending;
  RValue value;
  bool already_resolved = false;
  bool has_handler = false;  ///< V8's flag: some reaction was ever registered.
  AsyncId id = 0;            ///< 0 while untracked (`promise.tracking`).
  AsyncId trigger = kNaNId;  ///< kNaNId when the id was given as a parent (`promise.lazy-id`).
  std::vector<Reaction> reactions;
};

struct ThenableState {
  const Block* block;
  std::string name;
};

struct FunctionState {
  enum class Kind { Plain, Async, Bound } kind;
  const Block* body = nullptr;  ///< Plain and async functions.
  AsyncId resource = 0;         ///< Bound: the AsyncResource it runs in.
  std::size_t target = 0;       ///< Bound: the function it calls.
};

/// Promise.all/allSettled/race/any: what the element functions share.
struct Combinator {
  scenario::Op op;
  std::size_t result;
  std::size_t remaining;
};

struct Listener {
  const Block* block;                   ///< e.on("x") { ... }
  std::optional<std::size_t> function;  ///< e.on("x", f)
};

struct Job {
  enum class Kind { Reaction, QueueMicrotask, DisablePromiseHook, ResolveThenable } kind;
  Reaction reaction;             ///< Reaction jobs.
  RValue argument;               ///< Reaction jobs: the settled value or reason.
  bool rejected = false;         ///< Reaction jobs: which handler runs.
  AsyncId resource = 0;          ///< QueueMicrotask: its Microtask resource, 0 when none.
  const Block* block = nullptr;  ///< QueueMicrotask.
  Frame frame;                   ///< QueueMicrotask without a resource, ResolveThenable: captured frame.
  std::size_t promise = 0;       ///< ResolveThenable: the promise being resolved.
  RValue thenable;               ///< ResolveThenable: what it adopts.
};

struct Tick {
  AsyncId id;
  const Block* block;
};

struct Timer {
  AsyncId id;
  std::int64_t duration;  ///< Effective duration (`loop.timers.minimum`).
  const Block* block;
  std::uint64_t created;  ///< Creation order, for `loop.timers.fifo` and eligibility.
  bool interval = false;
};

struct Immediate {
  AsyncId id;
  const Block* block;  ///< nullptr: Node's own noop immediate (`uncaught.handled`).
};

/// A rejection waiting for processPromiseRejections (`rejection.unhandled`).
struct PendingRejection {
  std::size_t promise;
  Frame frame;  ///< Frame model: the frame at rejection time.
};

/// A name's current binding.
struct Bound {
  Kind kind;
  std::size_t index;
};

class Machine {
 public:
  Machine(const scenario::Scenario& s, const Profile& p, Chooser& c, EventSink& sink, const RunOptions& o);
  ~Machine();
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;
  RunStatus run();

 private:
  // ---- ids and the execution stack (spec/ids-and-stack.md) ----
  AsyncId new_id() {
    grow_tables(id_counter_ + 1);
    return ++id_counter_;
  }
  AsyncId eid() const { return stack_.empty() ? 0 : stack_.back().eid; }
  AsyncId tid() const { return stack_.empty() ? 0 : stack_.back().tid; }
  AsyncId default_trigger() const { return eid(); }
  /// Hook model: the slots of executionAsyncResource() (`als.hook.resource`).
  const Value** current_slots();
  /// Hook model: a resource's store slots, in one arena (als_.size() slots per id, by id).
  const Value** slots_of(AsyncId id);
  /// slots_of(), or the process object's slots for kProcessResource.
  const Value** resource_slots(AsyncId id);
  const Value& store_of(std::size_t als);
  /// Frame model: a new frame, the current one with `als` set to `value` (enterWith).
  Frame frame_with(std::size_t als, const Value* value) const;
  /// The frame a microtask runs in: the one it captured, or, if none, the frame a throwing
  /// microtask's report left (`uncaught.microtask-frame`).
  Frame job_frame(const Frame& captured) const;

  // ---- hooks (spec/hooks.md) ----
  bool has(bool HookState::*callback) const;
  /// Sends an event to the sink through the scope rule (`trace.scope`): hook events of an id that
  /// does not (yet) belong to the scenario wait, and are dropped if it never does.
  void emit(const trace::Event& event);
  void scope_id(AsyncId id);
  void flush_decided();
  void finish_trace(int exit_code);
  void emit_each(bool HookState::*callback, EventKind kind, AsyncId id);
  void emit_init(AsyncId id, std::string_view type, AsyncId trigger);
  AsyncId init_resource(std::string_view type, AsyncId trigger);
  void enable_hook(std::size_t index);
  void disable_hook(std::size_t index);
  void update_promise_hook_mode();
  void queue_destroy(AsyncId id);
  /// Runs `block` as the callback of resource `id` (`hooks.before-after`, `stack.push`); an
  /// exception that escapes it is uncaught (`uncaught.handler`).
  void invoke(AsyncId id, const Block* block, const std::function<void()>& finally,
              const std::function<void()>& start = {});
  /// runInAsyncScope: before, the block in the resource's context, after (also on a throw).
  Completion run_in_scope(AsyncId resource, const std::function<Completion()>& body);

  // ---- code: statements, blocks, functions (activation.cpp) ----
  void exec(const Statement& st);
  /// Runs an activation until it completes or suspends at an await (nullopt).
  std::optional<Completion> resume(const std::shared_ptr<Activation>& act, std::optional<Completion> inject);
  std::optional<Completion> step_activation(const std::shared_ptr<Activation>& act,
                                            std::optional<Completion> inject);
  bool unwind(Activation& act, Completion completion);
  /// Runs a block synchronously as the body of a function (a callback): its completion.
  Completion call_block(const Block& block);
  /// A scenario callback: scenario code is on the stack while it runs (`trace.scope`).
  Completion call_callback(const Block& block);
  /// Calls a scenario function; an async one returns its promise.
  std::optional<std::size_t> call_function(FunctionState f);
  void new_resource(const Statement& st);
  void combinator(const Statement& st);
  void emit_event(std::size_t emitter, const std::string& name);
  void await(const std::shared_ptr<Activation>& act, const RValue& value);
  void finish_async(const Activation& act, const Completion& c);
  void observe(const Statement& st, std::optional<std::string> resource = std::nullopt,
               std::optional<std::string> error = std::nullopt);
  std::string execution_resource_name() const;
  void als_run(const Statement& st);
  void enable_als(std::size_t als);
  void disable_als(std::size_t als);
  void enter_with(std::size_t als, const Value& value);
  /// Every id the run allocated has its entry (new_id grows the tables), so this is a plain index.
  Resource& resource(AsyncId id) { return resources_[static_cast<std::size_t>(id)]; }
  void grow_tables(AsyncId id) {
    if (static_cast<std::size_t>(id) >= resources_.size()) {
      resources_.resize(std::max(static_cast<std::size_t>(id) + 1, resources_.size() * 2));
      slot_arena_.resize(resources_.size() * slot_stride_, nullptr);
    }
  }
  /// A createHook or new AsyncLocalStorage statement ran: the object it makes. Its first run takes
  /// the instance numbered for it up front; each later run (a callback that runs twice) makes a
  /// new one, as JavaScript does (`hooks.create`, `als.instances`).
  std::size_t new_hook_instance(const Statement& st);
  std::size_t new_als_instance(const Statement& st);
  bool scoped(AsyncId id) const {
    return id >= 0 && static_cast<std::size_t>(id) < scoped_.size() && scoped_[static_cast<std::size_t>(id)];
  }
  RValue evaluate(const Value& v) const;
  /// An exception reached the event loop (`uncaught.handler`, `uncaught.exit`).
  void uncaught(const RValue& reason);

  // ---- promises (spec/promises.md) ----
  std::size_t create_promise(std::optional<std::size_t> parent);
  AsyncId get_or_set_id(std::size_t promise);
  void track_lazily(std::size_t promise);
  /// Whether a settlement runs the promise hook's resolve part now (`promise.resolve`): PromiseWrap
  /// asks the hooks at each event (`promise.hook`).
  bool reports_settlement() const {
    return promise_hook_.installed &&
           (profile_.promise_hook == PromiseHook::PromiseWrap ? has(&HookState::promise_resolve)
                                                              : promise_hook_.settled);
  }
  void resolve(std::size_t promise, const RValue& value);
  void resolve_unchecked(std::size_t promise, const RValue& value);
  /// A resolving function of an already resolved promise was called (`promise.multiple-resolves`).
  void multiple_resolves(std::size_t promise);
  void reject(std::size_t promise, const RValue& reason);
  void reject_unchecked(std::size_t promise, const RValue& reason);
  void settle(std::size_t promise, PromiseState::State state, const RValue& value);
  void then(std::size_t promise, Reaction reaction);
  /// then() as scenario code calls it: a derived promise and a reaction.
  std::size_t then_with(std::size_t promise, Handler on_fulfilled, Handler on_rejected);
  void run_thenable_job(const Job& job);
  void run_reaction(const Job& job);
  Completion run_handler(const Handler& handler, const RValue& argument);
  bool process_rejections();

  // ---- event loop (spec/event-loop.md) ----
  void step();
  void drain();  ///< `loop.drain`: ticks, then microtasks, then rejections, until all are empty.
  /// The drain between two callbacks of a timers or check phase (`loop.phase-context`).
  void drain_in_phase();
  void run_microtasks();
  void run_job(const Job& job);
  void timers_phase();
  void run_timer(const Timer& timer);
  /// `timer.list-resource`: Node 10's timers phase, one TIMERWRAP list at a time.
  void timer_lists_phase();
  void run_timer_list(std::int64_t duration, std::uint64_t phase_start);
  /// The oldest timer of `duration` created before `phase_start` (index in timers_), if any.
  std::optional<std::size_t> oldest_due(std::int64_t duration, std::uint64_t phase_start) const;
  /// Closes the list of `duration` if it has no timer left (its destroy waits for the close callback).
  void close_list_if_empty(std::int64_t duration);
  void check_phase();

  /// The object a name is bound to now; stops the run (RunStatus::Unbound) if its statement has
  /// not run yet (a callback may name what its enclosing block binds later).
  const Bound& bound(scenario::Slot slot) const;
  void bind(const Statement& st, Bound b);

  const scenario::Scenario& scenario_;
  const Profile& profile_;
  Chooser& chooser_;
  EventSink& sink_;
  const RunOptions& options_;
  // Checked on hot paths: the empty set (every normal run) answers without building a string.
  bool mutated(const char* rule) const {
    return !options_.mutations.empty() && options_.mutations.contains(rule);
  }

  AsyncId id_counter_ = kModelRootId;
  std::vector<ExecFrame> stack_;
  std::vector<Resource> resources_;          ///< By id (ids are dense); 0 is `topLevelResource`.
  std::vector<const Value*> slot_arena_;     ///< Hook model: slot_stride_ store slots per resource id.
  std::size_t slot_stride_ = 0;              ///< >= als_.size(); grows (rarely) with the instances.
  std::vector<const Value*> process_slots_;  ///< Hook model: the process object's store slots.
  Frame frame_;                              ///< Frame model: the current AsyncContextFrame.
  /// `uncaught.microtask-frame` = throw-kept: the frame a report of a throwing microtask left, which
  /// the next microtask runs in if it captured none (V8 sets a task's frame only when it has one).
  std::optional<Frame> kept_frame_;
  std::optional<Frame> inherited_frame_;  ///< kept_frame_ as the running microtask took it.

  std::vector<HookState> hooks_;     ///< Declared hooks; the last one is ALS's internal hook.
  std::size_t storage_hook_ = 0;     ///< Index of the hook model's internal init hook.
  std::vector<std::size_t> active_;  ///< Enabled hooks, in enable order (`hooks.order`).
  int emit_depth_ = 0;               ///< > 0 while hook callbacks run (`hooks.enable-during-emit`).
  std::optional<std::vector<std::size_t>> next_active_;  ///< The set an emit's callbacks changed.
  void run_hook_body(std::size_t hook, int callback);
  void end_emit();
  struct {
    bool installed = false, init = false, settled = false, wanted = false;
  } promise_hook_;  ///< The V8 promise hook Node installs (`promise.tracking`).

  std::vector<AlsState> als_;
  std::deque<PromiseState> promises_;  ///< A deque: growing never moves the promises (references stay valid).
  std::vector<ThenableState> thenables_;
  std::vector<FunctionState> functions_;
  std::vector<std::optional<Bound>> names_;
  ///< (names_: by slot (scenario::Slot), what each name is bound to.)
  static const std::string& literal_of(const Value& v) {
    static const std::string undefined = "undefined";
    if (&v == &kUndefined) return undefined;  // shared by every run: never written
    if (v.literal_text.text.empty()) v.literal_text.text = to_literal(v);  // never empty once computed
    return v.literal_text.text;
  }
  /// Declarations, in textual order: the first instance of each (its index in hooks_ or als_).
  std::unordered_map<std::string, std::size_t> hook_index_, als_index_;
  std::vector<char> hook_made_;                     ///< By declaration: its first instance exists.
  std::size_t extra_instances_ = 0;                 ///< Instances beyond each statement's first.
  std::vector<const Statement*> als_declarations_;  ///< The stores of observe events, in this order.
  /// Thenable blocks running now: inside, `t.resolve`/`t.reject` settle `promise` (unless `flag`).
  struct ThenableCall {
    std::size_t thenable, promise;
    ResolvedFlag flag;
  };
  std::vector<ThenableCall> thenable_calls_;
  std::vector<std::map<std::string, std::vector<Listener>>> emitters_;
  std::vector<const Activation*> running_;  ///< Activations being stepped, innermost last.
  std::vector<std::shared_ptr<Activation>> spare_activations_;  ///< Reused by call_block.

  std::vector<const Block*> unhandled_rejection_handlers_, uncaught_exception_handlers_;
  std::deque<PendingRejection> pending_rejections_;
  std::unordered_set<std::size_t> maybe_unhandled_;  ///< Rejected promises still without a handler.

  std::deque<Tick> ticks_;
  /// The microtask queue: a vector with a read position, emptied (keeping its capacity) whenever
  /// it drains; cheaper than a deque of these large jobs.
  struct JobQueue {
    std::vector<Job> items;
    std::size_t head = 0;
    bool empty() const { return head == items.size(); }
    void push_back(Job job) { items.push_back(std::move(job)); }
    Job pop_front() {
      Job job = std::move(items[head++]);
      if (head == items.size()) {
        items.clear();
        head = 0;
      }
      return job;
    }
  } jobs_;
  std::vector<Timer> timers_;
  std::unordered_map<AsyncId, bool> running_timers_;  ///< Timers whose callback runs -> cleared meanwhile.
  std::deque<Immediate> immediates_;
  std::unordered_set<AsyncId> finished_immediates_;  ///< Run or cleared: processImmediate skips them.
  std::vector<AsyncId> destroy_queue_;
  std::map<std::int64_t, AsyncId> timer_lists_;  ///< `timer.list-resource`: duration -> its TIMERWRAP.
  std::optional<std::int64_t> running_list_;     ///< The list whose timers run now.
  std::vector<AsyncId> closing_;                 ///< Closed TIMERWRAPs: destroyed in the close phase.
  std::uint64_t created_counter_ = 0;
  std::size_t steps_ = 0;
  /// Set when an uncaught exception was handled: the phase's next callback runs before the ticks
  /// left over (`uncaught.handled`).
  bool interrupted_ = false;
  /// `uncaught.after-zero`: the callback running now is one under which Node's after-loop also
  /// emits `after 0`.
  bool zero_after_ = false;
  /// The drain after the main script is running (`uncaught.tick-leftovers`, `loop.main-drain-context`).
  bool main_drain_ = false;

  // `trace.scope`, as the harness applies it to real runtimes.
  int scenario_depth_ = 0;
  std::vector<char> scoped_;  ///< By id: the id belongs to the scenario.
  struct Pending {
    trace::Event event;
    bool decided;
  };
  std::deque<Pending> pending_;
  trace::Event scratch_;                   ///< Reused for hook events.
  std::vector<trace::Event> hook_events_;  ///< One prepared event per hook (name set once).
  std::vector<trace::Event> init_events_;  ///< Likewise for init events.
  trace::Event observe_scratch_;           ///< Reused for observe events.
};

}  // namespace acx::model::detail
