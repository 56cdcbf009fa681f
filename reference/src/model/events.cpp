// EventEmitter (spec/events.md): listeners run synchronously, in the context of emit()'s caller.
#include "machine_impl.h"

namespace acx::model::detail {

void Machine::new_emitter(const Statement& st) {
  bind(st, Bound{Kind::Emitter, emitters_.size()});
  emitters_.emplace_back();
}

void Machine::add_listener(const Statement& st) {
  Listener l{st.blocks.empty() ? nullptr : &st.blocks[0], std::nullopt};
  if (st.args.size() > 1) l.function = bound(st.args[1].slot).index;
  emitters_[bound(st.receiver_slot).index][st.args[0].text].push_back(l);
}

void Machine::emit_event(std::size_t emitter, const std::string& name) {
  // `emitter.listeners`: emit() calls the listeners synchronously, in registration order, in the
  // emitter's caller's context; a bound function runs in its own resource.
  const auto& table = emitters_[emitter];
  const auto found = table.find(name);
  const auto listeners = found == table.end() ? std::vector<Listener>{} : found->second;
  // An 'error' event nobody listens to is thrown (ERR_UNHANDLED_ERROR for a non-Error argument).
  if (listeners.empty() && name == "error") throw JsThrow{RValue::failure("ERR_UNHANDLED_ERROR")};
  for (const Listener& l : listeners) {
    if (l.block) {
      const Completion c = call_callback(*l.block);
      if (c.kind == Completion::Kind::Throw) throw JsThrow{c.value};
    } else {
      call_function(functions_.at(*l.function));
    }
  }
}

}  // namespace acx::model::detail
