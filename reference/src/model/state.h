// Private: the values and records the reference model works with. The machine (machine_impl.h) keeps
// them in the tables of each chapter (ids_and_stack.h, hooks.h, event_loop.h, timers.h, promises.h,
// errors.h, async_local_storage.h, harness.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acx/model/machine.h"
#include "acx/model/state_key.h"
#include "acx/scenario/ast.h"
#include "acx/scenario/ops.h"
#include "acx/trace/event.h"

namespace acx::model::detail {

using scenario::Block;
using scenario::Kind;
using scenario::Statement;
using scenario::Value;
using trace::AsyncId;
using trace::EventKind;
using trace::kNaNId;

/// Thrown to unwind a run when the sink stops it, a limit is hit or a name is unbound.
struct StopRun {
  RunStatus status;
};

/// The process ends (an uncaught exception with no handler): the rest of the loop never runs.
struct ProcessExit {
  int code;
};

/// The literal `undefined`, shared by every run (never written).
inline const Value kUndefined{};

/// A value at run time: a literal of the scenario, or a promise or thenable of the run.
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
/// function after `await` (spec/functions.md).
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

/// One slot per AsyncLocalStorage instance (by instance number). Values point into the scenario's
/// AST (which outlives the run), so copying them is free; nullptr: the store is not set.
using Slots = std::vector<const Value*>;

/// A context captured by a reaction, a job or a pending rejection (`als.frame.capture`): in the frame
/// model the AsyncContextFrame current at the capture, shared by everything that captured it (an
/// index into the frame model's table of frames; kNoFrame: none). Frames are replaced, not changed,
/// except by disable(), which deletes a key in place. Always kNoFrame in the hook model, whose
/// context follows the execution stack.
using Frame = std::uint32_t;
inline constexpr Frame kNoFrame = 0;

/// The machine's objects that several records share are kept in tables and named by index, so that
/// a copy of the machine is a copy of its tables (the search forks machines): an async function's
/// activation (`Machine::activations_`), the "already resolved" flag of a pair of resolving functions
/// (`Machine::flags_`), a combinator's shared count (`Machine::combinators_`).
using ActivationRef = std::size_t;
using FlagRef = std::size_t;
using CombinatorRef = std::size_t;

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
  FlagRef flag = 0;
  ActivationRef activation = 0;
  CombinatorRef combinator = 0;
};

/// Reaction::derived of a reaction V8 made without a result promise (`promise.fast-paths`).
inline constexpr std::size_t kNoPromise = static_cast<std::size_t>(-1);

struct Reaction {
  /// The promise then() returned (await: its throwaway promise, or kNoPromise).
  std::size_t derived = 0;
  Handler on_fulfilled, on_rejected;
  Frame frame = kNoFrame;  ///< The context current at then() (`als.frame.capture`).
  /// The thenable job's fast path: `derived` is the promise being resolved, settled directly by the
  /// job, with before/after only if a promise hook was installed since (`promise.adopt`).
  bool direct = false;
};

/// Promise.all/allSettled/race/any: what the element functions share.
struct Combinator {
  scenario::Op op;
  std::size_t result;
  std::size_t remaining;
};

/// A microtask (spec/event-loop.md `microtask.*`, spec/promises.md).
struct Job {
  enum class Kind { Reaction, QueueMicrotask, DisablePromiseHook, ResolveThenable } kind;
  Reaction reaction;             ///< Reaction jobs.
  RValue argument;               ///< Reaction jobs: the settled value or reason.
  bool rejected = false;         ///< Reaction jobs: which handler runs.
  AsyncId resource = 0;          ///< QueueMicrotask: its Microtask resource, 0 when none.
  const Block* block = nullptr;  ///< QueueMicrotask.
  Frame frame = kNoFrame;        ///< QueueMicrotask without a resource, ResolveThenable: captured context.
  std::size_t promise = 0;       ///< ResolveThenable: the promise being resolved.
  RValue thenable;               ///< ResolveThenable: what it adopts.
};

/// What a name bound by `let` refers to now: its kind and its index in the table of that kind (for
/// timers, immediates, resources and snapshots: the async id).
struct Bound {
  Kind kind;
  std::size_t index;
};

}  // namespace acx::model::detail
