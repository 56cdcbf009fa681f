// The table of operations of the scenario language: spelling, receiver, arguments, blocks, result.
#pragma once

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
  ProcessEvent,     ///< "unhandledRejection" or "uncaughtException"
  Callable,         ///< the name of a function or bound function
  ResourceName,     ///< the name of an AsyncResource
  ResourceOptions,  ///< a trigger id (legacy number form) or {triggerAsyncId: N, requireManualDestroy: B}
  AnyLiteral,       ///< any literal, even a non-string where a string is expected (to provoke errors)
  PromiseName,      ///< the name of a promise (variadic)
  TimerName,        ///< the name of a timer (setTimeout's result)
  ImmediateName,    ///< the name of an immediate (setImmediate's result)
};

struct OpSpec {
  Op op;
  std::string_view spelling;  ///< "createHook", "new Promise", "Promise.resolve", or a method name.
  Kind receiver;              ///< Kind::None for free functions and constructors.
  std::vector<Arg> args;
  std::size_t required_args;             ///< Leading args that must be present.
  std::vector<std::string_view> blocks;  ///< Block labels; the first is written without a label.
  std::size_t required_blocks;
  Kind result;  ///< Kind::None when the statement cannot be bound.
};

/// Every operation, in Op order.
std::span<const OpSpec> all_ops();
const OpSpec& spec_of(Op op);

/// The valid names of hook callbacks, in the order createHook documents them.
std::span<const std::string_view> hook_callback_names();

}  // namespace acx::scenario
