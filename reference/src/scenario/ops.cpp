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
  static const std::vector<OpSpec> ops = {
#define ACX_OP(op_name, ...) OpSpec{.op = Op::op_name, .name = #op_name, __VA_ARGS__},
#include "acx/scenario/ops.def"
#undef ACX_OP
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
  if (index >= ops.size()) throw std::logic_error("an Op without a row in ops.def");
  return ops[index];
}

std::span<const std::string_view> hook_callback_names() {
  static constexpr std::array<std::string_view, 5> names = {"init", "before", "after", "destroy",
                                                            "promiseResolve"};
  return names;
}

std::span<const ProcessEvent> process_events() {
  static constexpr std::array<ProcessEvent, 2> events = {
      ProcessEvent{"unhandledRejection", "process.unhandled-rejection"},
      ProcessEvent{"uncaughtException", "process.uncaught-exception"}};
  return events;
}

}  // namespace acx::scenario
