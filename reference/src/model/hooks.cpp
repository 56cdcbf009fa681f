// Hooks (spec/hooks.md): createHook, enable and disable, the order and timing of hook callbacks,
// init of resources, before/after around callbacks, the destroy queue; and the V8 promise hook Node
// installs for them (spec/promises.md `promise.tracking`).
#include <algorithm>

#include "machine_impl.h"

namespace acx::model::detail {

void Machine::emit_each(bool HookState::*callback, EventKind kind, AsyncId id) {
  // `hooks.order`: hooks are called in the order they were enabled. Hook bodies that enable or
  // disable hooks change next_active, which replaces the set when the emit ends.
  const int body = kind == EventKind::Before    ? 1
                   : kind == EventKind::After   ? 2
                   : kind == EventKind::Destroy ? 3
                                                : 4;
  ++hooks_.emit_depth;
  for (std::size_t h : hooks_.active) {
    if (!(hooks_.all[h].*callback) || h == hooks_.storage_hook) continue;
    // Each hook has a prepared event with its name: only the kind and the id change.
    trace::Event& e = hooks_.events[h];
    e.kind = kind;
    e.id = id;
    emit(e);
    if (hooks_.all[h].bodies[static_cast<std::size_t>(body)]) run_hook_body(h, body);
  }
  end_emit();
}

void Machine::emit_init(AsyncId id, std::string_view type, AsyncId trigger) {
  Resource& r = resource(id);
  r.type = type;
  r.trigger = trigger;
  if (!has(&HookState::init)) return;  // `hooks.init`: emitInit runs only when init hooks exist.
  storage_->on_init(id);               // `als.hook.copy-at-init` (hook model)
  const AsyncId current = eid();
  ++hooks_.emit_depth;
  for (std::size_t h : hooks_.active) {
    if (!hooks_.all[h].init || h == hooks_.storage_hook) continue;
    trace::Event& e = hooks_.init_events[h];
    e.kind = EventKind::Init;
    e.id = id;
    e.type = type;
    e.trigger = trigger;
    e.eid = current;
    emit(e);
    if (hooks_.all[h].bodies[0]) run_hook_body(h, 0);
  }
  end_emit();
}

AsyncId Machine::init_resource(std::string_view type, AsyncId trigger) {
  const AsyncId id = new_id();
  storage_->on_resource(id);  // `als.frame.capture`: resources capture the current frame (frame model)
  emit_init(id, type, trigger);
  return id;
}

void Machine::enable_hook(std::size_t index) {
  // `hooks.enable`: enabling an enabled hook does nothing; otherwise it joins the end of the list.
  // `hooks.enable-during-emit`: inside hook callbacks the change goes to a copy that replaces the
  // set when the outermost emit ends; the promise hook is re-installed from the current set.
  std::vector<std::size_t>& set =
      hooks_.emit_depth > 0
          ? (hooks_.next_active ? *hooks_.next_active : hooks_.next_active.emplace(hooks_.active))
          : hooks_.active;
  if (std::find(set.begin(), set.end(), index) != set.end()) return;
  set.push_back(index);
  update_promise_hook_mode();
}

void Machine::end_emit() {
  if (--hooks_.emit_depth == 0 && hooks_.next_active) {
    hooks_.active = std::move(*hooks_.next_active);
    hooks_.next_active.reset();
  }
}

void Machine::run_hook_body(std::size_t hook, int callback) {
  const Block* body = hooks_.all[hook].bodies[static_cast<std::size_t>(callback)];
  if (!body) return;
  for (const Statement& st : *body) {
    switch (st.op) {
      case scenario::Op::HookEnable:
        enable_hook(bound(st.receiver_slot).index);
        break;
      case scenario::Op::HookDisable:
        disable_hook(bound(st.receiver_slot).index);
        break;
      default:
        // `hooks.callback-throws`: an exception in a hook callback is fatal: exit code 1, the
        // 'exit' listeners run, 'uncaughtException' listeners do not.
        throw ProcessExit{1};
    }
  }
}

void Machine::update_promise_hook_mode() {
  // `promise.tracking`: every enable re-installs the promise hook; it tracks promises at creation
  // when init or destroy hooks exist, and reports settlement when promiseResolve hooks exist.
  PromiseHookState& ph = hooks_.promise_hook;
  if (profile_.promise_hook == PromiseHook::PromiseWrap) {
    // `promise.hook` (variation point): Node 10..12 install the C++ PromiseWrap hook when the
    // enabled hooks' callbacks go from none to some (enableHooks), with every part: each promise
    // gets an id at creation; the events go to whichever hooks have the callback at the time.
    const std::vector<std::size_t>& set = hooks_.next_active ? *hooks_.next_active : hooks_.active;
    const bool any = std::any_of(set.begin(), set.end(), [&](std::size_t h) {
      const HookState& s = hooks_.all[h];
      return s.init || s.before || s.after || s.destroy || s.promise_resolve;
    });
    if (!any || ph.wanted) return;
    ph.wanted = ph.installed = ph.init = ph.settled = true;
    return;
  }
  ph.wanted = true;
  ph.installed = true;
  ph.init = has(&HookState::init) || has(&HookState::destroy);
  ph.settled = has(&HookState::promise_resolve);
}

void Machine::disable_hook(std::size_t index) {
  if (hooks_.emit_depth > 0) {
    // `hooks.enable-during-emit`: the copy loses the hook; Node's copy does not carry the total of
    // callbacks, so the promise hook is never switched off from here.
    std::vector<std::size_t>& set =
        hooks_.next_active ? *hooks_.next_active : hooks_.next_active.emplace(hooks_.active);
    std::erase(set, index);
    return;
  }
  // `hooks.disable`
  auto it = std::find(hooks_.active.begin(), hooks_.active.end(), index);
  if (it == hooks_.active.end()) return;
  const auto total = [&] {
    std::size_t n = 0;
    for (std::size_t h : hooks_.active) {
      const HookState& s = hooks_.all[h];
      n += s.init + s.before + s.after + s.destroy + s.promise_resolve;
    }
    return n;
  };
  const std::size_t before = total();
  hooks_.active.erase(it);
  // `promise.tracking-off`: when the last callback goes, the promise hook is removed by a microtask,
  // not at once (a promise may be between its before and after).
  if (before > 0 && total() == 0) {
    hooks_.promise_hook.wanted = false;
    loop_.jobs.push_back(Job{Job::Kind::DisablePromiseHook});
  }
}

void Machine::queue_destroy(AsyncId id) {
  // `hooks.destroy-queue`: destroy is queued only while destroy hooks exist, and emitted later.
  if (has(&HookState::destroy) && id > 0) loop_.destroy_queue.push_back(id);
}

void Machine::invoke(AsyncId id, const Block* block, const std::function<void()>& finally,
                     const std::function<void()>& start) {
  step();
  // `stack.push`: the callback runs with eid = its resource and tid = that resource's trigger.
  ExecScope frame(ids_.stack, ExecFrame{id, resource(id).trigger, id});
  // `als.frame.restore-on-callback`, mutated by `als.propagation`.
  const ContextScope context(*storage_, storage_->enter_resource(id, !mutated("als.propagation")));
  if (!mutated("hooks.before-after")) emit_each(&HookState::before, EventKind::Before, id);
  if (start) start();  // e.g. Node 10 queues a tick's destroy here (`tick.destroy`)
  Completion c;
  if (block) c = call_callback(*block);
  if (finally) finally();  // e.g. queue the destroy, before after (as Node's finally blocks do)
  if (c.kind == Completion::Kind::Throw) {
    // `uncaught.handler`: after the handlers, Node emits after for the whole stack and clears it.
    uncaught(c.value);
  } else {
    // `hooks.before-after`
    emit_each(&HookState::after, EventKind::After, id);
    frame.pop();
  }
}

std::size_t Machine::new_hook_instance(const Statement& st) {
  const std::size_t first = hooks_.index.at(st.binding);
  if (!hooks_.made[first]) {
    hooks_.made[first] = 1;
    return first;
  }
  if (++extra_instances_ > options_.instance_limit) throw StopRun{RunStatus::InstanceLimit};
  HookState copy = hooks_.all[first];  // the same callbacks and bodies, a distinct hook
  hooks_.all.push_back(std::move(copy));
  trace::Event event = hooks_.events[first], init = hooks_.init_events[first];
  hooks_.events.push_back(std::move(event));
  hooks_.init_events.push_back(std::move(init));
  return hooks_.all.size() - 1;
}

}  // namespace acx::model::detail
