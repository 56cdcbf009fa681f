// The model's core: ids, the execution stack, hooks, the scope rule and the statements that are not
// control flow. Blocks, functions and exceptions are in activation.cpp, promises in promises.cpp,
// the event loop in loop.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "machine_impl.h"

#include "acx/scenario/parser.h"

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
/// The big tables of a run, kept per thread between runs: the search and the benchmark run the
/// model many times, and reusing the storage saves growing it again each time.
struct Buffers {
  std::vector<Resource> resources;
  std::vector<const Value*> arena;
  std::vector<char> scoped;
  std::vector<Job> jobs;
};
Buffers& buffers() {
  static thread_local Buffers b;
  return b;
}
}  // namespace

Machine::~Machine() {
  resources_.clear();
  slot_arena_.clear();
  scoped_.clear();
  jobs_.items.clear();
  Buffers& b = buffers();
  b.resources = std::move(resources_);
  b.arena = std::move(slot_arena_);
  b.scoped = std::move(scoped_);
  b.jobs = std::move(jobs_.items);
}

Machine::Machine(const scenario::Scenario& s, const Profile& p, Chooser& c, EventSink& sink,
                 const RunOptions& o)
    : scenario_(s), profile_(p), chooser_(c), sink_(sink), options_(o) {
  {
    Buffers& b = buffers();
    resources_ = std::move(b.resources);
    slot_arena_ = std::move(b.arena);
    scoped_ = std::move(b.scoped);
    jobs_.items = std::move(b.jobs);
    resources_.clear();
    slot_arena_.clear();
    scoped_.clear();
    jobs_.items.clear();
  }
  if (s.slot_count.index < 0 || !s.declarations.valid) scenario::assign_slots(s);
  names_.resize(static_cast<std::size_t>(s.slot_count.index));
  // Hooks and stores are numbered in textual order, which is also the order of `stores` in observe
  // events (spec/trace-format.md).
  for (const Statement* declaration : s.declarations.statements) {
    const Statement& st = *declaration;
    if (st.op == scenario::Op::CreateHook) {
      HookState h{st.binding};
      for (const auto& arg : st.args) {
        if (arg.text == "init") h.init = true;
        if (arg.text == "before") h.before = true;
        if (arg.text == "after") h.after = true;
        if (arg.text == "destroy") h.destroy = true;
        if (arg.text == "promiseResolve") h.promise_resolve = true;
      }
      static constexpr std::array<std::string_view, 5> kCallbacks = {"init", "before", "after", "destroy",
                                                                     "promiseResolve"};
      for (std::size_t i = 0; i < st.blocks.size(); ++i)
        for (std::size_t c = 0; c < kCallbacks.size(); ++c)
          if (st.labels[i] == kCallbacks[c]) h.bodies[c] = &st.blocks[i];
      hook_index_[st.binding] = hooks_.size();
      hooks_.push_back(h);
    } else if (st.op == scenario::Op::NewAls) {
      als_index_[st.binding] = als_.size();
      als_.push_back(AlsState{st.binding});
      als_declarations_.push_back(&st);
    }
  }
  hook_made_.assign(hooks_.size(), 0);
  slot_stride_ = als_.size();
  process_slots_.assign(slot_stride_, nullptr);
  // `als.hook.enable`: the hook model's AsyncLocalStorage installs one internal init hook.
  storage_hook_ = hooks_.size();
  hooks_.push_back(HookState{"<AsyncLocalStorage>", true});
  hook_events_.resize(hooks_.size());
  init_events_.resize(hooks_.size());
  for (std::size_t h = 0; h < hooks_.size(); ++h)
    hook_events_[h].hook = init_events_[h].hook = hooks_[h].name;
  resources_.reserve(256);
  grow_tables(kModelRootId);
  resource(kModelRootId) = Resource{"(root)", {}, 0, {}};
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
      // `rejection.context`: Node's drain after the main script runs outside the main script's
      // context frame (its callback scope has closed); Bun's keeps it (`drain`).
      if (profile_.als_model == AlsModel::Frame && profile_.rejection_context == ListenerContext::Runtime)
        frame_ = nullptr;
      // `loop.main-drain-context` (variation point): Node 10 drains in the main script's context.
      if (profile_.main_drain_in_root) stack_.push_back(ExecFrame{kModelRootId, 0, kModelRootId, true});
      main_drain_ = true;
      drain();
      main_drain_ = false;
      // `uncaught.handled`: a drain the main script's leftovers abandoned is no phase whose next
      // callback would run first; what it left waits for the next callback scope to close.
      interrupted_ = false;
      stack_.clear();
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

const Bound& Machine::bound(scenario::Slot slot) const {
  const auto i = static_cast<std::size_t>(slot.index);
  if (slot.index < 0 || i >= names_.size() || !names_[i]) throw StopRun{RunStatus::Unbound};
  return *names_[i];
}

void Machine::bind(const Statement& st, Bound b) {
  if (st.binding_slot.index < 0) return;
  names_[static_cast<std::size_t>(st.binding_slot.index)] = b;
}

std::string Machine::execution_resource_name() const {
  // `stack.execution-resource`: executionAsyncResource() is the resource on top of the stack (the
  // derived promise for a reaction); with an empty stack it is Node's topLevelResource, which no
  // binding holds. Like the harness, take the first binding in textual order that holds it now.
  if (stack_.empty()) return "other";
  const AsyncId id = stack_.back().resource;
  if (id == kModelRootId) return "top-level";
  if (id == kProcessResource) return "other";
  // `promise.hook`: with PromiseWrap the resource of a promise job is the wrapper, not the promise.
  if (profile_.promise_hook == PromiseHook::PromiseWrap &&
      resources_[static_cast<std::size_t>(id)].type == "PROMISE")
    return "other";
  for (std::size_t slot = 0; slot < names_.size(); ++slot) {
    const auto& b = names_[slot];
    if (!b) continue;
    const bool holds = (b->kind == Kind::Timer || b->kind == Kind::Immediate || b->kind == Kind::Resource)
                           ? static_cast<AsyncId>(b->index) == id
                           : b->kind == Kind::Promise && promises_[b->index].id == id;
    if (holds) return std::string(scenario_.declarations.slot_names[slot]);
  }
  return "other";
}

// ---- ids, stack, stores --------------------------------------------------------------------

// Resource 0 stands for Node's `topLevelResource`, what executionAsyncResource() returns when the
// stack is empty (inside microtasks); it is a different object from the main script's resource.
const Value** Machine::slots_of(AsyncId id) {
  return slot_arena_.data() + static_cast<std::size_t>(id) * slot_stride_;
}

const Value** Machine::current_slots() {
  // `als.hook.resource`: getStore() reads executionAsyncResource(), `topLevelResource` when the
  // stack is empty.
  return resource_slots(stack_.empty() ? 0 : stack_.back().resource);
}

const Value** Machine::resource_slots(AsyncId id) {
  return id == kProcessResource ? process_slots_.data() : slots_of(id);
}

const Value& Machine::store_of(std::size_t als) {
  const AlsState& a = als_[als];
  const Value& fallback = a.default_value ? *a.default_value : kUndefined;
  if (!a.created) return kUndefined;
  if (profile_.als_model == AlsModel::Frame) {
    // `als.default-value`: a frame without the key gives the instance's default.
    if (frame_ && als < frame_->size() && (*frame_)[als]) return *(*frame_)[als];
    return fallback;
  }
  if (!a.enabled) return fallback;
  const Value* slot = current_slots()[als];
  return slot ? *slot : fallback;
}

Frame Machine::frame_with(std::size_t als, const Value* value) const {
  auto next = std::make_shared<Slots>(frame_ ? *frame_ : Slots{});
  if (next->size() < als_.size()) next->resize(als_.size());
  (*next)[als] = value;
  return next;
}

Frame Machine::job_frame(const Frame& captured) const {
  return captured || !inherited_frame_ ? captured : *inherited_frame_;
}

// ---- hooks ---------------------------------------------------------------------------------

bool Machine::has(bool HookState::*callback) const {
  for (std::size_t h : active_)
    if (hooks_[h].*callback) return true;
  return false;
}

void Machine::emit(const trace::Event& event) {
  // `trace.scope`: observe and resource events are always kept, and bring no id into scope (the
  // harness's observeResource reads the ids without adding them).
  const bool always = event.kind == EventKind::Observe || event.kind == EventKind::Resource;
  bool decided = always || scoped(event.id);
  if (!decided && scenario_depth_ > 0) {
    scope_id(event.id);
    decided = true;
  }
  if (pending_.empty() && decided) {
    if (!sink_.accept(event)) throw StopRun{RunStatus::Stopped};
    return;
  }
  pending_.push_back(Pending{event, decided});
  flush_decided();
}

void Machine::scope_id(AsyncId id) {
  if (id < 0 || scoped(id)) return;
  if (static_cast<std::size_t>(id) >= scoped_.size()) scoped_.resize(static_cast<std::size_t>(id) + 64, 0);
  scoped_[static_cast<std::size_t>(id)] = 1;
  if (pending_.empty()) return;
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
  // `hooks.order`: hooks are called in the order they were enabled. Hook bodies that enable or
  // disable hooks change next_active_, which replaces the set when the emit ends.
  const int body = kind == EventKind::Before    ? 1
                   : kind == EventKind::After   ? 2
                   : kind == EventKind::Destroy ? 3
                                                : 4;
  ++emit_depth_;
  for (std::size_t h : active_) {
    if (!(hooks_[h].*callback) || h == storage_hook_) continue;
    // Each hook has a prepared event with its name: only the kind and the id change.
    trace::Event& e = hook_events_[h];
    e.kind = kind;
    e.id = id;
    emit(e);
    if (hooks_[h].bodies[static_cast<std::size_t>(body)]) run_hook_body(h, body);
  }
  end_emit();
}

void Machine::emit_init(AsyncId id, std::string_view type, AsyncId trigger) {
  Resource& r = resource(id);
  r.type = type;
  r.trigger = trigger;
  if (!has(&HookState::init)) return;  // `hooks.init`: emitInit runs only when init hooks exist.
  // `als.hook.copy-at-init`: the internal hook copies each store from the current resource.
  if (profile_.als_model == AlsModel::Hook && !mutated("als.propagation") &&
      std::find(active_.begin(), active_.end(), storage_hook_) != active_.end()) {
    // Only enabled instances propagate (`_propagate` checks `this.enabled`).
    const Value** mine = slots_of(id);
    const Value* const* current = current_slots();
    for (std::size_t i = 0; i < als_.size(); ++i) mine[i] = als_[i].enabled ? current[i] : nullptr;
  }
  const AsyncId current = eid();
  ++emit_depth_;
  for (std::size_t h : active_) {
    if (!hooks_[h].init || h == storage_hook_) continue;
    trace::Event& e = init_events_[h];
    e.kind = EventKind::Init;
    e.id = id;
    e.type = type;
    e.trigger = trigger;
    e.eid = current;
    emit(e);
    if (hooks_[h].bodies[0]) run_hook_body(h, 0);
  }
  end_emit();
}

AsyncId Machine::init_resource(std::string_view type, AsyncId trigger) {
  const AsyncId id = new_id();
  // `als.frame.capture`: resources capture the current frame when they are created.
  if (profile_.als_model == AlsModel::Frame) resource(id).frame = frame_;
  emit_init(id, type, trigger);
  return id;
}

void Machine::enable_hook(std::size_t index) {
  // `hooks.enable`: enabling an enabled hook does nothing; otherwise it joins the end of the list.
  // `hooks.enable-during-emit`: inside hook callbacks the change goes to a copy that replaces the
  // set when the outermost emit ends; the promise hook is re-installed from the current set.
  std::vector<std::size_t>& set =
      emit_depth_ > 0 ? (next_active_ ? *next_active_ : next_active_.emplace(active_)) : active_;
  if (std::find(set.begin(), set.end(), index) != set.end()) return;
  set.push_back(index);
  update_promise_hook_mode();
}

void Machine::end_emit() {
  if (--emit_depth_ == 0 && next_active_) {
    active_ = std::move(*next_active_);
    next_active_.reset();
  }
}

void Machine::run_hook_body(std::size_t hook, int callback) {
  const Block* body = hooks_[hook].bodies[static_cast<std::size_t>(callback)];
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
  if (profile_.promise_hook == PromiseHook::PromiseWrap) {
    // `promise.hook` (variation point): Node 10..12 install the C++ PromiseWrap hook when the
    // enabled hooks' callbacks go from none to some (enableHooks), with every part: each promise
    // gets an id at creation; the events go to whichever hooks have the callback at the time.
    const std::vector<std::size_t>& set = next_active_ ? *next_active_ : active_;
    const bool any = std::any_of(set.begin(), set.end(), [&](std::size_t h) {
      const HookState& s = hooks_[h];
      return s.init || s.before || s.after || s.destroy || s.promise_resolve;
    });
    if (!any || promise_hook_.wanted) return;
    promise_hook_.wanted = promise_hook_.installed = promise_hook_.init = promise_hook_.settled = true;
    return;
  }
  promise_hook_.wanted = true;
  promise_hook_.installed = true;
  promise_hook_.init = has(&HookState::init) || has(&HookState::destroy);
  promise_hook_.settled = has(&HookState::promise_resolve);
}

void Machine::disable_hook(std::size_t index) {
  if (emit_depth_ > 0) {
    // `hooks.enable-during-emit`: the copy loses the hook; Node's copy does not carry the total of
    // callbacks, so the promise hook is never switched off from here.
    std::vector<std::size_t>& set = next_active_ ? *next_active_ : next_active_.emplace(active_);
    std::erase(set, index);
    return;
  }
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

void Machine::invoke(AsyncId id, const Block* block, const std::function<void()>& finally,
                     const std::function<void()>& start) {
  step();
  const Resource& r = resource(id);
  // `stack.push`: the callback runs with eid = its resource and tid = that resource's trigger.
  stack_.push_back(ExecFrame{id, r.trigger, id});
  Frame saved = frame_;
  // `als.frame.restore-on-callback`, mutated by `als.propagation`.
  if (profile_.als_model == AlsModel::Frame) frame_ = mutated("als.propagation") ? nullptr : r.frame;
  if (!mutated("hooks.before-after")) emit_each(&HookState::before, EventKind::Before, id);
  if (start) start();  // e.g. Node 10 queues a tick's destroy here (`tick.destroy`)
  Completion c;
  if (block) c = call_callback(*block);
  if (finally) finally();  // e.g. queue the destroy, before after (as Node's finally blocks do)
  if (c.kind == Completion::Kind::Throw) {
    // `uncaught.handler`: after the handlers, Node emits after for the whole stack and clears it.
    uncaught(c.value);
  } else {
    emit_each(&HookState::after, EventKind::After, id);
    stack_.pop_back();
  }
  frame_ = std::move(saved);
}

Completion Machine::run_in_scope(AsyncId id, const std::function<Completion()>& body) {
  // `resource.run-in-scope`: emitBefore (push, before hooks), the function in the resource's context,
  // then emitAfter in a finally block, so also when it throws.
  const Resource& r = resource(id);
  stack_.push_back(ExecFrame{id, r.trigger, id});
  Frame saved = frame_;
  if (profile_.als_model == AlsModel::Frame) frame_ = r.frame;
  emit_each(&HookState::before, EventKind::Before, id);
  const Completion c = body();
  emit_each(&HookState::after, EventKind::After, id);
  if (!stack_.empty()) stack_.pop_back();
  frame_ = std::move(saved);
  return c;
}

// ---- statements ----------------------------------------------------------------------------

RValue Machine::evaluate(const Value& v) const {
  if (v.kind != Value::Kind::Name) return RValue::of(v);
  const Bound& b = bound(v.slot);
  if (b.kind == Kind::Thenable) return RValue::thenable(b.index);
  return RValue::promise(b.index);
}

void Machine::exec(const Statement& st) {
  using scenario::Op;
  const auto arg = [&](std::size_t i) { return i < st.args.size() ? evaluate(st.args[i]) : RValue{}; };
  switch (st.op) {
    case Op::CreateHook:  // The name is usable once createHook ran.
      bind(st, Bound{Kind::Hook, new_hook_instance(st)});
      break;
    case Op::HookEnable:
      enable_hook(bound(st.receiver_slot).index);
      break;
    case Op::HookDisable:
      disable_hook(bound(st.receiver_slot).index);
      break;
    case Op::NewAls: {
      const std::size_t a = new_als_instance(st);
      bind(st, Bound{Kind::Als, a});
      als_[a].created = true;
      if (profile_.als_default_value && st.args.size() > 1) als_[a].default_value = &st.args[1];
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
      if (profile_.tick_queue == TickQueue::Microtask) {
        // `tick.queue` (variation point): a microtask in FIFO order with promise jobs (workerd).
        Job job{Job::Kind::QueueMicrotask};
        job.block = &st.blocks[0];
        job.resource = id;
        jobs_.push_back(std::move(job));
        break;
      }
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
          profile_.microtask_resource == MicrotaskResource::Always || frame_ != nullptr || !active_.empty();
      if (with_resource) job.resource = init_resource("Microtask", default_trigger());
      job.frame = frame_;
      jobs_.push_back(std::move(job));
      break;
    }
    case Op::SetTimeout:
    case Op::SetInterval: {
      // `timer.resource`, `timer.interval`: one Timeout resource either way.
      const AsyncId id = init_resource("Timeout", default_trigger());
      // `loop.timers.minimum`: durations below 1 ms or above 2^31 - 1 ms become 1 ms.
      const std::int64_t requested = st.args[0].number;
      const std::int64_t ms = requested < 1 || requested > 2147483647 ? 1 : requested;
      // `timer.list-resource` (variation point): Node 10 makes a TIMERWRAP for a new list.
      if (profile_.timer_list == TimerList::TimerWrap && !timer_lists_.contains(ms))
        timer_lists_[ms] = init_resource("TIMERWRAP", default_trigger());
      timers_.push_back(Timer{id, ms, &st.blocks[0], created_counter_++, st.op == Op::SetInterval});
      bind(st, Bound{Kind::Timer, static_cast<std::size_t>(id)});
      break;
    }
    case Op::SetImmediate: {
      const AsyncId id = init_resource("Immediate", default_trigger());  // `immediate.resource`
      immediates_.push_back(Immediate{id, &st.blocks[0]});
      bind(st, Bound{Kind::Immediate, static_cast<std::size_t>(id)});
      break;
    }
    case Op::ClearTimeout:
    case Op::ClearInterval: {
      // `timer.clear`: a pending timer is removed and its destroy queued; so is a running one (an
      // interval is then not armed again); a fired or cleared one is left alone.
      const auto id = static_cast<AsyncId>(bound(st.args[0].slot).index);
      auto it = std::find_if(timers_.begin(), timers_.end(), [&](const Timer& t) { return t.id == id; });
      if (it != timers_.end()) {
        const std::int64_t duration = it->duration;
        timers_.erase(it);
        queue_destroy(id);
        if (running_list_ != duration) close_list_if_empty(duration);
      } else if (auto running = running_timers_.find(id);
                 running != running_timers_.end() && !running->second) {
        running->second = true;
        queue_destroy(id);
      }
      break;
    }
    case Op::ClearImmediate: {
      // `immediate.clear`: likewise for an immediate that has not run, even one in the running batch.
      const auto id = static_cast<AsyncId>(bound(st.args[0].slot).index);
      if (!finished_immediates_.contains(id)) {
        finished_immediates_.insert(id);
        std::erase_if(immediates_, [&](const Immediate& i) { return i.id == id; });
        queue_destroy(id);
      }
      break;
    }
    case Op::NewPromise: {
      const std::size_t p = create_promise(std::nullopt);
      bind(st, Bound{Kind::Promise, p});
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
        bind(st, Bound{Kind::Promise, v.index});
        break;
      }
      const std::size_t p = create_promise(std::nullopt);
      bind(st, Bound{Kind::Promise, p});
      resolve(p, v);
      break;
    }
    case Op::PromiseReject: {
      const std::size_t p = create_promise(std::nullopt);
      bind(st, Bound{Kind::Promise, p});
      reject(p, arg(0));
      break;
    }
    case Op::Then:
    case Op::Catch:
    case Op::Finally: {
      const std::size_t parent = bound(st.receiver_slot).index;
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
      bind(st, Bound{Kind::Promise, derived});
      break;
    }
    case Op::Resolve:
    case Op::Reject: {
      const Bound& b = bound(st.receiver_slot);
      const RValue v = arg(0);
      if (b.kind == Kind::Thenable) {
        // Inside a thenable's block: the resolve/reject functions it was given (`promise.thenable`).
        auto call = std::find_if(thenable_calls_.rbegin(), thenable_calls_.rend(),
                                 [&](const ThenableCall& c) { return c.thenable == b.index; });
        if (call == thenable_calls_.rend()) break;
        if (*call->flag) {
          multiple_resolves(call->promise);  // `promise.multiple-resolves`
          break;
        }
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
      bind(st, Bound{Kind::Thenable, thenables_.size()});
      thenables_.push_back(ThenableState{&st.blocks[0], st.binding});
      break;
    case Op::Function:
    case Op::AsyncFunction:
      bind(st, Bound{st.op == Op::Function ? Kind::Function : Kind::AsyncFunction, functions_.size()});
      functions_.push_back(
          FunctionState{st.op == Op::AsyncFunction ? FunctionState::Kind::Async : FunctionState::Kind::Plain,
                        &st.blocks[0]});
      break;
    case Op::Call: {
      const auto promise = call_function(functions_.at(bound(st.receiver_slot).index));
      if (promise) bind(st, Bound{Kind::Promise, *promise});
      break;
    }
    case Op::ProcessOn:
      (st.args[0].text == "unhandledRejection" ? unhandled_rejection_handlers_ : uncaught_exception_handlers_)
          .push_back(&st.blocks[0]);
      break;
    case Op::AlsExit:
      als_run(st);
      break;
    case Op::AlsEnterWith:
      enter_with(bound(st.receiver_slot).index, st.args[0]);
      break;
    case Op::AlsDisable:
      disable_als(bound(st.receiver_slot).index);
      break;
    case Op::Snapshot: {
      // `als.snapshot`: AsyncResource.bind((cb, ...args) => cb(...args)): a resource made now.
      const AsyncId id = init_resource("bound-anonymous-fn", default_trigger());
      bind(st, Bound{Kind::Snapshot, static_cast<std::size_t>(id)});
      break;
    }
    case Op::AlsBind:
    case Op::StaticBind:
    case Op::ResourceBind: {
      // `resource.bind`: the static forms make a resource now, whose type is the function's name:
      // 'bound-anonymous-fn' for ours (they have none), the name bind() gave a bound function
      // (`resource.bound-name`); the instance form binds to that resource.
      const std::size_t target = bound(st.args[0].slot).index;
      const bool of_bound = functions_.at(target).kind == FunctionState::Kind::Bound;
      const std::string_view type = !of_bound                          ? "bound-anonymous-fn"
                                    : profile_.bound_name_run_in_scope ? "bound runInAsyncScope"
                                                                       : "bound";
      const AsyncId id = st.op == Op::ResourceBind ? static_cast<AsyncId>(bound(st.receiver_slot).index)
                                                   : init_resource(type, default_trigger());
      FunctionState f{FunctionState::Kind::Bound};
      f.resource = id;
      f.target = target;
      bind(st, Bound{Kind::BoundFunction, functions_.size()});
      functions_.push_back(f);
      break;
    }
    case Op::NewResource:
      new_resource(st);
      break;
    case Op::SnapshotRun:  // a snapshot is a bound AsyncResource: its call is runInAsyncScope
    case Op::RunInScope: {
      const auto id = static_cast<AsyncId>(bound(st.receiver_slot).index);
      const Completion c = run_in_scope(id, [&] { return call_callback(st.blocks[0]); });
      if (c.kind == Completion::Kind::Throw) throw JsThrow{c.value};
      break;
    }
    case Op::EmitDestroy:
      // `resource.emit-destroy`: every call queues a destroy (a second call is not an error).
      queue_destroy(static_cast<AsyncId>(bound(st.receiver_slot).index));
      break;
    case Op::ObserveResource: {
      const auto id = static_cast<AsyncId>(bound(st.args[1].slot).index);
      trace::Event e;
      e.kind = EventKind::Resource;
      e.label = st.args[0].text;
      e.id = id;
      e.trigger = resource(id).trigger;
      emit(std::move(e));
      break;
    }
    case Op::ObserveExecution:
      observe(st, execution_resource_name());
      break;
    case Op::ObserveError: {
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
      break;
    }
    case Op::NewEmitter:
      bind(st, Bound{Kind::Emitter, emitters_.size()});
      emitters_.emplace_back();
      break;
    case Op::On: {
      Listener l{st.blocks.empty() ? nullptr : &st.blocks[0], std::nullopt};
      if (st.args.size() > 1) l.function = bound(st.args[1].slot).index;
      emitters_[bound(st.receiver_slot).index][st.args[0].text].push_back(l);
      break;
    }
    case Op::Emit:
      emit_event(bound(st.receiver_slot).index, st.args[0].text);
      break;
    case Op::PromiseAll:
    case Op::PromiseAllSettled:
    case Op::PromiseRace:
    case Op::PromiseAny:
      combinator(st);
      break;
    case Op::Throw:
      throw JsThrow{arg(0)};
    case Op::Try:
    case Op::Return:
    case Op::Await:
      break;  // Control flow: handled by resume() in activation.cpp.
  }
}

void Machine::new_resource(const Statement& st) {
  // `resource.options`: new AsyncResource(type, opts) validates, then takes an id and emits init
  // (lib/async_hooks.js); the legacy number form gives the trigger directly.
  const Value type = st.args.empty() ? Value::undefined() : st.args[0];
  if (type.kind != Value::Kind::String) throw JsThrow{RValue::failure("ERR_INVALID_ARG_TYPE")};
  AsyncId trigger = default_trigger();
  bool valid = true;
  if (st.args.size() > 1) {
    const Value& opts = st.args[1];
    if (opts.kind == Value::Kind::Null) throw JsThrow{RValue::failure("TypeError")};  // opts.triggerAsyncId
    const Value* given = nullptr;
    if (opts.kind == Value::Kind::Object) {
      for (std::size_t k = 0; k < opts.keys.size(); ++k)
        if (opts.keys[k] == "triggerAsyncId" && opts.fields[k].kind != Value::Kind::Undefined)
          given = &opts.fields[k];
    } else if (opts.kind == Value::Kind::Number) {
      given = &opts;  // the legacy form: the number is the triggerAsyncId
    }                 // another primitive has no triggerAsyncId property: the default trigger
    if (given) {
      valid = given->kind == Value::Kind::Number && given->number >= -1;
      trigger = given->number;
    }
  }
  if (!valid) throw JsThrow{RValue::failure("ERR_INVALID_ASYNC_ID")};
  if (type.text.empty() && !active_.empty() && has(&HookState::init))
    throw JsThrow{RValue::failure("ERR_ASYNC_TYPE")};
  const AsyncId id = init_resource(type.text, trigger);
  bind(st, Bound{Kind::Resource, static_cast<std::size_t>(id)});
}

void Machine::combinator(const Statement& st) {
  // `promise.combinators`: the result promise first, then then() on each input with element
  // functions; the last element (all, allSettled), the first settlement (race) or the first
  // fulfilment (any) settles the result.
  const std::size_t result = create_promise(std::nullopt);
  bind(st, Bound{Kind::Promise, result});
  auto shared = std::make_shared<Combinator>(Combinator{st.op, result, st.args.size()});
  // `promise.fast-paths` (variation point): without a promise hook V8's Promise.all and allSettled
  // register the element functions on a native promise with no result promise (no init, no
  // before/after, an empty stack when they run); with one, and always for race and any, through
  // then(), which makes one.
  const bool fast = !profile_.no_fast_paths && !promise_hook_.installed &&
                    (st.op == scenario::Op::PromiseAll || st.op == scenario::Op::PromiseAllSettled);
  for (const auto& a : st.args) {
    Handler fulfil{Handler::Kind::Element};
    fulfil.combinator = shared;
    Handler reject_h{Handler::Kind::ElementReject};
    reject_h.combinator = shared;
    if (fast) {
      Reaction r;
      r.derived = kNoPromise;
      r.on_fulfilled = std::move(fulfil);
      r.on_rejected = std::move(reject_h);
      r.frame = frame_;
      then(bound(a.slot).index, std::move(r));
    } else {
      then_with(bound(a.slot).index, std::move(fulfil), std::move(reject_h));
    }
  }
  if (st.args.empty()) {
    if (st.op == scenario::Op::PromiseAll || st.op == scenario::Op::PromiseAllSettled)
      resolve(result, RValue{});
    else if (st.op == scenario::Op::PromiseAny)
      reject(result, RValue::failure("AggregateError"));
  }
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

std::size_t Machine::new_hook_instance(const Statement& st) {
  const std::size_t first = hook_index_.at(st.binding);
  if (!hook_made_[first]) {
    hook_made_[first] = 1;
    return first;
  }
  if (++extra_instances_ > options_.instance_limit) throw StopRun{RunStatus::InstanceLimit};
  HookState copy = hooks_[first];  // the same callbacks and bodies, a distinct hook
  hooks_.push_back(std::move(copy));
  trace::Event event = hook_events_[first], init = init_events_[first];
  hook_events_.push_back(std::move(event));
  init_events_.push_back(std::move(init));
  return hooks_.size() - 1;
}

std::size_t Machine::new_als_instance(const Statement& st) {
  const std::size_t first = als_index_.at(st.binding);
  if (!als_[first].created) return first;
  if (++extra_instances_ > options_.instance_limit) throw StopRun{RunStatus::InstanceLimit};
  als_.push_back(AlsState{st.binding});
  if (als_.size() > slot_stride_) {
    // Lay the hook model's slots out again with room for more instances.
    const std::size_t stride = slot_stride_ * 2;
    std::vector<const Value*> arena(resources_.size() * stride, nullptr);
    for (std::size_t r = 0; r < resources_.size(); ++r)
      std::copy_n(slot_arena_.begin() + static_cast<std::ptrdiff_t>(r * slot_stride_), slot_stride_,
                  arena.begin() + static_cast<std::ptrdiff_t>(r * stride));
    slot_arena_ = std::move(arena);
    slot_stride_ = stride;
    process_slots_.resize(stride, nullptr);
  }
  return als_.size() - 1;
}

void Machine::enable_als(std::size_t a) {
  // `als.hook.enable`: the first run (or the constructor, per profile) enables the internal hook.
  if (als_[a].enabled) return;
  als_[a].enabled = true;
  enable_hook(storage_hook_);
}

void Machine::als_run(const Statement& st) {
  const std::size_t a = bound(st.receiver_slot).index;
  // `als.exit`: exit(fn) is run(undefined, fn) in the frame model; the hook model disables the
  // instance around fn.
  const bool exit = st.op == scenario::Op::AlsExit;
  const Value& value = exit ? kUndefined : st.args[0];
  Completion c;
  if (exit && profile_.als_model == AlsModel::Hook) {
    if (!als_[a].enabled) {
      c = call_block(st.blocks[0]);
    } else {
      disable_als(a);
      c = call_block(st.blocks[0]);
      enable_als(a);
    }
  } else if (store_of(a) == value) {
    // `als.run.same-store`: running with the store that is already current just calls the callback
    // (both models), so no frame is made and, in the hook model, the internal hook is not enabled.
    c = call_block(st.blocks[0]);
  } else if (profile_.als_model == AlsModel::Frame) {
    // `als.run` (frame model): enterWith(store), the callback, then enterWith(prior) in a finally
    // block: afterwards the frame holds the prior value explicitly.
    const Value* prior = &store_of(a);
    frame_ = frame_with(a, &value);
    c = call_block(st.blocks[0]);
    frame_ = frame_with(a, prior);
  } else if (profile_.als_run_resource) {
    // `als.run-resource` (variation point): Node 12 creates an AsyncResource('AsyncLocalStorage')
    // (init before the instance is enabled), queues its destroy at once, and in its runInAsyncScope
    // calls enterWith(store) (which enables the instance) and the callback.
    const AsyncId id = init_resource("AsyncLocalStorage", default_trigger());
    queue_destroy(id);
    c = run_in_scope(id, [&] {
      enable_als(a);
      current_slots()[a] = &value;
      return call_block(st.blocks[0]);
    });
  } else {
    // `als.run` (hook model): the store is written onto the current resource and restored afterwards.
    enable_als(a);
    const AsyncId resource = stack_.empty() ? 0 : stack_.back().resource;
    const Value* old = current_slots()[a];
    current_slots()[a] = &value;
    c = call_block(st.blocks[0]);
    // Restored as a value: Node writes `resource[store] = oldStore`, so the key stays (undefined,
    // not the default, once a run has happened; `als.default-value`).
    resource_slots(resource)[a] = old ? old : &kUndefined;
  }
  if (c.kind == Completion::Kind::Throw) throw JsThrow{c.value};
}

void Machine::disable_als(std::size_t a) {
  // `als.disable`: the hook model stops propagating the instance and, when no instance is left,
  // disables its internal hook; the frame model deletes the key from the current frame, in place.
  if (profile_.als_model == AlsModel::Frame) {
    if (frame_ && a < frame_->size()) (*frame_)[a] = nullptr;
    return;
  }
  if (!als_[a].enabled) return;
  als_[a].enabled = false;
  if (std::none_of(als_.begin(), als_.end(), [](const AlsState& s) { return s.enabled; }))
    disable_hook(storage_hook_);
}

void Machine::enter_with(std::size_t a, const Value& value) {
  // `als.enter-with`: the frame model replaces the current frame; the hook model writes the store
  // onto executionAsyncResource(), where it stays for later callbacks of that resource.
  if (profile_.als_model == AlsModel::Frame) {
    frame_ = frame_with(a, &value);
    return;
  }
  enable_als(a);
  current_slots()[a] = &value;
}

}  // namespace detail
}  // namespace acx::model
