// Private: the reference model's machine. The public entry point is model::run (acx/model/machine.h).
//
// The machine's state is kept by chapter (ids_and_stack.h, hooks.h, event_loop.h, timers.h,
// promises.h, errors.h, async_local_storage.h, harness.h) and its operations are defined in the file
// of the spec chapter they implement, named after it: a rule id in a comment (`promise.trigger`)
// leads by grep from the spec paragraph to its code. statements.cpp dispatches each statement of
// the scenario language to the chapter that gives it meaning.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "acx/model/machine.h"
#include "async_local_storage.h"
#include "errors.h"
#include "event_loop.h"
#include "events.h"
#include "functions.h"
#include "harness.h"
#include "hooks.h"
#include "ids_and_stack.h"
#include "promises.h"
#include "state.h"
#include "timers.h"

namespace acx::model::detail {

/// call_block's activations, reused between calls (the model's hottest path). Only in use while a
/// block runs synchronously, so a copy of the machine starts with none.
class ScratchActivations {
 public:
  ScratchActivations() = default;
  ScratchActivations(const ScratchActivations&) {}
  ScratchActivations& operator=(const ScratchActivations&) = delete;
  std::unique_ptr<Activation> take() {
    if (spare_.empty()) return std::make_unique<Activation>();
    auto act = std::move(spare_.back());
    spare_.pop_back();
    return act;
  }
  void give(std::unique_ptr<Activation> act) { spare_.push_back(std::move(act)); }

 private:
  std::vector<std::unique_ptr<Activation>> spare_;
};

class Machine {
 public:
  Machine(const scenario::Scenario& s, const Profile& p, TraceConsumer& consumer, const RunOptions& o);
  ~Machine();
  Machine& operator=(const Machine&) = delete;

  /// Runs until the next choice the spec leaves open or the end of the run: the number of options
  /// of the choice (2 or more), or 0 when the run has ended (status() says how).
  std::size_t advance();
  /// Takes option `option` (below the count advance() returned) of the choice; the next advance()
  /// goes on from there.
  void choose(std::size_t option);
  RunStatus status() const { return pos_.status; }
  /// The options of the choice the machine waits at (0: none).
  std::size_t options_waiting() const { return pos_.choice == LoopPosition::Choice::None ? 0 : pos_.options; }
  /// A copy of the machine, waiting at a choice, that sends its events to `sink`: the search follows
  /// each option of a choice in a copy of its own.
  std::unique_ptr<Machine> fork(TraceConsumer& consumer) const;
  /// Feeds every part of the state that can change what the run does next into `h` (state_key.cpp).
  void hash_state(StateHasher& h) const;

 private:
  Machine(const Machine&) = default;  // fork()

  // ---- machine.cpp: the loop's stages ----
  /// Runs the stages from pos_ until a choice waits or the run ends (exceptions unwind out of it).
  std::size_t run_stages();
  void run_main_script();
  friend class HookStorage;
  friend class FrameStorage;

  // ---- machine.cpp: the run, bindings, limits ----
  /// Counts a callback; stops a run that never ends (RunStatus::StepLimit).
  void step();
  /// The object a name is bound to now; stops the run (RunStatus::Unbound) if its statement has
  /// not run yet (a callback may name what its enclosing block binds later).
  const Bound& bound(scenario::Slot slot) const;
  void bind(const Statement& st, Bound b);
  RValue evaluate(const Value& v) const;
  // Checked on hot paths: the empty set (every normal run) answers without building a string.
  bool mutated(const char* rule) const {
    return !options_.mutations.empty() && options_.mutations.contains(rule);
  }

  // ---- statements.cpp: one statement, dispatched to its chapter ----
  void exec(const Statement& st);

