// Async ids and the execution stack (spec/ids-and-stack.md).
#include "machine_impl.h"

namespace acx::model::detail {

void Machine::grow_tables_to(AsyncId id) {
  auto& resources = ids_.resources;
  resources.resize(std::max(static_cast<std::size_t>(id) + 1, resources.size() * 2));
  storage_->grow(resources.size());
}

std::string Machine::execution_resource_name() const {
  // `stack.execution-resource`: executionAsyncResource() is the resource on top of the stack (the
  // derived promise for a reaction); with an empty stack it is Node's topLevelResource, which no
  // binding holds. Like the harness, take the first binding in textual order that holds it now.
  if (ids_.stack.empty()) return "other";
  const AsyncId id = ids_.stack.back().resource;
  if (id == kModelRootId) return "top-level";
  if (id == kProcessResource) return "other";
  // `promise.hook`: with PromiseWrap the resource of a promise job is the wrapper, not the promise.
  if (profile_.promise_hook == PromiseHook::PromiseWrap &&
      ids_.resources[static_cast<std::size_t>(id)].type == "PROMISE")
    return "other";
  for (std::size_t slot = 0; slot < names_.size(); ++slot) {
    const auto& b = names_[slot];
    if (!b) continue;
    const bool holds = (b->kind == Kind::Timer || b->kind == Kind::Immediate || b->kind == Kind::Resource)
                           ? static_cast<AsyncId>(b->index) == id
                           : b->kind == Kind::Promise && promises_.all[b->index].id == id;
    if (holds) return std::string(scenario_.declarations.slot_names[slot]);
  }
  return "other";
}

}  // namespace acx::model::detail
