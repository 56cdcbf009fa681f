#include "acx/scenario/capabilities.h"

#include <functional>

#include "acx/scenario/ops.h"

namespace acx::scenario {

std::string_view capability_of(const Statement& st) {
  const OpSpec& spec = spec_of(st.op);
  for (std::size_t i = 0; i < st.args.size() && i < spec.args.size(); ++i)
    if (spec.args[i] == Arg::ProcessEvent)
      for (const auto& event : process_events())
        if (st.args[i].text == event.name) return event.capability;
  return st.args.size() > spec.options.from_arg ? spec.options.capability : spec.capability;
}

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
      const OpSpec& spec = spec_of(st.op);
      hooks |= spec.result == Kind::Hook;
      // Promises, and async functions and their awaits, which make promises.
      promises |=
          spec.result == Kind::Promise || spec.body == Body::Async || spec.where == Where::AsyncFunction;
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