  // ---- ids_and_stack.cpp (spec/ids-and-stack.md) ----
  /// `ids.counter`: ids are handed out in increasing order and never reused.
  AsyncId new_id() {
    grow_tables(ids_.counter + 1);
    return ++ids_.counter;
  }
  AsyncId eid() const { return ids_.eid(); }
  AsyncId tid() const { return ids_.tid(); }
  AsyncId default_trigger() const { return eid(); }
  /// Every id the run allocated has its entry (new_id grows the tables), so this is a plain index.
  Resource& resource(AsyncId id) { return ids_.resources[static_cast<std::size_t>(id)]; }
  void grow_tables(AsyncId id) {
    if (static_cast<std::size_t>(id) >= ids_.resources.size()) grow_tables_to(id);
  }
  void grow_tables_to(AsyncId id);
  std::string execution_resource_name() const;

  // ---- hooks.cpp (spec/hooks.md) ----
  bool has(bool HookState::*callback) const { return hooks_.has(callback); }
  void emit_each(bool HookState::*callback, EventKind kind, AsyncId id);
  void emit_init(AsyncId id, std::string_view type, AsyncId trigger);
  AsyncId init_resource(std::string_view type, AsyncId trigger);
  void enable_hook(std::size_t index);
  void disable_hook(std::size_t index);
  void end_emit();
  void run_hook_body(std::size_t hook, int callback);
  void update_promise_hook_mode();
  void queue_destroy(AsyncId id);
  /// Runs `block` as the callback of resource `id` (`hooks.before-after`, `stack.push`); an
  /// exception that escapes it is uncaught (`uncaught.handler`).
  void invoke(AsyncId id, const Block* block, const std::function<void()>& finally,
              const std::function<void()>& start = {});
  /// A createHook statement ran: the hook it makes. Its first run takes the instance numbered for
  /// it up front; each later run (a callback that runs twice) makes a new one (`hooks.create`).
  std::size_t new_hook_instance(const Statement& st);

  // ---- harness.cpp (spec/harness.md, spec/trace-format.md) ----
  void emit(const trace::Event& event) { trace_.emit(event); }
  void observe(const Statement& st, std::optional<std::string> resource = std::nullopt,
               std::optional<std::string> error = std::nullopt);
  void observe_error(const Statement& st);
  void observe_resource(const Statement& st);
  /// The literal text of a store value, computed once and kept on the AST value.
  static const std::string& literal_of(const Value& v) {
    static const std::string undefined = "undefined";
    if (&v == &kUndefined) return undefined;  // shared by every run: never written
    if (v.literal_text.text.empty()) v.literal_text.text = to_literal(v);  // never empty once computed
    return v.literal_text.text;
  }

  // ---- async_local_storage.cpp (spec/async-local-storage.md) ----
  const Value& store_of(std::size_t als);
  /// A new AsyncLocalStorage statement ran: the instance it makes (`als.instances`), like
  /// new_hook_instance.
  std::size_t new_als_instance(const Statement& st);
  void new_als(const Statement& st);
  void als_run(const Statement& st);
  void als_enter_with(const Statement& st);
  void als_disable(const Statement& st);
  void snapshot(const Statement& st);

  // ---- functions.cpp (spec/functions.md) ----
  /// Runs a block synchronously as the body of a function (a callback): its completion.
  Completion call_block(const Block& block);
  /// A scenario callback: scenario code is on the stack while it runs (`trace.scope`).
  Completion call_callback(const Block& block);
  /// Calls a scenario function; an async one returns its promise.
  std::optional<std::size_t> call_function(FunctionState f);
  void define_function(const Statement& st);
  void await(ActivationRef act, const RValue& value);
  void finish_async(const Activation& act, const Completion& c);
  /// Resumes a suspended async function with a value or a thrown reason (`function.await`).
  void resume_async(ActivationRef act, std::optional<Completion> inject);
  /// Runs an activation until it completes or suspends at an await (nullopt); `async` names an async
  /// function's activation (the only kind that can await).
  std::optional<Completion> resume(Activation& act, std::optional<ActivationRef> async,
                                   std::optional<Completion> inject);
  std::optional<Completion> step_activation(Activation& act, std::optional<ActivationRef> async,
                                            std::optional<Completion> inject);
  bool unwind(Activation& act, Completion completion);

