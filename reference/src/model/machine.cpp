// The model's core: ids, the execution stack, hooks, the scope rule and the statements that are not
// control flow. Blocks, functions and exceptions are in activation.cpp, promises in promises.cpp,
// the event loop in loop.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "machine_impl.h"

namespace acx::model {

const std::set<std::string>& mutable_rules() {
  // Each name is a rule id; the model code that checks `mutated(ID)` is the rule's implementation.
  static const std::set<std::string> rules = {"promise.trigger", "loop.drain", "als.propagation",
                                              "stack.default-trigger", "hooks.before-after"};
  return rules;
}

RunStatus run(const scenario::Scenario& scenario, const Profile& profile, Chooser& chooser, EventSink& sink,
              const RunOptions& options) {
  detail::Machine machine(scenario, profile, chooser, sink, options);
  return machine.run();
}

namespace detail {

namespace {
void visit(const Block& block, const std::function<void(const Statement&)>& f) {
  for (const auto& st : block) {
    f(st);
    for (const auto& b : st.blocks) visit(b, f);
  }
}
}  // namespace

Machine::Machine(const scenario::Scenario& s, const Profile& p, Chooser& c, EventSink& sink,
                 const RunOptions& o)
    : scenario_(s), profile_(p), chooser_(c), sink_(sink), options_(o) {
  // Hooks and stores are numbered in textual order, which is also the order of `stores` in observe
  // events (spec/trace-format.md).
  visit(s.body, [&](const Statement& st) {
    if (st.op == scenario::Op::CreateHook) {
      HookState h{st.binding};
      for (const auto& arg : st.args) {
        if (arg.text == "init") h.init = true;
        if (arg.text == "before") h.before = true;
        if (arg.text == "after") h.after = true;
        if (arg.text == "destroy") h.destroy = true;
        if (arg.text == "promiseResolve") h.promise_resolve = true;
      }
      hook_index_[st.binding] = hooks_.size();
      hooks_.push_back(h);
    } else if (st.op == scenario::Op::NewAls) {
      als_index_[st.binding] = als_.size();
      als_.push_back(AlsState{st.binding});
    }
  });
  // `als.hook.enable`: the hook model's AsyncLocalStorage installs one internal init hook.
  storage_hook_ = hooks_.size();
  hooks_.push_back(HookState{"<AsyncLocalStorage>", true});
  resources_[kModelRootId] = Resource{"(root)", 0, {}};
}

RunStatus Machine::run() {
  int exit_code = 0;
  try {
    try {
      // `loop.main`: the top level runs first, in the root context (`ids.root`).
      stack_.push_back(ExecFrame{kModelRootId, 0, kModelRootId});
      const Completion main = call_callback(scenario_.body);
      if (main.kind == Completion::Kind::Throw) uncaught(main.value);
      stack_.clear();
      drain();
      while (!timers_.empty() || !immediates_.empty() || !destroy_queue_.empty()) {
        timers_phase();
        check_phase();
      }
    } catch (const ProcessExit& exit) {
      exit_code = exit.code;
    }
    finish_trace(exit_code);
  } catch (const StopRun& stop) {
    return stop.status;
  }
  return RunStatus::Completed;
}

void Machine::step() {
  if (++steps_ > options_.step_limit) throw StopRun{RunStatus::StepLimit};
}

const Bound& Machine::bound(const std::string& name) const {
  auto it = names_.find(name);
  if (it == names_.end()) throw StopRun{RunStatus::Unbound};
  return it->second;
}

// ---- ids, stack, stores --------------------------------------------------------------------

// Resource 0 stands for Node's `topLevelResource`, what executionAsyncResource() returns when the
// stack is empty (inside microtasks); it is a different object from the main script's resource.
Stores& Machine::resource_stores(AsyncId id) {
  return resources_[id].stores;
}

Stores Machine::current_stores() {
  if (profile_.als_model == AlsModel::Frame) return frame_;
  // `als.hook.resource`: getStore() reads executionAsyncResource(), `topLevelResource` when the
  // stack is empty.
  return resource_stores(stack_.empty() ? 0 : stack_.back().resource);
}

Value Machine::store_of(std::size_t als) {
  if (!als_[als].created) return Value::undefined();
  if (profile_.als_model == AlsModel::Hook && !als_[als].enabled) return Value::undefined();
  const Stores stores = current_stores();
  return als < stores.size() ? stores[als] : Value::undefined();
}

// ---- hooks ---------------------------------------------------------------------------------

bool Machine::has(bool HookState::*callback) const {
  return std::any_of(active_.begin(), active_.end(), [&](std::size_t h) { return hooks_[h].*callback; });
}

void Machine::emit(trace::Event event) {
  bool decided = event.kind == EventKind::Observe || scoped_.contains(event.id);
  if (!decided && scenario_depth_ > 0) {
    scope_id(event.id);
    decided = true;
  }
  if (pending_.empty() && decided) {
    if (!sink_.accept(event)) throw StopRun{RunStatus::Stopped};
    return;
  }
  pending_.push_back(Pending{std::move(event), decided});
  flush_decided();
}

void Machine::scope_id(AsyncId id) {
  if (!scoped_.insert(id).second) return;
  for (auto& p : pending_)
    if (!p.decided && p.event.id == id) p.decided = true;
  flush_decided();
}

void Machine::flush_decided() {
  while (!pending_.empty() && pending_.front().decided) {
    const trace::Event e = std::move(pending_.front().event);
    pending_.pop_front();
    if (!sink_.accept(e)) throw StopRun{RunStatus::Stopped};
  }
}

void Machine::finish_trace(int exit_code) {
  // Ids that never met scenario code are not part of the scenario: their events are dropped.
  while (!pending_.empty()) {
    const Pending p = std::move(pending_.front());
    pending_.pop_front();
    if (p.decided && !sink_.accept(p.event)) throw StopRun{RunStatus::Stopped};
  }
  // `uncaught.exit`: the harness's 'exit' listener reports the exit code last.
  trace::Event exit;
  exit.kind = EventKind::Exit;
  exit.code = exit_code;
  if (!sink_.accept(exit)) throw StopRun{RunStatus::Stopped};
}

void Machine::emit_each(bool HookState::*callback, EventKind kind, AsyncId id) {
  // `hooks.order`: hooks are called in the order they were enabled. The copy keeps the set fixed
  // for the duration of one emit, as Node does when a hook callback enables or disables hooks.
  const auto active = active_;
  for (std::size_t h : active) {
    if (!(hooks_[h].*callback) || h == storage_hook_) continue;
    trace::Event e;
    e.kind = kind;
    e.hook = hooks_[h].name;
    e.id = id;
    emit(std::move(e));
  }
}

void Machine::emit_init(AsyncId id, const std::string& type, AsyncId trigger) {
  Resource& r = resources_[id];
  r.type = type;
  r.trigger = trigger;
  if (!has(&HookState::init)) return;  // `hooks.init`: emitInit runs only when init hooks exist.
  // `als.hook.copy-at-init`: the internal hook copies each store from the current resource.
  if (profile_.als_model == AlsModel::Hook && !mutated("als.propagation") &&
      std::find(active_.begin(), active_.end(), storage_hook_) != active_.end()) {
    r.stores = current_stores();
  }
  const AsyncId current = eid();
  const auto active = active_;
  for (std::size_t h : active) {
    if (!hooks_[h].init || h == storage_hook_) continue;
    trace::Event e;
    e.kind = EventKind::Init;
    e.hook = hooks_[h].name;
    e.id = id;
    e.type = type;
    e.trigger = trigger;
    e.eid = current;
    emit(std::move(e));
  }
}

AsyncId Machine::init_resource(const std::string& type, AsyncId trigger) {
  const AsyncId id = new_id();
  // `als.frame.capture`: resources capture the current frame when they are created.
  if (profile_.als_model == AlsModel::Frame) resources_[id].stores = frame_;
  emit_init(id, type, trigger);
  return id;
}

void Machine::enable_hook(std::size_t index) {
  // `hooks.enable`: enabling an enabled hook does nothing; otherwise it joins the end of the list.
  if (std::find(active_.begin(), active_.end(), index) != active_.end()) return;
  active_.push_back(index);
  update_promise_hook_mode();
}

void Machine::update_promise_hook_mode() {
  // `promise.tracking`: every enable re-installs the promise hook; it tracks promises at creation
  // when init or destroy hooks exist, and reports settlement when promiseResolve hooks exist.
  promise_hook_.wanted = true;
  promise_hook_.installed = true;
  promise_hook_.init = has(&HookState::init) || has(&HookState::destroy);
  promise_hook_.settled = has(&HookState::promise_resolve);
}

void Machine::disable_hook(std::size_t index) {
  auto it = std::find(active_.begin(), active_.end(), index);
  if (it == active_.end()) return;
  const auto total = [&] {
    std::size_t n = 0;
    for (std::size_t h : active_) {
      const HookState& s = hooks_[h];
      n += s.init + s.before + s.after + s.destroy + s.promise_resolve;
    }
    return n;
  };
  const std::size_t before = total();
  active_.erase(it);
  // `promise.tracking-off`: when the last callback goes, the promise hook is removed by a microtask,
  // not at once (a promise may be between its before and after).
  if (before > 0 && total() == 0) {
    promise_hook_.wanted = false;
    jobs_.push_back(Job{Job::Kind::DisablePromiseHook});
  }
}

void Machine::queue_destroy(AsyncId id) {
  // `hooks.destroy-queue`: destroy is queued only while destroy hooks exist, and emitted later.
  if (has(&HookState::destroy) && id > 0) destroy_queue_.push_back(id);
}

void Machine::invoke(AsyncId id, AsyncId trigger, const Stores& frame, const Block* block,
                     bool destroy_after) {
  step();
  // `stack.push`: the callback runs with eid = its resource and tid = that resource's trigger.
  stack_.push_back(ExecFrame{id, trigger, id});
  Stores saved;
  if (profile_.als_model == AlsModel::Frame) {
    saved = frame_;
    // `als.frame.restore-on-callback`, mutated by `als.propagation`.
    frame_ = mutated("als.propagation") ? Stores{} : frame;
  }
  if (!mutated("hooks.before-after")) emit_each(&HookState::before, EventKind::Before, id);
  Completion c;
  if (block) c = call_callback(*block);
  if (destroy_after) queue_destroy(id);
  if (c.kind == Completion::Kind::Throw) {
    // `uncaught.handler`: after the handlers, Node emits after for the whole stack and clears it.
    uncaught(c.value);
  } else {
    emit_each(&HookState::after, EventKind::After, id);
    stack_.pop_back();
  }
  if (profile_.als_model == AlsModel::Frame) frame_ = std::move(saved);
}

// ---- statements ----------------------------------------------------------------------------

RValue Machine::evaluate(const Value& v) const {
  if (v.kind != Value::Kind::Name) return RValue::of(v);
  const Bound& b = bound(v.text);
  if (b.kind == Kind::Thenable) return RValue::thenable(b.index);
  return RValue::promise(b.index);
}

void Machine::exec(const Statement& st) {
  using scenario::Op;
  const auto arg = [&](std::size_t i) { return i < st.args.size() ? evaluate(st.args[i]) : RValue::of({}); };
  switch (st.op) {
    case Op::CreateHook:  // Hooks are numbered up front; the name is usable once createHook ran.
      names_[st.binding] = Bound{Kind::Hook, hook_index_.at(st.binding)};
      break;
    case Op::HookEnable:
      enable_hook(bound(st.receiver).index);
      break;
    case Op::HookDisable:
      disable_hook(bound(st.receiver).index);
      break;
    case Op::NewAls: {
      const std::size_t a = als_index_.at(st.binding);
      names_[st.binding] = Bound{Kind::Als, a};
      als_[a].created = true;
      if (profile_.als_model == AlsModel::Hook && profile_.als_enable == AlsEnable::AtConstruction)
        enable_als(a);
      break;
    }
    case Op::AlsRun:
      als_run(st);
      break;
    case Op::Observe:
      observe(st);
      break;
    case Op::NextTick: {
      // `tick.resource`
      const AsyncId trigger = mutated("stack.default-trigger") ? kModelRootId : default_trigger();
      const AsyncId id = init_resource("TickObject", trigger);
      ticks_.push_back(Tick{id, &st.blocks[0]});
      break;
    }
    case Op::QueueMicrotask: {
      // `microtask.resource` (variation point): a Microtask AsyncResource, or a bare V8 microtask.
      Job job{Job::Kind::QueueMicrotask};
      job.block = &st.blocks[0];
      // Node 24: `if (AsyncContextFrame.current() || enabledHooksExist())`; a frame exists once any
      // run has happened (run restores the prior value with a new frame).
      const bool with_resource =
          profile_.microtask_resource == MicrotaskResource::Always || !frame_.empty() || !active_.empty();
      if (with_resource) job.resource = init_resource("Microtask", default_trigger());
      job.frame = frame_;
      jobs_.push_back(std::move(job));
      break;
    }
    case Op::SetTimeout: {
      const AsyncId id = init_resource("Timeout", default_trigger());  // `timer.resource`
      // `loop.timers.minimum`: durations below 1 ms or above 2^31 - 1 ms become 1 ms.
      const std::int64_t requested = st.args[0].number;
      const std::int64_t ms = requested < 1 || requested > 2147483647 ? 1 : requested;
      timers_.push_back(Timer{id, ms, &st.blocks[0], created_counter_++});
      if (!st.binding.empty()) names_[st.binding] = Bound{Kind::Timer, static_cast<std::size_t>(id)};
      break;
    }
    case Op::SetImmediate: {
      const AsyncId id = init_resource("Immediate", default_trigger());  // `immediate.resource`
      immediates_.push_back(Immediate{id, &st.blocks[0]});
      if (!st.binding.empty()) names_[st.binding] = Bound{Kind::Immediate, static_cast<std::size_t>(id)};
      break;
    }
    case Op::ClearTimeout: {
      // `timer.clear`: a pending timer is removed and its destroy queued; a fired or cleared one is left.
      const auto id = static_cast<AsyncId>(bound(st.args[0].text).index);
      auto it = std::find_if(timers_.begin(), timers_.end(), [&](const Timer& t) { return t.id == id; });
      if (it != timers_.end()) {
        timers_.erase(it);
        queue_destroy(id);
      }
      break;
    }
    case Op::ClearImmediate: {
      // `immediate.clear`: likewise for an immediate that has not run, even one in the running batch.
      const auto id = static_cast<AsyncId>(bound(st.args[0].text).index);
      if (!finished_immediates_.contains(id)) {
        finished_immediates_.insert(id);
        std::erase_if(immediates_, [&](const Immediate& i) { return i.id == id; });
        queue_destroy(id);
      }
      break;
    }
    case Op::NewPromise: {
      const std::size_t p = create_promise(std::nullopt);
      names_[st.binding] = Bound{Kind::Promise, p};
      // `promise.executor`: the executor runs at once, in the creator's context, without
      // before/after; if it throws, the promise is rejected.
      if (!st.blocks.empty()) {
        const Completion c = call_block(st.blocks[0]);
        if (c.kind == Completion::Kind::Throw) reject(p, c.value);
      }
      break;
    }
    case Op::PromiseResolve: {
      const RValue v = arg(0);
      // `promise.resolve-static`: Promise.resolve(p) returns p itself for a native promise.
      if (v.ref == RValue::Ref::Promise) {
        if (!st.binding.empty()) names_[st.binding] = Bound{Kind::Promise, v.index};
        break;
      }
      const std::size_t p = create_promise(std::nullopt);
      if (!st.binding.empty()) names_[st.binding] = Bound{Kind::Promise, p};
      resolve(p, v);
      break;
    }
    case Op::PromiseReject: {
      const std::size_t p = create_promise(std::nullopt);
      if (!st.binding.empty()) names_[st.binding] = Bound{Kind::Promise, p};
      reject(p, arg(0));
      break;
    }
    case Op::Then:
    case Op::Catch:
    case Op::Finally: {
      const std::size_t parent = bound(st.receiver).index;
      Handler fulfilled, rejected;
      if (st.op == Op::Then) {
        fulfilled = st.block("") ? Handler{Handler::Kind::Block, st.block("")} : Handler{};
        rejected = st.block("rejected") ? Handler{Handler::Kind::Block, st.block("rejected")} : Handler{};
        // The harness passes the identity function for a missing onFulfilled (`promise.then-passthrough`).
        if (!st.block("")) fulfilled = Handler{Handler::Kind::Block, nullptr};
      } else if (st.op == Op::Catch) {
        rejected = Handler{Handler::Kind::Block, &st.blocks[0]};  // `promise.catch`: then(undefined, f)
      } else {
        // `promise.finally`: then(thenFinally, catchFinally) around the block.
        fulfilled = Handler{Handler::Kind::ThenFinally, &st.blocks[0]};
        rejected = Handler{Handler::Kind::CatchFinally, &st.blocks[0]};
      }
      const std::size_t derived = then_with(parent, std::move(fulfilled), std::move(rejected));
      if (!st.binding.empty()) names_[st.binding] = Bound{Kind::Promise, derived};
      break;
    }
    case Op::Resolve:
    case Op::Reject: {
      const Bound& b = bound(st.receiver);
      const RValue v = arg(0);
      if (b.kind == Kind::Thenable) {
        // Inside a thenable's block: the resolve/reject functions it was given (`promise.thenable`).
        auto call = std::find_if(thenable_calls_.rbegin(), thenable_calls_.rend(),
                                 [&](const ThenableCall& c) { return c.thenable == b.index; });
        if (call == thenable_calls_.rend() || *call->flag) break;
        *call->flag = true;
        if (st.op == Op::Resolve)
          resolve_unchecked(call->promise, v);
        else
          reject_unchecked(call->promise, v);
        break;
      }
      if (st.op == Op::Resolve)
        resolve(b.index, v);
      else
        reject(b.index, v);
      break;
    }
    case Op::Thenable:
      names_[st.binding] = Bound{Kind::Thenable, thenables_.size()};
      thenables_.push_back(ThenableState{&st.blocks[0], st.binding});
      break;
    case Op::Function:
    case Op::AsyncFunction:
      names_[st.binding] =
          Bound{st.op == Op::Function ? Kind::Function : Kind::AsyncFunction, functions_.size()};
      functions_.push_back(FunctionState{&st.blocks[0], st.op == Op::AsyncFunction});
      break;
    case Op::Call: {
      const auto promise = call_function(functions_[bound(st.receiver).index]);
      if (promise && !st.binding.empty()) names_[st.binding] = Bound{Kind::Promise, *promise};
      break;
    }
    case Op::ProcessOn:
      (st.args[0].text == "unhandledRejection" ? unhandled_rejection_handlers_ : uncaught_exception_handlers_)
          .push_back(&st.blocks[0]);
      break;
    case Op::Throw:
      throw JsThrow{arg(0)};
    case Op::Try:
    case Op::Return:
    case Op::Await:
      break;  // Control flow: handled by resume() in activation.cpp.
  }
}

void Machine::observe(const Statement& st) {
  trace::Event e;
  e.kind = EventKind::Observe;
  e.label = st.args[0].text;
  e.eid = eid();
  e.tid = tid();
  for (std::size_t i = 0; i < als_.size(); ++i) e.stores.emplace_back(als_[i].name, to_literal(store_of(i)));
  emit(std::move(e));
}

void Machine::enable_als(std::size_t a) {
  // `als.hook.enable`: the first run (or the constructor, per profile) enables the internal hook.
  if (als_[a].enabled) return;
  als_[a].enabled = true;
  enable_hook(storage_hook_);
}

void Machine::als_run(const Statement& st) {
  const std::size_t a = bound(st.receiver).index;
  const Value& value = st.args[0];
  // `als.run.same-store`: running with the store that is already current just calls the callback
  // (both models), so no frame is made and, in the hook model, the internal hook is not enabled.
  if (store_of(a) == value) {
    const Completion c = call_block(st.blocks[0]);
    if (c.kind == Completion::Kind::Throw) throw JsThrow{c.value};
    return;
  }
  Completion c;
  if (profile_.als_model == AlsModel::Frame) {
    // `als.run` (frame model): a new frame with this store, the previous frame restored afterwards
    // (also when the callback throws).
    Stores prior = frame_;
    if (frame_.size() <= a) frame_.resize(a + 1);
    frame_[a] = value;
    c = call_block(st.blocks[0]);
    // Node restores with enterWith(prior): the frame object exists from now on, even when every
    // store in it is undefined (this matters to `microtask.resource`).
    if (prior.size() <= a) prior.resize(a + 1);
    frame_ = std::move(prior);
  } else {
    // `als.run` (hook model): the store is written onto the current resource and restored afterwards.
    enable_als(a);
    const AsyncId resource = stack_.empty() ? 0 : stack_.back().resource;
    Stores& slots = resource_stores(resource);
    if (slots.size() <= a) slots.resize(a + 1);
    const Value old = slots[a];
    slots[a] = value;
    c = call_block(st.blocks[0]);
    resource_stores(resource)[a] = old;  // look the slots up again: the map may have grown
  }
  if (c.kind == Completion::Kind::Throw) throw JsThrow{c.value};
}

}  // namespace detail
}  // namespace acx::model
