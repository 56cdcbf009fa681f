// The table of variation points: one row per point, in the order of spec/variation-points.md. A row
// names the point, its spec chapter, a one-line doc, the Profile field it sets and its values, each
// with its JSON spelling, the field value it stands for and a one-line meaning. The meanings are
// also the "Values" cells of spec/variation-points.md (tests/model/variation_points_test.cpp
// compares them). Adding a point: a row here, a field in profile.h, the rule in its chapter, a
// value with evidence in every models/*.json, and the model code (CONTRIBUTING.md).
#include "acx/model/variation_points.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <type_traits>

namespace acx::model {

namespace {

template <typename T>
struct Choice {
  std::string_view json;
  T value;
  std::string_view meaning;
};

/// A row: the point sets `field` to the value of the choice a profile names. The field's type
/// fixes the choices' (std::type_identity_t keeps it from being deduced from them).
template <typename T>
VariationPoint point(std::string_view id, std::string_view chapter, T Profile::*field, std::string_view doc,
                     std::initializer_list<Choice<std::type_identity_t<T>>> choices) {
  VariationPoint p{id, chapter, doc, {}, {}, {}};
  std::vector<T> held;
  for (const auto& c : choices) {
    p.values.push_back({c.json, c.meaning});
    held.push_back(c.value);
  }
  p.set = [field, held](Profile& profile, std::size_t index) { profile.*field = held.at(index); };
  p.get = [field, held](const Profile& profile) -> std::optional<std::size_t> {
    const auto it = std::find(held.begin(), held.end(), profile.*field);
    if (it == held.end()) return std::nullopt;
    return static_cast<std::size_t>(it - held.begin());
  };
  return p;
}

std::vector<VariationPoint> make_table() {
  return {
      point("als.model", "async-local-storage.md", &Profile::als_model,
            "How `AsyncLocalStorage` stores propagate",
            {{"hook", AlsModel::Hook, "stores copied onto each resource by an internal init hook"},
             {"frame", AlsModel::Frame,
              "stores in an `AsyncContextFrame` captured by resources and reactions"}}),
      point("als.hook.enable", "async-local-storage.md", &Profile::als_enable,
            "Hook model only: when an instance's internal init hook (and with it promise tracking) is "
            "enabled",
            {{"first-run", AlsEnable::FirstRun,
              "the internal hook is enabled at an instance's first `run`/`enterWith` (Node 13.10..23)"},
             {"construction", AlsEnable::AtConstruction,
              "in its constructor (Node 24 with `--no-async-context-frame`)"}}),
      point("microtask.resource", "event-loop.md", &Profile::microtask_resource,
            "Whether `queueMicrotask` makes a `Microtask` resource",
            {{"always", MicrotaskResource::Always, "`queueMicrotask` always makes a `Microtask` resource"},
             {"when-frame-or-hooks", MicrotaskResource::WhenFrameOrHooks,
              "only when a context frame exists or a hook is enabled, otherwise a bare microtask with eid "
              "0, tid 0"}}),
      point("als.default-value", "async-local-storage.md", &Profile::als_default_value,
            "Whether the constructor's `{ name, defaultValue }` options are honoured",
            {{"honoured", true,
              "`new AsyncLocalStorage({ name, defaultValue })` keeps the default, which `getStore()` "
              "returns where no store was set"},
             {"ignored", false, "the constructor takes no options, `getStore()` is `undefined` there"}}),
      point("als.switch", "async-local-storage.md", &Profile::als_switch,
            "What `disable` and `exit` switch off",
            {{"contexts", AlsSwitch::Contexts,
              "the stores of contexts, as `als.model` has them (Node, Bun, workerd)"},
             {"instance", AlsSwitch::Instance,
              "one switch per instance: `disable` turns it off, `run` and `enterWith` on for good, `exit` "
              "off around its callback; `getStore()` gives the default while it is off, and no context "
              "loses its store (Deno)"}}),
      point("tick.queue", "event-loop.md", &Profile::tick_queue, "Where `process.nextTick` callbacks wait",
            {{"own-queue", TickQueue::OwnQueue,
              "`process.nextTick` callbacks wait in their own queue, drained before microtasks"},
             {"microtask", TickQueue::Microtask, "a tick is a microtask, FIFO with promise jobs (workerd)"}}),
      point("rejection.context", "errors.md", &Profile::rejection_context,
            "The stores an `'unhandledRejection'` listener sees",
            {{"runtime", ListenerContext::Runtime,
              "an `'unhandledRejection'` listener sees the rejection's stores as `als.model` implies"},
             {"drain", ListenerContext::Drain,
              "it sees the stores of the processing drain: the main script's after it, none after a "
              "callback (Bun; frame model only)"}}),
      point("promise.multiple-resolves", "promises.md", &Profile::multiple_resolves,
            "What calling a resolving function of an already resolved promise reports",
            {{"none", MultipleResolves::None, "nothing (Node >= 20: no `'multipleResolves'`)"},
             {"tick", MultipleResolves::Tick,
              "a second resolve calls `process.nextTick` in the current context (Node 10..14)"},
             {"tick-in-promise-context", MultipleResolves::TickInPromise,
              "with the promise's context pushed (Node 16..18)"}}),
      point("promise.resolve-early", "promises.md", &Profile::resolve_early,
            "When a promise resolved with a promise or thenable reports `promiseResolve`",
            {{"at-settle", false, "`promiseResolve` only when it settles (Node >= 14)"},
             {"at-resolve-and-settle", true,
              "`promiseResolve` also when resolved with a thenable (Node 10..12)"}}),
      point("promise.self-resolution", "promises.md", &Profile::self_resolution_twice,
            "How often a promise resolved with itself reports `promiseResolve`",
            {{"at-rejection", false,
              "a promise resolved with itself reports `promiseResolve` once, at its rejection"},
             {"at-resolve-and-rejection", true, "also when resolved (Node 10..16)"}}),
      point("promise.hook", "promises.md", &Profile::promise_hook, "How the promise hook is installed",
            {{"js", PromiseHook::Js, "lib/internal/async_hooks.js's hook with parts (Node >= 14)"},
             {"promise-wrap", PromiseHook::PromiseWrap,
              "the C++ PromiseWrap hook, every promise tracked once any callback exists (Node 10..12)"}}),
      point(
          "function.await-order", "functions.md", &Profile::await_resolve_first,
          "When the wrapper of an `await` operand that is no native promise is resolved",
          {{"resolve-first", true, "a wrapper is resolved before the throwaway promise exists (Node >= 18)"},
           {"throwaway-first", false, "after (Node 10..16)"}}),
      point("function.await-native", "functions.md", &Profile::await_wraps_promises,
            "How `await` takes a native promise",
            {{"direct", false, "a native promise is awaited as is (Node >= 12)"},
             {"wrapped", true, "it is wrapped and adopted (Node 10)"}}),
      point("promise.fast-paths", "promises.md", &Profile::no_fast_paths,
            "Whether V8 skips the promises only hooks could see while no promise hook is installed",
            {{"without-hooks", false,
              "while no promise hook is installed, an await has no throwaway promise and a combinator's "
              "reactions no result promise"},
             {"never", true, "both are always made (Node 10)"}}),
      point("rejection.processing", "errors.md", &Profile::rejection_snapshot,
            "What one processing of unhandled rejections takes from the queue",
            {{"one-by-one", false,
              "a processing of unhandled rejections takes them one at a time, skips one a listener "
              "handled, and leaves the rest for later when a listener throws (Node 10..18, Bun)"},
             {"snapshot", true,
              "it takes them all first, reports each, and drops the rest when a listener throws (Node "
              ">= 20, Deno)"}}),
      point("rejection.report-point", "errors.md", &Profile::rejection_report,
            "When pending unhandled rejections are reported",
            {{"after-callback", RejectionReport::AfterCallback,
              "in the drain after the main script and after every callback, once its ticks and "
              "microtasks are done (Node, Deno, workerd)"},
             {"loop-turn", RejectionReport::LoopTurn,
              "only at the start of each loop turn, which then runs its immediates and then its due "
              "timers, after the main script and at exit; what the listeners queue waits (Bun)"}}),
      point("rejection.unhandled-mode", "errors.md", &Profile::unhandled_mode,
            "What an unhandled rejection without an `'unhandledRejection'` listener does",
            {{"throw", UnhandledMode::Throw, "an unhandled rejection without listener is uncaught"},
             {"warn", UnhandledMode::Warn, "only a warning (Node 10..14)"}}),
      point("rejection.listener-context", "errors.md", &Profile::rejection_ids,
            "The ids an `'unhandledRejection'` listener sees",
            {{"promise", RejectionIds::Promise, "the promise's context is pushed"},
             {"drain", RejectionIds::Drain, "the drain's own (Node 10..14)"}}),
      point("uncaught.after-zero", "errors.md", &Profile::after_zero,
            "Whether the after-loop of a handled uncaught exception also emits `after 0`",
            {{"none", AfterZero::None, "frames with id 0 are popped without an event (Node >= 16)"},
             {"immediates", AfterZero::Immediates,
              "the after-loop also emits `after 0`, after immediate callbacks only (Node 10)"},
             {"callbacks", AfterZero::Callbacks,
              "after timer, immediate and `queueMicrotask` callbacks (Node 12..14)"}}),
      point("uncaught.tick-leftovers", "errors.md", &Profile::tick_leftovers_at_once,
            "Whether a drain goes on after a throwing tick",
            {{"abandoned", false,
              "the drain is abandoned: what it left waits for the next callback scope to close (Node)"},
             {"at-once", true, "the drain goes on at once: the exception is caught per tick (Bun, Deno)"}}),
      point("uncaught.microtask", "errors.md", &Profile::microtask_throw_in_scope,
            "Where a throwing `queueMicrotask` callback is reported",
            {{"after-scope", false, "reported after the Microtask's `after`, with an empty stack"},
             {"in-scope", true, "inside its scope (Node 12)"}}),
      point("uncaught.microtask-frame", "errors.md", &Profile::microtask_throw_frame,
            "Frame model only: the frame an `'uncaughtException'` listener sees for a throwing microtask, "
            "and what it leaves",
            {{"throw-kept", MicrotaskThrowFrame::ThrowKept,
              "an `'uncaughtException'` listener for a throwing microtask sees the frame at the throw, and "
              "what it leaves is current for the next microtask that captured none (Node >= 22)"},
             {"throw", MicrotaskThrowFrame::Throw, "at the throw, nothing left (Deno)"},
             {"start", MicrotaskThrowFrame::Start, "the microtask's start frame (Bun)"}}),
      point("uncaught.last-immediate", "errors.md", &Profile::last_immediate_throw,
            "What follows an uncaught exception in the last immediate of a check phase's batch",
            {{"rerun", LastImmediateThrow::Rerun,
              "after an uncaught exception in a batch's last immediate, the immediates queued meanwhile "
              "run in the same check phase, the first before the leftovers (Node >= 12)"},
             {"end-phase", LastImmediateThrow::EndPhase, "the phase ends without a drain (Node 10)"},
             {"drain", LastImmediateThrow::Drain,
              "it ends with a drain, the new immediates wait (Bun, Deno)"}}),
      point("uncaught.next-immediate", "errors.md", &Profile::next_immediate,
            "What follows an uncaught exception in an immediate that is not the last of its batch",
            {{"same-phase", NextImmediate::SamePhase,
              "the next immediate of the batch runs at once, before the leftovers (Node, Bun)"},
             {"next-iteration", NextImmediate::NextIteration,
              "the phase ends with a drain; the rest of the batch runs first, alone, in the next "
              "iteration's check phase (Deno)"}}),
      point("uncaught.next-timer", "errors.md", &Profile::next_timer,
            "What follows an uncaught exception in a timer callback",
            {{"same-list", NextTimer::SameList,
              "the next timer of the same list runs before the leftovers, a timer of another list after "
              "them (Node)"},
             {"after-drain", NextTimer::AfterDrain,
              "the leftovers run before the next timer, as after any timer (Bun, Deno)"}}),
      point("timer.list-resource", "event-loop.md", &Profile::timer_list, "Whether timer lists are resources",
            {{"none", TimerList::None, "timer lists are no resources (Node >= 11)"},
             {"timerwrap", TimerList::TimerWrap, "a TIMERWRAP resource per timer list (Node 10)"}}),
      point("loop.check-drain", "event-loop.md", &Profile::check_drain,
            "When the native immediates' scope at the start of a check phase drains leftovers",
            {{"always", CheckDrain::Always,
              "the native immediates' scope at the start of each check phase drains what an abandoned "
              "drain left"},
             {"native-immediates", CheckDrain::NativeImmediates, "only when native immediates ran (Node 26)"},
             {"never", CheckDrain::Never, "not at all: the leftovers wait for the next callback (Node 10)"}}),
      point("loop.platform-task", "event-loop.md", &Profile::platform_task_drains,
            "Whether the poll phase may drain what an abandoned drain left",
            {{"drains", true,
              "a V8 platform task may run in the poll phase of any iteration, in a callback scope that "
              "drains what an abandoned drain left (Node)"},
             {"none", false, "no such callback scope (Bun, Deno, workerd)"}}),
      point(
          "resource.bound-name", "resources.md", &Profile::bound_name_run_in_scope,
          "The name of a function `bind()` returned, the type of a resource `AsyncResource.bind` of it makes",
          {{"bound", false,
            "the function `r.bind(fn)` returns is named `bound`, so `AsyncResource.bind` of it makes a "
            "resource of that type"},
           {"bound-run-in-async-scope", true,
            "`bound runInAsyncScope` (Node 12..14, where `bind` returns `runInAsyncScope.bind(...)`)"}}),
      point("loop.drain-after", "event-loop.md", &Profile::drain_per_batch,
            "After which callbacks of the event loop a drain runs",
            {{"callback", false, "a drain after each timer and immediate"},
             {"batch", true, "after each timer list and immediate batch (Node 10)"}}),
      point("loop.main-drain-context", "event-loop.md", &Profile::main_drain_in_root,
            "The context of the drain after the main script",
            {{"empty", false, "the drain after the main script has an empty stack"},
             {"root", true, "the root context (Node 10)"}}),
      point("tick.destroy", "event-loop.md", &Profile::tick_destroy_first, "When a tick's destroy is queued",
            {{"after-callback", false, "a tick's destroy is queued when its callback returns"},
             {"before-callback", true, "before its callback runs (Node 10)"}}),
      point("als.run-resource", "async-local-storage.md", &Profile::als_run_resource,
            "Hook model: whether `run` makes a resource of its own",
            {{"none", false, "`run` sets the store on the current resource"},
             {"async-resource", true,
              "the hook model's `run` makes an `AsyncLocalStorage` resource (Node 12)"}}),
      point("time.clock", "time.md", &Profile::clock, "The clock a runtime's timers read",
            {{"ms", ClockKind::Milliseconds,
              "whole milliseconds, for due-ness and order (libuv's `uv_now`: Node)"},
             {"ms-buckets", ClockKind::MsBuckets,
              "a finer clock for due-ness, whole-millisecond buckets for the order of timers (Bun)"},
             {"fractional", ClockKind::Fractional,
              "a finer clock for due-ness and order (Deno's fractional milliseconds, workerd)"}}),
      point("time.timer-queue", "time.md", &Profile::timer_queue, "How pending timers wait",
            {{"lists", TimerQueueKind::Lists,
              "one FIFO list per duration, lists ordered by expiry, then list id (Node, Deno)"},
             {"heap", TimerQueueKind::Heap,
              "one queue of timers ordered by deadline, then creation (Bun, workerd)"}}),
      point(
          "time.phase-clock", "time.md", &Profile::phase_clock,
          "When the time timers are due against is read",
          {{"per-phase", PhaseClock::PerPhase,
            "once per timers phase (Node >= 11, Deno) or per drain of the timer heap (Bun)"},
           {"per-list", PhaseClock::PerList, "once per list, each list a libuv timer of its own (Node 10)"},
           {"per-timer", PhaseClock::PerTimer, "once per timer, each timer an event of its own (workerd)"}}),
      point("time.interval-start", "time.md", &Profile::interval_start,
            "The start an interval is armed again with",
            {{"before-callback", IntervalStart::BeforeCallback,
              "a clock read just before its callback (Node, Bun)"},
             {"phase", IntervalStart::Phase, "the timers phase's time (Deno)"},
             {"after-callback", IntervalStart::AfterCallback, "a clock read after its callback (workerd)"}}),
      point("time.empty-list", "time.md", &Profile::keep_empty_lists,
            "What `clearTimeout` of a list's last timer does to the list",
            {{"removed", false,
              "the list leaves the queue; the next timer of that duration makes a new one (Node)"},
             {"kept", true,
              "the list stays with its old expiry and takes the next timer of that duration (Deno)"}}),
      point("time.timers-again", "time.md", &Profile::timers_again,
            "Whether a clock read in the drain after a timers phase can start another one",
            {{"once", false,
              "one timers phase per loop iteration (libuv >= 1.48: Node >= 22; Bun, Deno, workerd)"},
             {"again", true,
              "another timers phase before the check phase when a read in the drain that closes one "
              "reaches the timer handle's deadline (libuv <= 1.47: Node 10 to 20)"}}),
  };
}

}  // namespace

std::string VariationPoint::allowed() const {
  std::string out;
  for (const auto& v : values) out += fmt::format("{}\"{}\"", out.empty() ? "" : ", ", v.json);
  return out;
}

const std::vector<VariationPoint>& variation_points() {
  static const std::vector<VariationPoint> table = make_table();
  return table;
}

const VariationPoint* find_variation_point(std::string_view id) {
  const auto& table = variation_points();
  const auto it = std::find_if(table.begin(), table.end(), [&](const auto& p) { return p.id == id; });
  return it == table.end() ? nullptr : &*it;
}

}  // namespace acx::model
