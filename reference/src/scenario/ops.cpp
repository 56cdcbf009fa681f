#include "acx/scenario/ops.h"

#include <array>
#include <stdexcept>

namespace acx::scenario {

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::None:
      return "nothing";
    case Kind::Hook:
      return "hook";
    case Kind::Als:
      return "AsyncLocalStorage";
    case Kind::Promise:
      return "promise";
    case Kind::Timer:
      return "timer";
    case Kind::Immediate:
      return "immediate";
    case Kind::Function:
      return "function";
    case Kind::AsyncFunction:
      return "async function";
    case Kind::Thenable:
      return "thenable";
    case Kind::Snapshot:
      return "snapshot";
    case Kind::BoundFunction:
      return "bound function";
    case Kind::Resource:
      return "AsyncResource";
    case Kind::Emitter:
      return "EventEmitter";
  }
  return "?";
}

namespace {

const std::vector<OpSpec>& table() {
  using A = Arg;
  static const std::vector<OpSpec> ops = {
      {Op::CreateHook,
       "createHook",
       Kind::None,
       {A::HookCallbacks},
       0,
       {"init", "before", "after", "destroy", "promiseResolve"},
       0,
       Kind::Hook},
      {Op::HookEnable, "enable", Kind::Hook, {}, 0, {}, 0, Kind::None},
      {Op::HookDisable, "disable", Kind::Hook, {}, 0, {}, 0, Kind::None},
      {Op::NewAls, "new AsyncLocalStorage", Kind::None, {A::Label, A::Literal}, 0, {}, 0, Kind::Als},
      {Op::AlsRun, "run", Kind::Als, {A::Literal}, 1, {""}, 1, Kind::None},
      {Op::Observe, "observe", Kind::None, {A::Label}, 1, {}, 0, Kind::None},
      {Op::NextTick, "nextTick", Kind::None, {}, 0, {""}, 1, Kind::None},
      {Op::QueueMicrotask, "queueMicrotask", Kind::None, {}, 0, {""}, 1, Kind::None},
      {Op::SetTimeout, "setTimeout", Kind::None, {A::Milliseconds}, 1, {""}, 1, Kind::Timer},
      {Op::SetImmediate, "setImmediate", Kind::None, {}, 0, {""}, 1, Kind::Immediate},
      {Op::ClearTimeout, "clearTimeout", Kind::None, {A::TimerName}, 1, {}, 0, Kind::None},
      {Op::ClearImmediate, "clearImmediate", Kind::None, {A::ImmediateName}, 1, {}, 0, Kind::None},
      {Op::NewPromise, "new Promise", Kind::None, {}, 0, {""}, 0, Kind::Promise},
      {Op::PromiseResolve, "Promise.resolve", Kind::None, {A::Settlement}, 0, {}, 0, Kind::Promise},
      {Op::Then, "then", Kind::Promise, {}, 0, {"", "rejected"}, 0, Kind::Promise},
      {Op::Resolve, "resolve", Kind::Promise, {A::Settlement}, 0, {}, 0, Kind::None},
      {Op::Reject, "reject", Kind::Promise, {A::Literal}, 0, {}, 0, Kind::None},
      {Op::PromiseReject, "Promise.reject", Kind::None, {A::Literal}, 0, {}, 0, Kind::Promise},
      {Op::Catch, "catch", Kind::Promise, {}, 0, {""}, 1, Kind::Promise},
      {Op::Finally, "finally", Kind::Promise, {}, 0, {""}, 1, Kind::Promise},
      {Op::Throw, "throw", Kind::None, {A::Literal}, 1, {}, 0, Kind::None},
      {Op::Try, "try", Kind::None, {}, 0, {"", "catch", "finally"}, 2, Kind::None},
      {Op::Function, "function", Kind::None, {}, 0, {""}, 1, Kind::Function},
      {Op::AsyncFunction, "async function", Kind::None, {}, 0, {""}, 1, Kind::AsyncFunction},
      {Op::Call, "()", Kind::Function, {}, 0, {}, 0, Kind::Promise},
      {Op::Return, "return", Kind::None, {A::Settlement}, 0, {}, 0, Kind::None},
      {Op::Await, "await", Kind::None, {A::Settlement}, 0, {}, 0, Kind::None},
      {Op::Thenable, "thenable", Kind::None, {}, 0, {""}, 1, Kind::Thenable},
      {Op::ProcessOn, "process.on", Kind::None, {A::ProcessEvent}, 1, {""}, 1, Kind::None},
      {Op::AlsExit, "exit", Kind::Als, {}, 0, {""}, 1, Kind::None},
      {Op::AlsEnterWith, "enterWith", Kind::Als, {A::Literal}, 1, {}, 0, Kind::None},
      {Op::AlsDisable, "disable", Kind::Als, {}, 0, {}, 0, Kind::None},
      {Op::Snapshot, "AsyncLocalStorage.snapshot", Kind::None, {}, 0, {}, 0, Kind::Snapshot},
      {Op::SnapshotRun, "run", Kind::Snapshot, {}, 0, {""}, 1, Kind::None},
      {Op::AlsBind, "AsyncLocalStorage.bind", Kind::None, {A::Callable}, 1, {}, 0, Kind::BoundFunction},
      {Op::NewResource,
       "new AsyncResource",
       Kind::None,
       {A::AnyLiteral, A::ResourceOptions},
       0,
       {},
       0,
       Kind::Resource},
      {Op::RunInScope, "runInAsyncScope", Kind::Resource, {}, 0, {""}, 1, Kind::None},
      {Op::EmitDestroy, "emitDestroy", Kind::Resource, {}, 0, {}, 0, Kind::None},
      {Op::ResourceBind, "bind", Kind::Resource, {A::Callable}, 1, {}, 0, Kind::BoundFunction},
      {Op::StaticBind, "AsyncResource.bind", Kind::None, {A::Callable}, 1, {}, 0, Kind::BoundFunction},
      {Op::ObserveResource, "observeResource", Kind::None, {A::Label, A::ResourceName}, 2, {}, 0, Kind::None},
      {Op::ObserveError, "observeError", Kind::None, {A::Label}, 1, {}, 0, Kind::None},
      {Op::ObserveExecution, "observeExecution", Kind::None, {A::Label}, 1, {}, 0, Kind::None},
      {Op::NewEmitter, "new EventEmitter", Kind::None, {}, 0, {}, 0, Kind::Emitter},
      {Op::On, "on", Kind::Emitter, {A::Label, A::Callable}, 1, {""}, 0, Kind::None},
      {Op::Emit, "emit", Kind::Emitter, {A::Label}, 1, {}, 0, Kind::None},
      {Op::SetInterval, "setInterval", Kind::None, {A::Milliseconds}, 1, {""}, 1, Kind::Timer},
      {Op::ClearInterval, "clearInterval", Kind::None, {A::TimerName}, 1, {}, 0, Kind::None},
      {Op::PromiseAll, "Promise.all", Kind::None, {A::PromiseName}, 0, {}, 0, Kind::Promise},
      {Op::PromiseAllSettled, "Promise.allSettled", Kind::None, {A::PromiseName}, 0, {}, 0, Kind::Promise},
      {Op::PromiseRace, "Promise.race", Kind::None, {A::PromiseName}, 0, {}, 0, Kind::Promise},
      {Op::PromiseAny, "Promise.any", Kind::None, {A::PromiseName}, 0, {}, 0, Kind::Promise},
  };
  return ops;
}

}  // namespace

std::span<const OpSpec> all_ops() {
  return table();
}

const OpSpec& spec_of(Op op) {
  const auto& ops = table();
  const auto index = static_cast<std::size_t>(op);
  if (index >= ops.size() || ops[index].op != op) throw std::logic_error("ops table out of Op order");
  return ops[index];
}

std::span<const std::string_view> hook_callback_names() {
  static constexpr std::array<std::string_view, 5> names = {"init", "before", "after", "destroy",
                                                            "promiseResolve"};
  return names;
}

}  // namespace acx::scenario
