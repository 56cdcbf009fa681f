// Private: async ids, the resources they name and the execution stack (spec/ids-and-stack.md).
#pragma once

#include <algorithm>
#include <string_view>
#include <vector>

#include "cow_vector.h"
#include "state.h"

namespace acx::model::detail {

/// What the model knows of a resource: its type and its trigger (`ids.trigger`).
struct Resource {
  std::string_view type;  ///< A literal, or the AsyncResource's type in the scenario's AST.
  AsyncId trigger = 0;
};

/// An ExecFrame::resource that stands for the process object: the receiver of the MakeCallback in
/// which Node runs a timers or check phase, whose stores the drains between that phase's callbacks
/// read in the hook model (`loop.phase-context`).
inline constexpr AsyncId kProcessResource = -2;

/// An entry of the execution stack (`stack.push`): what executionAsyncId()/triggerAsyncId() return.
struct ExecFrame {
  AsyncId eid = 0;
  AsyncId tid = 0;
  AsyncId resource = 0;  ///< Whose stores getStore() reads in the hook model (0: `topLevelResource`).
  /// Set in the ids but not pushed on Node's async id stack: the after-loop of `uncaught.handled`
  /// does not see it (Node 10's context of the drain after the main script).
  bool hidden = false;
};

/// The ids of a run and the execution stack (`ids.*`, `stack.*`).
struct IdsAndStack {
  AsyncId counter = kModelRootId;
  std::vector<ExecFrame> stack;
  CowVector<Resource> resources;  ///< By id (ids are dense); 0 is `topLevelResource`.

  /// `ids.zero`: with no resource on the stack, executionAsyncId() and triggerAsyncId() are 0.
  AsyncId eid() const { return stack.empty() ? 0 : stack.back().eid; }
  AsyncId tid() const { return stack.empty() ? 0 : stack.back().tid; }
  /// The resource whose stores getStore() reads (`als.hook.resource`): `topLevelResource` (0) when
  /// the stack is empty.
  AsyncId current_resource() const { return stack.empty() ? 0 : stack.back().resource; }
};

/// `stack.push` for the length of a C++ scope: pushes a frame, and pops it at the end if it is still
/// on top. An uncaught exception may have cleared the whole stack meanwhile (`uncaught.handled`),
/// and an emitAfter may already have popped it; then there is nothing to pop.
class ExecScope {
 public:
  ExecScope(std::vector<ExecFrame>& stack, ExecFrame frame) : stack_(&stack), depth_(stack.size()) {
    stack.push_back(frame);
  }
  ExecScope(const ExecScope&) = delete;
  ExecScope& operator=(const ExecScope&) = delete;
  ~ExecScope() { pop(); }
  /// Pops now (emitAfter), if the frame is still on top.
  void pop() {
    if (stack_ && stack_->size() == depth_ + 1) stack_->pop_back();
    stack_ = nullptr;
  }

 private:
  std::vector<ExecFrame>* stack_ = nullptr;
  std::size_t depth_ = 0;
};

}  // namespace acx::model::detail