  // ---- resources.cpp (spec/resources.md) ----
  void new_resource(const Statement& st);
  /// runInAsyncScope: before, the body in the resource's context, after (also on a throw).
  Completion run_in_scope(AsyncId resource, const Body& body);
  void bind_function(const Statement& st);
  void run_in_scope_statement(const Statement& st);
  void emit_destroy(const Statement& st);

  // ---- events.cpp (spec/events.md) ----
  void new_emitter(const Statement& st);
  void add_listener(const Statement& st);
  void emit_event(std::size_t emitter, const std::string& name);

  // ---- promises.cpp, combinators.cpp (spec/promises.md) ----
  std::size_t create_promise(std::optional<std::size_t> parent);
  AsyncId get_or_set_id(std::size_t promise);
  void track_lazily(std::size_t promise);
  /// Whether a settlement runs the promise hook's resolve part now (`promise.resolve`): PromiseWrap
  /// asks the hooks at each event (`promise.hook`).
  bool reports_settlement() const;
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
  Completion run_finally(const Handler& handler, const RValue& argument);
  void run_element(const Handler& handler, const RValue& argument);
  void promise_statement(const Statement& st);
  void then_statement(const Statement& st);
  void resolve_statement(const Statement& st);
  void define_thenable(const Statement& st);
  void combinator(const Statement& st);

  // ---- errors.cpp (spec/errors.md) ----
  /// An exception reached the event loop (`uncaught.handler`, `uncaught.exit`).
  void uncaught(const RValue& reason);
  bool process_rejections();
  /// `rejection.report-point` loop-turn (Bun's handle_rejected_promises): processings until no
  /// rejection is left, those the listeners make included, with no drain between.
  void report_rejections();
  /// Whether rejections wait for the start of a loop turn (`rejection.report-point`) instead of being
  /// processed in every drain.
  bool reports_at_turns() const { return profile_.rejection_report == RejectionReport::LoopTurn; }
  void process_on(const Statement& st);

  // ---- event_loop.cpp (spec/event-loop.md) ----
  void drain();  ///< `loop.drain`: ticks, then microtasks, then rejections, until all are empty.
  /// The drain between two callbacks of a timers or check phase (`loop.phase-context`).
  void drain_in_phase();
  void run_microtasks();
  void run_job(const Job& job);
  void run_queued_microtask(const Job& job);
  /// The frame a microtask runs in: the one it captured, or, if none, the frame a throwing
  /// microtask's report left (`uncaught.microtask-frame`).
  Frame job_frame(const Frame& captured) const;
  /// Ticks, microtasks or rejections wait: a drain was abandoned (`uncaught.handled`); a drain that
  /// completes leaves none.
  bool leftovers() const;
  /// The poll phase: a platform task may drain the leftovers (`loop.platform-task`), a choice.
  void poll_phase();
  void take_platform_task(std::size_t option);
  void check_phase();
  void next_tick(const Statement& st);
  void queue_microtask(const Statement& st);
  void set_immediate(const Statement& st);
  void clear_immediate(const Statement& st);

