// The table of statement kinds of the scenario language: one OpSpec per row of ops.def (spelling,
// receiver, arguments, blocks, result, where it may appear, how its blocks run, the capability it
// needs and its JavaScript).
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "acx/scenario/ast.h"

namespace acx::scenario {

/// What a name bound by `let` refers to; receivers and name arguments are checked against it.
enum class Kind {
  None,
  Hook,
  Als,
  Promise,
  Timer,
  Immediate,
  Function,
  AsyncFunction,
  Thenable,
  Snapshot,
  BoundFunction,
  Resource,
  Emitter
};

std::string_view kind_name(Kind kind);

/// What an argument position accepts.
enum class Arg {
  Literal,          ///< undefined, null, true, false, an integer or a string
  Label,            ///< a string
  Milliseconds,     ///< a non-negative integer
  HookCallbacks,    ///< zero or more of init, before, after, destroy, promiseResolve (variadic, distinct)
  Settlement,       ///< a literal, or the name of a promise or thenable (resolution by adoption)
  ProcessEvent,     ///< one of process_events(): "unhandledRejection" or "uncaughtException"
  Callable,         ///< the name of a function or bound function
  ResourceName,     ///< the name of an AsyncResource
  ResourceOptions,  ///< a trigger id (legacy number form) or {triggerAsyncId: N, requireManualDestroy: B}
  AnyLiteral,       ///< any literal, even a non-string where a string is expected (to provoke errors)
  PromiseName,      ///< the name of a promise (variadic)
  TimerName,        ///< the name of a timer (setTimeout's result)
  ImmediateName,    ///< the name of an immediate (setImmediate's result)
};

/// Where a statement may appear (besides everywhere).
enum class Where {
  Anywhere,
  Function,       ///< inside a function or callback: not at the top level (nor its try blocks)
  AsyncFunction,  ///< in the body of an async function (and its try blocks)
  Catch,          ///< in a catch block (or a try nested in one)
};

/// How a statement's blocks run, which decides what may appear in them.
enum class Body {
  Callback,  ///< function bodies (run later, or at once inside the statement): `return`, not `await`
  Inline,    ///< try/catch/finally: part of the enclosing block (its context, catch and thenable)
  Async,     ///< an async function's body: `await` too
  Hook,      ///< hook callback bodies: only statements marked `in_hook_body`
  Executor,  ///< new Promise's executor: the bound name is in scope, to be resolved or rejected
             ///< only; the promise keeps its resolve and reject functions
  Thenable,  ///< a thenable's then(): the bound name can be resolved or rejected directly in it
};

/// The statements whose JavaScript has more structure than a template: the Node emitter has one
/// function for each.
enum class JsForm {
  Template,       ///< OpSpec::js
  Hook,           ///< acx.hook(name, callbacks[, bodies])
  Storage,        ///< new AsyncLocalStorage([{ name, defaultValue }])
  Executor,       ///< new Promise with kept resolve and reject functions
  Then,           ///< then with a pass-through handler when the first block is left out
  Try,            ///< try/catch (e)/finally
  AsyncFunction,  ///< an async function that enters and leaves scenario code around its body
  Await,          ///< leaves scenario code while it waits
  Thenable,       ///< { then: (resolve_t, reject_t) => ... }
  Call,           ///< kept only when it binds the promise of an async function
};

/// With an argument at index `from_arg` or later, a statement needs `capability` instead of its own.
struct OptionsCapability {
  std::size_t from_arg = std::numeric_limits<std::size_t>::max();
  std::string_view capability;
};

struct OpSpec {
  Op op;
  std::string_view name;       ///< The enum name ("CreateHook").
  std::string_view spelling;   ///< "createHook", "new Promise", "Promise.resolve", or a method name.
  std::string_view alias;      ///< Another spelling the parser accepts ("process.nextTick").
  Kind receiver = Kind::None;  ///< Kind::None for free functions and constructors.
  std::vector<Arg> args;
  std::size_t required_args = 0;         ///< Leading args that must be present.
  std::vector<std::string_view> blocks;  ///< Block labels; the first is written without a label.
  std::size_t required_blocks = 0;
  Kind result = Kind::None;  ///< Kind::None when the statement cannot be bound.
  bool must_bind = false;    ///< `let NAME =` is required (the name labels it, or its blocks use it).
  bool settles = false;      ///< Calls its receiver's resolve or reject function.
  Where where = Where::Anywhere;
  bool in_hook_body = false;  ///< Allowed in a createHook callback body.
  Body body = Body::Callback;
  std::string_view capability;  ///< What it needs from a runtime (spec/capabilities.md); "" for none.
  OptionsCapability options;
  std::string_view js;  ///< The JavaScript template (ops.def) when js_form is Template.
  JsForm js_form = JsForm::Template;
};

/// Every operation, in Op order.
std::span<const OpSpec> all_ops();
const OpSpec& spec_of(Op op);

/// The valid names of hook callbacks, in the order createHook documents them.
std::span<const std::string_view> hook_callback_names();

/// The events of `process.on` (Arg::ProcessEvent), each with the capability it needs.
struct ProcessEvent {
  std::string_view name;
  std::string_view capability;
};
std::span<const ProcessEvent> process_events();

}  // namespace acx::scenario
