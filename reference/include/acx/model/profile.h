// A profile fixes every variation point of the spec for one runtime version (models/*.json).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>

namespace acx::model {

/// spec/async-local-storage.md, variation point `als.model`.
enum class AlsModel {
  Hook,   ///< Stores are copied onto each resource at init by an internal init hook (Node 13.10..23).
  Frame,  ///< Stores live in an immutable frame captured by resources and reactions (Node >= 24).
};

/// spec/async-local-storage.md, variation point `als.hook.enable`: when the hook model's internal
/// init hook (and with it promise tracking) is switched on.
enum class AlsEnable {
  FirstRun,        ///< At the first run/enterWith (Node 13.10..23).
  AtConstruction,  ///< In the constructor (Node 24 with --no-async-context-frame).
};

/// spec/async-local-storage.md, variation point `als.switch`: what disable() and exit() act on.
enum class AlsSwitch {
  Contexts,  ///< The stores of contexts, as `als.model` has them (Node, Bun, workerd).
  Instance,  ///< One enabled flag per instance, which getStore() reads; no context loses its store
             ///< (Deno's polyfill: `enabled`).
};

/// spec/event-loop.md, variation point `microtask.resource`.
enum class MicrotaskResource {
  Always,            ///< queueMicrotask always creates a `Microtask` AsyncResource (Node 20).
  WhenFrameOrHooks,  ///< Only when a context frame exists or a hook is enabled; otherwise a bare
                     ///< V8 microtask whose callback sees eid 0 (Node 24).
};

/// spec/capabilities.md: how much of one capability a runtime has. A capability a profile does not
/// list is full.
enum class Level { Full, Partial, None };

struct Capability {
  Level level = Level::Full;
  std::string evidence;  ///< A case run here, or a source file, that shows the level.
};

/// spec/event-loop.md, variation point `tick.queue`: where process.nextTick callbacks wait.
enum class TickQueue {
  OwnQueue,   ///< Node's nextTick queue, drained before the microtasks (Node, Bun, Deno).
  Microtask,  ///< A microtask, in FIFO order with promise jobs (workerd).
};

/// spec/errors.md, variation point `rejection.context`: the stores an 'unhandledRejection' listener
/// sees.
enum class ListenerContext {
  Runtime,  ///< Node's: the rejection's context (per the ALS model).
  Drain,    ///< The context of the processing drain: the main script's after it, none after a callback (Bun).
};

/// spec/promises.md, variation point `promise.multiple-resolves`: what calling a resolving function
/// of an already resolved promise does.
enum class MultipleResolves {
  None,           ///< Nothing (Node >= 20: no 'multipleResolves').
  Tick,           ///< process.nextTick in the current context (Node 10..14).
  TickInPromise,  ///< process.nextTick with the promise's context pushed (Node 16..18).
};

/// spec/errors.md, variation point `rejection.report-point`: when pending unhandled rejections are
/// reported, and with it the shape of one turn of the loop.
enum class RejectionReport {
  AfterCallback,  ///< In the drain after the main script and after every callback (Node, Deno, workerd).
  LoopTurn,       ///< Only at the start of each loop turn (Bun's EventLoop::tick), then the turn's
                  ///< immediates, then its due timers; after the main script and at exit.
};

/// spec/errors.md, variation point `rejection.unhandled-mode`.
enum class UnhandledMode {
  Throw,  ///< Without an 'unhandledRejection' listener the rejection is an uncaught exception (Node >= 15).
  Warn,   ///< It only prints a warning (Node 10..14).
};

/// spec/errors.md, variation point `rejection.listener-context`: the ids an 'unhandledRejection'
/// listener sees.
enum class RejectionIds {
  Promise,  ///< The rejected promise's context is pushed (Node >= 16).
  Drain,    ///< Nothing is pushed: the drain's own context (Node 10..14).
};

/// spec/errors.md, variation point `uncaught.microtask-frame`: the frame (frame model) an
/// 'uncaughtException' listener sees for an exception thrown out of a microtask, and what becomes
/// of the frame the report leaves.
enum class MicrotaskThrowFrame {
  Start,      ///< The frame the microtask started in (Bun).
  Throw,      ///< The frame current at the throw; dropped after the report (Deno).
  ThrowKept,  ///< At the throw; what the report leaves is current for the next microtask that
              ///< captured no frame (V8 in Node >= 22: not cleared after a throwing task).
};

/// spec/errors.md, variation point `uncaught.last-immediate`: what follows an uncaught exception in
/// the last immediate of a check phase's batch.
enum class LastImmediateThrow {
  Rerun,  ///< The immediates queued meanwhile run now, as a new batch, the first before the leftovers (Node
          ///< >= 12).
  EndPhase,  ///< The phase ends without a drain: the leftovers wait for the next callback (Node 10).
  Drain,     ///< The phase ends with a drain; what was queued meanwhile waits (Bun, Deno).
};

/// spec/errors.md, variation point `uncaught.next-immediate`: what follows an uncaught exception in
/// an immediate that is not the last of its batch.
enum class NextImmediate {
  SamePhase,      ///< processImmediate runs again at once: the next immediate before the leftovers
                  ///< (Node, Bun).
  NextIteration,  ///< The phase ends with a drain; the rest of the batch runs first in the next
                  ///< check phase, alone (Deno: runImmediateCallbacks catches).
};

/// spec/errors.md, variation point `uncaught.next-timer`: what follows an uncaught exception in a
/// timer callback.
enum class NextTimer {
  SameList,    ///< The next timer of the same list runs before the leftovers; another list's after
               ///< them (Node: processTimers runs again and re-enters the list first).
  AfterDrain,  ///< The leftovers run first, as after any timer (Bun, Deno: caught per timer).
};

/// spec/errors.md, variation point `uncaught.after-zero`: the frame with id 0 that the after-loop of
/// a handled uncaught exception also closes.
enum class AfterZero {
  None,        ///< No such frame (Node >= 16).
  Immediates,  ///< Under immediates (Node 10).
  Callbacks,   ///< Under timers, immediates and microtasks (Node 12..14).
};

/// spec/promises.md, variation point `promise.hook`: how the promise hook is installed.
enum class PromiseHook {
  Js,           ///< lib/internal/async_hooks.js's hook with parts (Node >= 14).
  PromiseWrap,  ///< The C++ PromiseWrap hook: every promise tracked once any callback exists (Node 10..12).
};

/// spec/event-loop.md, variation point `timer.list-resource`.
enum class TimerList {
  None,       ///< Timer lists are no resources (Node >= 11).
  TimerWrap,  ///< Each list's libuv timer is a TIMERWRAP resource (Node 10).
};

/// spec/event-loop.md, variation point `loop.check-drain`: when the callback scope Node opens for
/// its native immediates at the start of a check phase drains ticks and microtasks left over.
enum class CheckDrain {
  Always,            ///< Every check phase (Node 12..24, Bun, Deno).
  NativeImmediates,  ///< Only when native immediates, such as queued destroys, are run (Node 26).
  Never,             ///< Not at all: leftovers wait for the next callback (Node 10).
};

/// spec/time.md, variation point `time.clock`: the clock a runtime's timers read, as the model sees
/// it in whole milliseconds.
enum class ClockKind {
  Milliseconds,  ///< Integer milliseconds (libuv's `uv_now`: Node).
  MsBuckets,     ///< A finer clock for due-ness, whole milliseconds for the order of timers (Bun).
  Fractional,    ///< A finer clock for both (Deno's fractional ms, workerd's sub-ms deadlines).
};

/// spec/time.md, variation point `time.timer-queue`: how pending timers wait.
enum class TimerQueueKind {
  Lists,  ///< One FIFO list per duration, lists ordered by (expiry, list id) (Node, Deno).
  Heap,   ///< One queue of timers ordered by (deadline, creation order) (Bun, workerd).
};

/// spec/time.md, variation point `time.phase-clock`: when the time timers are due against is read.
enum class PhaseClock {
  PerPhase,  ///< Once per timers phase (Node >= 11, Deno) or per drain of the timer heap (Bun).
  PerList,   ///< Once per list, each list being a libuv timer of its own (Node 10).
  PerTimer,  ///< Once per timer: each timer fires as an event of its own (workerd).
};

/// spec/time.md, variation point `time.interval-start`: the start an interval is armed again with.
enum class IntervalStart {
  BeforeCallback,  ///< A clock read just before its callback (Node, Bun).
  Phase,           ///< The timers phase's time (Deno).
  AfterCallback,   ///< A clock read after its callback (workerd).
};

struct Profile {
  std::string name;
  std::string description;
  AlsModel als_model = AlsModel::Hook;
  AlsEnable als_enable = AlsEnable::FirstRun;
  /// spec/async-local-storage.md, variation point `als.default-value`: whether the constructor's
  /// { name, defaultValue } options are honoured (Node >= 24) or ignored (Node 20).
  bool als_default_value = false;
  AlsSwitch als_switch = AlsSwitch::Contexts;  ///< `als.switch`
  MicrotaskResource microtask_resource = MicrotaskResource::Always;
  TickQueue tick_queue = TickQueue::OwnQueue;
  ListenerContext rejection_context = ListenerContext::Runtime;
  /// Defaults below: Node 20's values.
  MultipleResolves multiple_resolves = MultipleResolves::None;  ///< `promise.multiple-resolves`
  /// `function.await-order`: a non-promise operand's wrapper is resolved before the throwaway promise
  /// is created (Node >= 18) or after (Node 10..16).
  bool await_resolve_first = true;
  /// `function.await-native`: a native promise operand is awaited directly (Node >= 12) or wrapped
  /// in a new promise that adopts it (Node 10).
  bool await_wraps_promises = false;
  /// `promise.fast-paths`: V8's paths that make no promise while no promise hook is installed
  /// (an await's throwaway promise, the result promises of a combinator's reactions) are taken
  /// (Node >= 12), or never (Node 10: those promises are always made).
  bool no_fast_paths = false;
  RejectionReport rejection_report = RejectionReport::AfterCallback;  ///< `rejection.report-point`
  UnhandledMode unhandled_mode = UnhandledMode::Throw;                ///< `rejection.unhandled-mode`
  RejectionIds rejection_ids = RejectionIds::Promise;                 ///< `rejection.listener-context`
  /// `rejection.processing`: a processing of unhandled rejections takes the whole queue first
  /// (Node >= 20): a handler a listener adds does not take a rejection of that processing back, and
  /// a throwing listener drops the rest; not one at a time (Node 10..18).
  bool rejection_snapshot = false;
  /// `promise.resolve-early`: promiseResolve also when resolved with a thenable (Node 10..12).
  bool resolve_early = false;
  /// `promise.self-resolution`: a promise resolved with itself reports promiseResolve when the
  /// resolve function is called and again at the rejection (Node 10..16), not only at the rejection.
  bool self_resolution_twice = false;
  AfterZero after_zero = AfterZero::None;  ///< `uncaught.after-zero`
  /// `uncaught.tick-leftovers`: after a handled exception in a tick the drain goes on at once (Bun,
  /// Deno: they catch per tick) instead of being abandoned (Node).
  bool tick_leftovers_at_once = false;
  /// `loop.platform-task`: the poll phase may run a V8 platform task in a callback scope that drains
  /// what an abandoned drain left (Node).
  bool platform_task_drains = false;
  /// `uncaught.microtask`: a throwing queueMicrotask callback is reported inside its Microtask's
  /// scope (Node 12: runMicrotask catches inside runInAsyncScope) instead of after it.
  bool microtask_throw_in_scope = false;
  MicrotaskThrowFrame microtask_throw_frame = MicrotaskThrowFrame::ThrowKept;  ///< `uncaught.microtask-frame`
  LastImmediateThrow last_immediate_throw = LastImmediateThrow::Rerun;         ///< `uncaught.last-immediate`
  NextImmediate next_immediate = NextImmediate::SamePhase;                     ///< `uncaught.next-immediate`
  NextTimer next_timer = NextTimer::SameList;                                  ///< `uncaught.next-timer`
  /// `als.run-resource`: the hook model's run() makes an AsyncResource 'AsyncLocalStorage' and sets the
  /// store on it inside its runInAsyncScope (Node 12) instead of on the current resource.
  bool als_run_resource = false;
  PromiseHook promise_hook = PromiseHook::Js;   ///< `promise.hook`
  TimerList timer_list = TimerList::None;       ///< `timer.list-resource`
  CheckDrain check_drain = CheckDrain::Always;  ///< `loop.check-drain`
  /// `resource.bound-name`: the name of a function a bind() returned, which AsyncResource.bind of
  /// it takes as its resource's type: "bound" (Node >= 16) or "bound runInAsyncScope" (Node 12..14).
  bool bound_name_run_in_scope = false;
  /// `loop.drain-after`: a drain after each timer list and immediate batch (Node 10) instead of after
  /// each callback.
  bool drain_per_batch = false;
  /// `loop.main-drain-context`: the drain after the main script runs in the root context (Node 10).
  bool main_drain_in_root = false;
  /// `tick.destroy`: a tick's destroy is queued before its callback runs (Node 10), not after.
  bool tick_destroy_first = false;
  ClockKind clock = ClockKind::Milliseconds;                     ///< `time.clock`
  TimerQueueKind timer_queue = TimerQueueKind::Lists;            ///< `time.timer-queue`
  PhaseClock phase_clock = PhaseClock::PerPhase;                 ///< `time.phase-clock`
  IntervalStart interval_start = IntervalStart::BeforeCallback;  ///< `time.interval-start`
  /// `time.empty-list`: clearTimeout of a list's last timer leaves the list in the queue with its old
  /// expiry (Deno), instead of removing it (Node).
  bool keep_empty_lists = false;
  /// `time.timers-again`: a clock read in the drain that closes a timers phase can bring the runtime's
  /// timer handle due again, and libuv runs another timers phase before the check phase (libuv <=
  /// 1.47: Node 10 to 20).
  bool timers_again = false;
  /// Variation point id -> evidence (a case observed here, or a source file).
  std::map<std::string, std::string> evidence;
  /// Capabilities that are partial or missing (spec/capabilities.md); all others are full.
  std::map<std::string, Capability> capabilities;

  Level level(const std::string& capability) const {
    auto it = capabilities.find(capability);
    return it == capabilities.end() ? Level::Full : it->second.level;
  }
};

struct ProfileError {
  std::string file;
  std::string message;
  std::string to_string() const { return file + ": " + message; }
};

std::string_view level_name(Level level);

/// Loads models/NAME.json (or a path ending in .json).
std::variant<Profile, ProfileError> load_profile(const std::string& name_or_path,
                                                 const std::string& models_dir);

}  // namespace acx::model
