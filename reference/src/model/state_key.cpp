// The key of a machine's state (acx/model/state_key.h), for merging equal states in the search: every
// part of the state that can change what the run does next goes in, in a fixed order. What cannot
// (the scenario and profile, scratch buffers, the count of callbacks run so far) stays out. A part
// left out by mistake would merge states that differ: tests/model/search_test.cpp compares the words
// of states whose keys are equal.
#include <algorithm>

#include "machine_impl.h"

namespace acx::model::detail {

namespace {

void add(StateHasher& h, const RValue& v) {
  h.add(static_cast<std::uint64_t>(v.ref));
  h.add(v.literal);
  h.add(v.index);
  h.add(v.error);
}

void add(StateHasher& h, const Completion& c) {
  h.add(static_cast<std::uint64_t>(c.kind));
  add(h, c.value);
}

void add(StateHasher& h, const Handler& handler) {
  h.add(static_cast<std::uint64_t>(handler.kind));
  h.add(handler.block);
  add(h, handler.value);
  h.add(handler.target);
  h.add(handler.flag);
  h.add(handler.activation);
  h.add(handler.combinator);
}

void add(StateHasher& h, const Reaction& r) {
  h.add(r.derived);
  add(h, r.on_fulfilled);
  add(h, r.on_rejected);
  h.add(r.frame);
  h.add(r.direct);
}

void add(StateHasher& h, const Job& job) {
  h.add(static_cast<std::uint64_t>(job.kind));
  add(h, job.reaction);
  add(h, job.argument);
  h.add(job.rejected);
  h.add_signed(job.resource);
  h.add(job.block);
  h.add(job.frame);
  h.add(job.promise);
  add(h, job.thenable);
}

}  // namespace
}  // namespace acx::model::detail

namespace acx::model {

void hash_event(StateHasher& h, const trace::Event& e) {
  h.add(static_cast<std::uint64_t>(e.kind));
  h.add(e.hook);
  h.add_signed(e.id);
  h.add(e.type);
  h.add_signed(e.trigger);
  h.add_signed(e.eid);
  h.add_signed(e.tid);
  h.add(e.label);
  h.add(e.stores.size());
  for (const auto& [name, value] : e.stores) {
    h.add(name);
    h.add(value);
  }
  h.add_signed(e.code);
  h.add(e.error.has_value());
  if (e.error) h.add(*e.error);
  h.add(e.resource.has_value());
  if (e.resource) h.add(*e.resource);
}

}  // namespace acx::model

