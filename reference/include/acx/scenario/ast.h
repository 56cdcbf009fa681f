// The scenario language's abstract syntax (spec/scenario-language.md).
//
// A scenario is a header plus a block of statements. Every statement has the same shape:
//   [let NAME =] [RECEIVER.]OPERATION[(ARGS)] [BLOCK [LABEL BLOCK]...]
// and the table in ops.h says, for each operation, which receiver, arguments and blocks it takes.
// Keeping one shape makes the parser, the printer, the generators and the emitters table-driven:
// adding a construct is one row in ops.h plus its semantics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acx::scenario {

/// Where a token starts in its file (1-based). Not part of a program's meaning: two programs that
/// differ only in layout compare equal.
struct Location {
  int line = 0;
  int column = 0;
  friend bool operator==(const Location&, const Location&) { return true; }
};

/// The dense index of a bound name (names are unique in a scenario), filled in by check() so that
/// the model finds bindings without hashing strings. Like Location, not part of a program's meaning.
struct Slot {
  int index = -1;
  friend bool operator==(const Slot&, const Slot&) { return true; }
};

/// A literal or a reference to a bound name (for `p.resolve(q)`) or a bare word (hook callback names).
struct Value {
  enum class Kind { Undefined, Null, Boolean, Number, String, Name, Object };
  Kind kind = Kind::Undefined;
  bool boolean = false;
  std::int64_t number = 0;
  std::string text;   ///< String contents, or the referenced name.
  mutable Slot slot;  ///< Name values: the referenced name's slot.
  /// The literal's text, computed once by whoever needs it (the model, for store values). Like
  /// Location, not part of the meaning.
  struct Text {
    std::string text;
    friend bool operator==(const Text&, const Text&) { return true; }
  };
  mutable Text literal_text;
  /// Object literals (only as AsyncResource options): keys and their values, in written order.
  std::vector<std::string> keys;
  std::vector<Value> fields;

  static Value undefined() { return {}; }
  static Value null() { return {Kind::Null}; }
  static Value of(bool b) { return {Kind::Boolean, b}; }
  static Value of(std::int64_t n) { return {Kind::Number, false, n}; }
  static Value string(std::string s) { return {Kind::String, false, 0, std::move(s)}; }
  static Value name(std::string s) { return {Kind::Name, false, 0, std::move(s)}; }

  friend bool operator==(const Value&, const Value&) = default;
};

/// The JavaScript literal for a value (`undefined`, `42`, `"text"`, or the name itself). The same
/// text is used for store values in traces (spec/trace-format.md, `stores`).
std::string to_literal(const Value& value);

