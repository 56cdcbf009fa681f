// The harness as the model applies it (spec/harness.md `trace.scope`) and the observation statements
// (spec/trace-format.md: observe, observeError, observeExecution, observeResource).
#include "machine_impl.h"

namespace acx::model {

bool FilteredTrace::event(const trace::Event& event, bool decided) {
  if (held_.empty() && decided) return sink_->accept(event);
  held_.push_back(Held{event, decided});
  return flush();
}

bool FilteredTrace::joined(trace::AsyncId id) {
  if (held_.empty()) return true;
  for (auto& h : held_)
    if (!h.decided && h.event.id == id) h.decided = true;
  return flush();
}

bool FilteredTrace::flush() {
  while (!held_.empty() && held_.front().decided) {
    const trace::Event e = std::move(held_.front().event);
    held_.pop_front();
    if (!sink_->accept(e)) return false;
  }
  return true;
}

bool FilteredTrace::end() {
  // What is still held and undecided never joined: it is not part of the trace.
  while (!held_.empty()) {
    const Held h = std::move(held_.front());
    held_.pop_front();
    if (h.decided && !sink_->accept(h.event)) return false;
  }
  return true;
}

}  // namespace acx::model

namespace acx::model::detail {

void TraceScope::emit(const trace::Event& event) {
  // `trace.scope`: observe and resource events are always kept, and bring no id into scope (the
  // harness's observeResource reads the ids without adding them).
  const bool always = event.kind == EventKind::Observe || event.kind == EventKind::Resource;
  bool decided = always || scoped(event.id);
  if (!decided && depth_ > 0) {
    scope_id(event.id);
    decided = true;
  }
  if (!consumer_->event(event, decided)) throw StopRun{RunStatus::Stopped};
}

void TraceScope::scope_id(AsyncId id) {
  if (id < 0 || scoped(id)) return;
  if (static_cast<std::size_t>(id) >= scoped_.size()) scoped_.resize(static_cast<std::size_t>(id) + 64, 0);
  scoped_[static_cast<std::size_t>(id)] = 1;
  if (!consumer_->joined(id)) throw StopRun{RunStatus::Stopped};
}

void TraceScope::finish(int exit_code) {
  // Ids that never met scenario code are not part of the scenario: their events are dropped.
  if (!consumer_->end()) throw StopRun{RunStatus::Stopped};
  // `uncaught.exit`: the harness's 'exit' listener reports the exit code last.
  trace::Event exit;
  exit.kind = EventKind::Exit;
  exit.code = exit_code;
  if (!consumer_->event(exit, true)) throw StopRun{RunStatus::Stopped};
}

void Machine::observe(const Statement& st, std::optional<std::string> resource,
                      std::optional<std::string> error) {
  // One event object is reused: its strings and its stores keep their buffers.
  trace::Event& e = observe_scratch_;
  e.kind = EventKind::Observe;
  e.label = st.args[0].text;
  e.eid = eid();
  e.tid = tid();
  e.resource = std::move(resource);
  e.error = std::move(error);
  // One store per declaration, read from the instance its name holds now (spec/trace-format.md).
  if (e.stores.size() != als_declarations_.size()) {
    e.stores.resize(als_declarations_.size());
    for (std::size_t i = 0; i < als_declarations_.size(); ++i)
      e.stores[i].first = als_declarations_[i]->binding;
  }
  for (std::size_t i = 0; i < als_declarations_.size(); ++i) {
    const auto slot = static_cast<std::size_t>(als_declarations_[i]->binding_slot.index);
    const std::optional<Bound>& b = names_[slot];
    e.stores[i].second = literal_of(b ? store_of(b->index) : kUndefined);
  }
  emit(e);
}

void Machine::observe_error(const Statement& st) {
  // The innermost catch block being run holds the caught value.
  std::optional<std::string> error;
  for (auto act = running_.rbegin(); act != running_.rend() && !error; ++act)
    for (auto c = (*act)->cursors.rbegin(); c != (*act)->cursors.rend(); ++c)
      if (c->kind == Activation::Cursor::Kind::Catch) {
        const RValue& v = c->pending.value;
        error = v.error ? std::string(v.error) : to_literal(v.value());
        break;
      }
  observe(st, std::nullopt, std::move(error));
}

void Machine::observe_resource(const Statement& st) {
  const auto id = static_cast<AsyncId>(bound(st.args[1].slot).index);
  trace::Event e;
  e.kind = EventKind::Resource;
  e.label = st.args[0].text;
  e.id = id;
  e.trigger = resource(id).trigger;
  emit(std::move(e));
}

}  // namespace acx::model::detail
