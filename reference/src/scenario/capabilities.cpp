#include "acx/scenario/capabilities.h"

#include <functional>

#include "acx/scenario/ops.h"

namespace acx::scenario {

namespace {

/// The capability one statement needs, or an empty view for plain JavaScript.
std::string_view capability_of(const Statement& st) {
  switch (st.op) {
    case Op::CreateHook:
    case Op::HookEnable:
    case Op::HookDisable:
      return "async-hooks.create-hook";
    case Op::NewAls:
      return st.args.empty() ? "async-local-storage" : "async-local-storage.options";
    case Op::AlsRun:
      return "async-local-storage";
    case Op::AlsExit:
      return "async-local-storage.exit";
    case Op::AlsEnterWith:
      return "async-local-storage.enter-with";
    case Op::AlsDisable:
      return "async-local-storage.disable";
    case Op::Snapshot:
    case Op::SnapshotRun:
      return "async-local-storage.snapshot";
    case Op::AlsBind:
      return "async-local-storage.bind";
    case Op::NewResource:
      return st.args.size() > 1 ? "async-resource.options" : "async-resource";
    case Op::RunInScope:
      return "async-resource";
    case Op::EmitDestroy:
      return "async-resource.emit-destroy";
    case Op::ResourceBind:
    case Op::StaticBind:
      return "async-resource.bind";
    case Op::ObserveResource:
      return "async-resource.ids";
    case Op::ObserveExecution:
      return "async-hooks.execution-async-resource";
    case Op::Observe:
    case Op::ObserveError:
      return "async-hooks.execution-async-id";
    case Op::NextTick:
      return "process.next-tick";
    case Op::QueueMicrotask:
      return "queue-microtask";
    case Op::SetImmediate:
    case Op::ClearImmediate:
      return "timers.immediate";
    case Op::SetInterval:
    case Op::ClearInterval:
      return "timers.interval";
    case Op::NewEmitter:
    case Op::On:
    case Op::Emit:
      return "events.event-emitter";
    case Op::ProcessOn:
      return st.args[0].text == "uncaughtException" ? "process.uncaught-exception"
                                                    : "process.unhandled-rejection";
    case Op::PromiseAllSettled:
      return "promise.all-settled";
    case Op::PromiseAny:
      return "promise.any";
    default:
      return {};
  }
}

}  // namespace

const std::vector<std::string_view>& known_capabilities() {
  static const std::vector<std::string_view> names = {
      "async-hooks.create-hook",
      "async-hooks.promise",
      "async-hooks.execution-async-id",
      "async-hooks.execution-async-resource",
      "async-local-storage",
      "async-local-storage.options",
      "async-local-storage.exit",
      "async-local-storage.enter-with",
      "async-local-storage.disable",
      "async-local-storage.snapshot",
      "async-local-storage.bind",
      "async-resource",
      "async-resource.options",
      "async-resource.emit-destroy",
      "async-resource.bind",
      "async-resource.ids",
      "process.next-tick",
      "process.uncaught-exception",
      "process.unhandled-rejection",
      "queue-microtask",
      "timers.immediate",
      "timers.interval",
      "events.event-emitter",
      "promise.all-settled",
      "promise.any",
  };
  return names;
}

std::set<std::string> required_capabilities(const Scenario& s) {
  // `capabilities.derived`: the capability of every statement, plus the @requires header.
  std::set<std::string> out(s.header.requires_.begin(), s.header.requires_.end());
  bool hooks = false, promises = false;
  std::function<void(const Block&)> visit = [&](const Block& b) {
    for (const auto& st : b) {
      if (auto c = capability_of(st); !c.empty()) out.emplace(c);
      hooks |= st.op == Op::CreateHook;
      promises |= spec_of(st.op).result == Kind::Promise || st.op == Op::Await || st.op == Op::AsyncFunction;
      for (const auto& inner : st.blocks) visit(inner);
    }
  };
  visit(s.body);
  // A hook sees PROMISE resources only where the runtime has promise hooks.
  if (hooks && promises) out.emplace("async-hooks.promise");
  return out;
}

namespace {

bool any_statement(const Block& b, const std::function<bool(const Statement&)>& wanted) {
  for (const auto& st : b) {
    if (wanted(st)) return true;
    for (const auto& inner : st.blocks)
      if (any_statement(inner, wanted)) return true;
  }
  return false;
}

}  // namespace

bool needs_ids_beyond_events(const Scenario& s) {
  return any_statement(s.body, [](const Statement& st) {
    return (st.op == Op::CreateHook && !st.blocks.empty()) || st.op == Op::ObserveResource ||
           st.op == Op::ObserveExecution;
  });
}

bool has_observations(const Scenario& s) {
  return any_statement(s.body,
                       [](const Statement& st) { return st.op == Op::Observe || st.op == Op::ObserveError; });
}

}  // namespace acx::scenario