  // ---- timers.cpp (spec/time.md; spec/event-loop.md `loop.timers.*`, `timer.*`) ----
  /// A clock read (`time.read`): a new variable of the zone after the latest read; `after_wait`: the
  /// loop waited for a timer since (no stall bound, `time.wake`). Held once, as the latest read.
  Clock read_clock(bool after_wait);
  /// Adds to `zone` that the timer starting at `start` is due (or not) at `now`; false: impossible.
  bool due_bound(Clock start, std::int64_t duration, Clock now, bool due, Zone& zone) const;
  /// Adds that queue `a` comes before queue `b`; false: impossible.
  bool earlier(const QueueDeadline& a, const QueueDeadline& b, Zone& zone) const;
  bool queue_first_and_due(const TimerQueue& q, Zone& zone) const;
  TimerQueue* list_of(std::int64_t duration);
  /// Inserts a timer whose start `start` is held for it.
  void insert_timer(Timer timer, Clock start, AsyncId timerwrap);
  void remove_queue(std::uint64_t serial);
  /// The reads that stand for the present: the phase's and the queue's time, the latest read.
  std::vector<Clock> present_clocks() const;
  void hold_now(std::optional<Clock>& slot, Clock clock);
  void drop_now(std::optional<Clock>& slot);
  void begin_timers_phase();
  /// The stage after the timers phase: the poll phase, then the check phase (libuv's order), or the
  /// next loop turn (`rejection.report-point` loop-turn: a turn runs its immediates before its timers).
  LoopPosition::Stage after_timers() const {
    return reports_at_turns() ? LoopPosition::Stage::Iteration : LoopPosition::Stage::Poll;
  }
  /// The timers phase up to its next choice; false when it has ended.
  bool timers_step();
  void take_queue(std::size_t option);
  void open_list(const TimerQueue& q);
  bool queue_step();
  void take_timer_due(std::size_t option);
  void run_timer(const Timer& timer);
  void end_queue();
  /// `timer.list-resource`: Node 10 calls a list again after its drain threw; its turn starts over.
  void recall_list(TimerQueue& q);
  void end_timers_phase();

  // ---- timers_again.cpp (spec/time.md `time.timers-again`) ----
  /// The drain that closes a timers phase, watching for the reads that bring the timer handle due.
  void drain_after_timers_phase();
  /// Offers another timers phase, or none, after that drain (Choice::Again).
  void offer_timers_again();
  /// Adds to `zone` that `d` is the first of `pos_.again_deadlines` and reached at `latest`.
  bool deadline_first_and_reached(std::size_t d, Clock latest, Zone& zone) const;
  void take_timers_again(std::size_t option);
  void release_timers_again();
  void set_timer(const Statement& st);
  void clear_timer(const Statement& st);

  const scenario::Scenario& scenario_;
  const Profile& profile_;
  const RunOptions& options_;
  LoopPosition pos_;
  /// The option choose() took, for the next advance().
  LoopPosition::Choice pending_choice_ = LoopPosition::Choice::None;
  std::size_t pending_option_ = 0;

  TraceScope trace_;
  IdsAndStack ids_;
  Hooks hooks_;
  EventLoop loop_;
  Timers timers_;
  Promises promises_;
  Errors errors_;
  std::vector<AlsState> als_;
  std::unordered_map<std::string, std::size_t> als_index_;  ///< Declarations: their first instance.
  std::vector<const Statement*> als_declarations_;          ///< The stores of observe events, in this order.
  StoragePtr storage_;                                      ///< `als.model`
  /// `uncaught.microtask-frame` = throw-kept: the frame a report of a throwing microtask left, which
  /// the next microtask runs in if it captured none (V8 sets a task's frame only when it has one).
  std::optional<Frame> kept_frame_;
  std::optional<Frame> inherited_frame_;  ///< kept_frame_ as the running microtask took it.

  CowVector<std::optional<Bound>> names_;  ///< By slot (scenario::Slot): what each name is bound to.
  std::vector<FunctionState> functions_;
  std::vector<EmitterState> emitters_;
  /// Async functions' activations (a deque: growing never moves them), named by ActivationRef.
  CowVector<Activation> activations_;
  std::vector<char> flags_;                 ///< "Already resolved" flags, named by FlagRef.
  std::vector<Combinator> combinators_;     ///< Named by CombinatorRef.
  std::vector<const Activation*> running_;  ///< Activations being stepped, innermost last.
  ScratchActivations spare_activations_;    ///< Reused by call_block.
  std::size_t extra_instances_ = 0;         ///< Hook and store instances beyond each statement's first.
  std::size_t steps_ = 0;
  trace::Event observe_scratch_;  ///< Reused for observe events.
};

/// The big tables of a run, kept per thread between runs: the search and the benchmark run the
/// model many times, and reusing the storage saves growing it again each time.
struct RunBuffers {
  std::vector<const Value*> arena;
  std::vector<Job> jobs;
};
RunBuffers& run_buffers();

}  // namespace acx::model::detail