namespace acx::model::detail {
namespace {

void add(StateHasher& h, const trace::Event& e) {
  hash_event(h, e);
}

template <typename Set>
void add_set(StateHasher& h, const Set& set) {
  std::vector<std::uint64_t> sorted;
  for (const auto& v : set) sorted.push_back(static_cast<std::uint64_t>(v));
  std::sort(sorted.begin(), sorted.end());
  h.add(sorted.size());
  for (auto v : sorted) h.add(v);
}

}  // namespace

void TraceScope::hash_into(StateHasher& h) const {
  h.add_signed(depth_);
  for (std::size_t id = 0; id < scoped_.size(); ++id)
    if (scoped_[id]) h.add(id);
}

void Machine::hash_state(StateHasher& h) const {
  // Where the run is.
  h.add(static_cast<std::uint64_t>(pos_.stage));
  h.add(static_cast<std::uint64_t>(pos_.choice));
  h.add(pos_.options);
  h.add(pos_.queues.size());
  for (auto q : pos_.queues) h.add(q);
  h.add(pos_.none_due);
  h.add(pos_.now.has_value());
  if (pos_.now) h.add(*pos_.now);
  h.add(pos_.must_due);
  h.add(pos_.ran);
  h.add(pos_.queue);
  h.add(pos_.queue_first);
  h.add(pos_.queue_now.has_value());
  if (pos_.queue_now) h.add(*pos_.queue_now);
  h.add(pos_.again_since.has_value());
  if (pos_.again_since) h.add(*pos_.again_since);
  h.add(pos_.again_deadlines.size());
  for (const auto& d : pos_.again_deadlines) {
    h.add(d.expiry);
    h.add_signed(d.duration);
    h.add(d.order);
  }
  h.add(pos_.again_options.size());
  for (auto o : pos_.again_options) h.add(o);
  h.add_signed(pos_.exit_code);
  h.add(static_cast<std::uint64_t>(pos_.status));
  trace_.hash_into(h);
  // Ids and the stack.
  h.add_signed(ids_.counter);
  h.add(ids_.stack.size());
  for (const auto& f : ids_.stack) {
    h.add_signed(f.eid);
    h.add_signed(f.tid);
    h.add_signed(f.resource);
    h.add(f.hidden);
  }
  for (AsyncId id = 0; id <= ids_.counter; ++id) {
    const Resource& r = ids_.resources[static_cast<std::size_t>(id)];
    h.add(r.type);
    h.add_signed(r.trigger);
  }
  // Hooks.
  h.add(hooks_.all.size());
  for (const auto& hook : hooks_.all) {
    h.add(hook.name);
    h.add(static_cast<std::uint64_t>(hook.init | hook.before << 1 | hook.after << 2 | hook.destroy << 3 |
                                     hook.promise_resolve << 4));
    for (const Block* body : hook.bodies) h.add(body);
  }
  h.add(hooks_.active.size());
  for (auto a : hooks_.active) h.add(a);
  h.add_signed(hooks_.emit_depth);
  h.add(hooks_.next_active.has_value());
  if (hooks_.next_active)
    for (auto a : *hooks_.next_active) h.add(a);
  const PromiseHookState& ph = hooks_.promise_hook;
  h.add(static_cast<std::uint64_t>(ph.installed | ph.init << 1 | ph.settled << 2 | ph.wanted << 3));
  for (char made : hooks_.made) h.add(static_cast<std::uint64_t>(made));
  // The event loop.
  h.add(loop_.ticks.size());
  for (const auto& t : loop_.ticks) {
    h.add_signed(t.id);
    h.add(t.block);
  }
  h.add(loop_.jobs.items.size() - loop_.jobs.head);
  for (std::size_t i = loop_.jobs.head; i < loop_.jobs.items.size(); ++i) add(h, loop_.jobs.items[i]);
  for (const auto* queue : {&loop_.immediates, &loop_.outstanding}) {
    h.add(queue->size());
    for (const auto& i : *queue) {
      h.add_signed(i.id);
      h.add(i.block);
    }
  }
  add_set(h, loop_.finished_immediates);
  h.add(loop_.destroy_queue.size());
  for (AsyncId id : loop_.destroy_queue) h.add_signed(id);
  h.add(static_cast<std::uint64_t>(loop_.interrupted | loop_.zero_after << 1 | loop_.main_drain << 2));
  // Timers and the clock.
  h.add(timers_.queues.size());
  for (const TimerQueue& q : timers_.queues) {
    h.add(q.serial);
    h.add_signed(q.duration);
    h.add(q.expiry);
    h.add(q.order);
    h.add_signed(q.timerwrap);
    h.add(q.timers.size());
    for (const Timer& t : q.timers) {
      h.add_signed(t.id);
      h.add_signed(t.duration);
      h.add(t.block);
      h.add(t.interval);
      h.add(t.start.has_value());
      if (t.start) h.add(*t.start);
      h.add_signed(t.gap_up.raw());
      h.add_signed(t.gap_down.raw());
    }
  }
  h.add(timers_.next_order);
  h.add(timers_.next_serial);
  const Clocks& clocks = timers_.clocks;
  clocks.zone.hash_into(h);
  h.add(clocks.last.has_value());
  if (clocks.last) h.add(*clocks.last);
  h.add(steps_ - clocks.steps_at_last);  // what the stall bound of the next read counts
  h.add(timers_.running.size());
  h.add(timers_.running_queue.has_value());
  if (timers_.running_queue) h.add(*timers_.running_queue);
  h.add(timers_.closing.size());
  for (AsyncId id : timers_.closing) h.add_signed(id);
  // Promises.
  h.add(promises_.all.size());
  for (const PromiseState& p : promises_.all) {
    h.add(static_cast<std::uint64_t>(p.state));
    add(h, p.value);
    h.add(static_cast<std::uint64_t>(p.already_resolved | p.has_handler << 1));
    h.add_signed(p.id);
    h.add_signed(p.trigger);
    h.add(p.reactions.size());
    for (const auto& r : p.reactions) add(h, r);
  }
  h.add(promises_.thenables.size());
  for (const auto& t : promises_.thenables) h.add(t.block);
  h.add(promises_.thenable_calls.size());
  // Errors.
  h.add(errors_.unhandled_rejection_handlers.size());
  for (const Block* b : errors_.unhandled_rejection_handlers) h.add(b);
  h.add(errors_.uncaught_exception_handlers.size());
  for (const Block* b : errors_.uncaught_exception_handlers) h.add(b);
  h.add(errors_.pending_rejections.size());
  for (const auto& r : errors_.pending_rejections) {
    h.add(r.promise);
    h.add(r.frame);
  }
  add_set(h, errors_.maybe_unhandled);
  // AsyncLocalStorage.
  h.add(als_.size());
  for (const AlsState& a : als_) {
    h.add(a.created);
    h.add(a.default_value);
    h.add(a.switched_off);
  }
  storage_->hash_into(h);
  h.add(kept_frame_.has_value());
  if (kept_frame_) h.add(*kept_frame_);
  h.add(inherited_frame_.has_value());
  if (inherited_frame_) h.add(*inherited_frame_);
  // The scenario's objects.
  h.add(names_.size());
  for (const auto& b : names_) {
    h.add(b.has_value());
    if (b) {
      h.add(static_cast<std::uint64_t>(b->kind));
      h.add(b->index);
    }
  }
  h.add(functions_.size());
  for (const auto& f : functions_) {
    h.add(static_cast<std::uint64_t>(f.kind));
    h.add(f.body);
    h.add_signed(f.resource);
    h.add(f.target);
  }
  h.add(emitters_.size());
  for (const auto& e : emitters_) {
    h.add(e.size());
    for (const auto& [name, listeners] : e) {
      h.add(name);
      h.add(listeners.size());
      for (const auto& l : listeners) {
        h.add(l.block);
        h.add(l.function.has_value());
        if (l.function) h.add(*l.function);
      }
    }
  }
  h.add(activations_.size());
  for (const Activation& a : activations_) {
    h.add(a.cursors.size());
    for (const auto& c : a.cursors) {
      h.add(static_cast<std::uint64_t>(c.kind));
      h.add(c.block);
      h.add(c.next);
      h.add(c.owner);
      add(h, c.pending);
    }
    h.add(a.async);
    h.add(a.promise);
  }
  h.add(flags_.size());
  for (char f : flags_) h.add(static_cast<std::uint64_t>(f));
  h.add(combinators_.size());
  for (const auto& c : combinators_) {
    h.add(static_cast<std::uint64_t>(c.op));
    h.add(c.result);
    h.add(c.remaining);
  }
  h.add(extra_instances_);
}

}  // namespace acx::model::detail
