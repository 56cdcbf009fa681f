// Trace events (spec/trace-format.md): what a hook or an `observe` statement records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace acx::trace {

using AsyncId = std::int64_t;

/// Stands for a trigger id that is not a number (Node reports NaN for a promise that got its id as a
/// parent before it was tracked; spec/promises.md `promise.lazy-id`). Backends write -1.
inline constexpr AsyncId kNaNId = -1;

enum class EventKind { Init, Before, After, Destroy, PromiseResolve, Observe, Exit, Resource };

/// The JSON name of a kind ("init", "before", "after", "destroy", "promiseResolve", "observe", "exit").
std::string_view kind_name(EventKind kind);
std::optional<EventKind> kind_from_name(std::string_view name);

struct Event {
  EventKind kind{};
  std::string hook;     ///< Name of the hook that recorded it (hook events only).
  AsyncId id = 0;       ///< The resource's async id (hook events only).
  std::string type;     ///< Resource type (init only).
  AsyncId trigger = 0;  ///< triggerAsyncId (init only).
  AsyncId eid = 0;      ///< executionAsyncId() when recorded (init and observe).
  AsyncId tid = 0;      ///< triggerAsyncId() when recorded (observe only).
  std::string label;    ///< observe only.
  /// observe only: each AsyncLocalStorage's getStore(), as a JavaScript literal, in declaration order.
  std::vector<std::pair<std::string, std::string>> stores;
  std::int64_t code = 0;  ///< exit only: the process's exit code.
  /// observe only (observeError): the caught error's code (ERR_...), its name, or the thrown literal.
  std::optional<std::string> error;
  /// observe only (observeExecution): which object executionAsyncResource() returned: the name of
  /// the scenario's binding holding it, "top-level" (the main script's resource) or "other".
  std::optional<std::string> resource;
  // resource events (observeResource) use label, id (asyncId()) and trigger (triggerAsyncId()).

  friend bool operator==(const Event&, const Event&) = default;
};

/// First line of a trace: which runtime produced it and which id is the root execution context.
struct Meta {
  std::string backend;
  std::string runtime;
  AsyncId root = 1;
  /// The id that stands for "no trigger" (0) at the top level: 0 for a program run as the main
  /// script, the trigger of the driver's callback for a program run by a batch driver
  /// (spec/harness.md `trace.batch`).
  AsyncId root_trigger = 0;
};

struct Trace {
  Meta meta;
  std::vector<Event> events;
};

}  // namespace acx::trace