enum class Op {
  CreateHook,       ///< let h = createHook(init, before, after, destroy, promiseResolve)
  HookEnable,       ///< h.enable
  HookDisable,      ///< h.disable
  NewAls,           ///< let a = new AsyncLocalStorage
  AlsRun,           ///< a.run(value) { ... }
  Observe,          ///< observe("label")
  NextTick,         ///< nextTick { ... }
  QueueMicrotask,   ///< queueMicrotask { ... }
  SetTimeout,       ///< [let t =] setTimeout(ms) { ... }
  SetImmediate,     ///< [let i =] setImmediate { ... }
  ClearTimeout,     ///< clearTimeout(t)
  ClearImmediate,   ///< clearImmediate(i)
  NewPromise,       ///< let p = new Promise [{ executor }]
  PromiseResolve,   ///< let p = Promise.resolve(value)
  Then,             ///< [let q =] p.then [{ onFulfilled }]
  Resolve,          ///< p.resolve(value): calls the resolve function kept by `new Promise`
  Reject,           ///< p.reject(value): calls the kept reject function
  PromiseReject,    ///< let p = Promise.reject(value)
  Catch,            ///< [let q =] p.catch { onRejected }
  Finally,          ///< [let q =] p.finally { onFinally }
  Throw,            ///< throw(value)
  Try,              ///< try { ... } catch { ... } finally { ... }
  Function,         ///< let f = function { ... }
  AsyncFunction,    ///< let f = async function { ... }
  Call,             ///< [let r =] f(): calls a function; an async one returns its promise
  Return,           ///< return(value): ends the enclosing function or callback with a value
  Await,            ///< await(value): only in async function bodies
  Thenable,         ///< let t = thenable { ... }: an object whose then(resolve, reject) runs the block
  ProcessOn,        ///< process.on("unhandledRejection" | "uncaughtException") { handler }
  AlsExit,          ///< a.exit { ... }
  AlsEnterWith,     ///< a.enterWith(value)
  AlsDisable,       ///< a.disable
  Snapshot,         ///< let s = AsyncLocalStorage.snapshot()
  SnapshotRun,      ///< s.run { ... }: runs the block in the snapshot's context
  AlsBind,          ///< let b = AsyncLocalStorage.bind(f)
  NewResource,      ///< let r = new AsyncResource("Type"[, trigger | {triggerAsyncId, requireManualDestroy}])
  RunInScope,       ///< r.runInAsyncScope { ... }
  EmitDestroy,      ///< r.emitDestroy
  ResourceBind,     ///< let b = r.bind(f)
  StaticBind,       ///< let b = AsyncResource.bind(f)
  ObserveResource,  ///< observeResource("label", r): records r.asyncId() and r.triggerAsyncId()
  ObserveError,     ///< observeError("label"): in a catch block, records the caught error's code or value
  ObserveExecution,   ///< observeExecution("label"): also names the object executionAsyncResource() returns
  NewEmitter,         ///< let e = new EventEmitter
  On,                 ///< e.on("event") { listener } or e.on("event", f)
  Emit,               ///< e.emit("event")
  SetInterval,        ///< let t = setInterval(ms) { ... }
  ClearInterval,      ///< clearInterval(t)
  PromiseAll,         ///< let r = Promise.all(p, q, ...)
  PromiseAllSettled,  ///< let r = Promise.allSettled(p, q, ...)
  PromiseRace,        ///< let r = Promise.race(p, q, ...)
  PromiseAny,         ///< let r = Promise.any(p, q, ...)
};

struct Statement;
using Block = std::vector<Statement>;

struct Statement {
  Location location;
  Op op{};
  std::string binding;   ///< `let NAME =`; empty when the result is not bound.
  std::string receiver;  ///< Receiver name for method operations; empty otherwise.
  mutable Slot binding_slot, receiver_slot;
  std::vector<Value> args;
  std::vector<Block> blocks;  ///< Callback bodies, in the order they are written.
  /// The label of each block ("" for the first, then e.g. "rejected", "catch", "finally"): an
  /// operation may leave out optional blocks, so a block is found by its label.
  std::vector<std::string> labels;

  /// The block with this label, or nullptr.
  const Block* block(std::string_view label) const {
    for (std::size_t i = 0; i < blocks.size() && i < labels.size(); ++i)
      if (labels[i] == label) return &blocks[i];
    return nullptr;
  }

  friend bool operator==(const Statement&, const Statement&) = default;
};

/// Metadata lines (`@id`, `@title`, ...) at the top of a scenario file.
struct Header {
  std::string id;
  std::string title;
  std::vector<std::string> rules;      ///< Spec rule ids the case exercises.
  std::vector<std::string> requires_;  ///< Capabilities a backend needs to run the case.
  std::vector<std::string> notes;      ///< Free text: sources, substitutions (e.g. http replaced by timers).

  friend bool operator==(const Header&, const Header&) = default;
};

struct Scenario {
  Header header;
  Block body;
  mutable Slot slot_count;  ///< Number of bound names (index -1: slots not assigned yet).
  /// createHook and new AsyncLocalStorage statements in textual order, found with the slots (so
  /// that each model run need not walk the whole AST). Not part of the program's meaning.
  struct Declarations {
    std::vector<const Statement*> statements;
    std::vector<std::string_view> slot_names;  ///< Bound names, by slot (textual order).
    bool valid = false;  ///< Pointers into this very Scenario; a copy must find them again.
    Declarations() = default;
    Declarations(const Declarations&) {}
    Declarations& operator=(const Declarations&) {
      statements.clear();
      slot_names.clear();
      valid = false;
      return *this;
    }
    friend bool operator==(const Declarations&, const Declarations&) { return true; }
  };
  mutable Declarations declarations;
  friend bool operator==(const Scenario&, const Scenario&) = default;
};

}  // namespace acx::scenario
