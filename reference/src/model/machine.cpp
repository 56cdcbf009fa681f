// The model's run (spec/event-loop.md `loop.main`): the main script, the drain after it, then the
// loop's phases until nothing is left; the machine's set-up and its limits. The chapters' operations
// are in the files named after them.
#include <fmt/format.h>

#include "acx/scenario/parser.h"
#include "machine_impl.h"

namespace acx::model {

const std::set<std::string>& mutable_rules() {
  // Each name is a rule id; the model code that checks `mutated(ID)` is the rule's implementation.
  static const std::set<std::string> rules = {"promise.trigger",    "loop.drain",
                                              "als.propagation",    "stack.default-trigger",
                                              "hooks.before-after", "time.zone"};
  return rules;
}

RunStatus run(const scenario::Scenario& scenario, const Profile& profile, Chooser& chooser, EventSink& sink,
              const RunOptions& options) {
  FilteredTrace filter(sink);
  return run(scenario, profile, chooser, filter, options);
}

RunStatus run(const scenario::Scenario& scenario, const Profile& profile, Chooser& chooser,
              TraceConsumer& consumer, const RunOptions& options) {
  detail::Machine machine(scenario, profile, consumer, options);
  while (const std::size_t options_count = machine.advance()) machine.choose(chooser.choose(options_count));
  return machine.status();
}

namespace detail {

RunBuffers& run_buffers() {
  static thread_local RunBuffers b;
  return b;
}

Machine::~Machine() {
  // The storage model gives its tables back first (its destructor).
  storage_.reset();
  RunBuffers& b = run_buffers();
  loop_.jobs.items.clear();
  b.jobs = std::move(loop_.jobs.items);
}

Machine::Machine(const scenario::Scenario& s, const Profile& p, TraceConsumer& consumer, const RunOptions& o)
    : scenario_(s), profile_(p), options_(o), trace_(consumer) {
  {
    RunBuffers& b = run_buffers();
    loop_.jobs.items = std::move(b.jobs);
    loop_.jobs.items.clear();
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
      const auto callbacks = scenario::hook_callback_names();
      for (std::size_t i = 0; i < st.blocks.size(); ++i)
        for (std::size_t cb = 0; cb < callbacks.size(); ++cb)
          if (st.labels[i] == callbacks[cb]) h.bodies[cb] = &st.blocks[i];
      hooks_.index[st.binding] = hooks_.all.size();
      hooks_.all.push_back(h);
    } else if (st.op == scenario::Op::NewAls) {
      als_index_[st.binding] = als_.size();
      als_.push_back(AlsState{st.binding});
      als_declarations_.push_back(&st);
    }
  }
  hooks_.made.assign(hooks_.all.size(), 0);
  // `als.hook.enable`: the hook model's AsyncLocalStorage installs one internal init hook.
  hooks_.storage_hook = hooks_.all.size();
  hooks_.all.push_back(HookState{"<AsyncLocalStorage>", true});
  hooks_.events.resize(hooks_.all.size());
  hooks_.init_events.resize(hooks_.all.size());
  for (std::size_t h = 0; h < hooks_.all.size(); ++h)
    hooks_.events[h].hook = hooks_.init_events[h].hook = hooks_.all[h].name;
  storage_.reset(make_storage_model(*this, profile_.als_model));
  grow_tables(kModelRootId);
  resource(kModelRootId) = Resource{"(root)", 0};
}

std::unique_ptr<Machine> Machine::fork(TraceConsumer& consumer) const {
  // Only at a choice: no block runs then, so nothing of the run lives on the C++ stack.
  std::unique_ptr<Machine> copy(new Machine(*this));
  copy->trace_.set_consumer(consumer);
  copy->storage_->attach(*copy);
  return copy;
}

void Machine::choose(std::size_t option) {
  using Choice = LoopPosition::Choice;
  const Choice choice = std::exchange(pos_.choice, Choice::None);
  // The option is taken by the next advance(), where the exceptions that end a run are handled.
  pending_option_ = option;
  pending_choice_ = choice;
}

std::size_t Machine::advance() {
  try {
    while (true) {
      try {
        return run_stages();
      } catch (const ProcessExit& exit) {
        // `uncaught.exit`: the process ends; the rest of the loop never runs.
        pos_.exit_code = exit.code;
        pos_.choice = LoopPosition::Choice::None;
        pending_choice_ = LoopPosition::Choice::None;
        pos_.stage = LoopPosition::Stage::Finish;
      }
    }
  } catch (const StopRun& stop) {
    pos_.status = stop.status;
    pos_.stage = LoopPosition::Stage::Done;
    return 0;
  }
}

std::size_t Machine::run_stages() {
  using Stage = LoopPosition::Stage;
  using Choice = LoopPosition::Choice;
  // The option taken at the last choice.
  switch (std::exchange(pending_choice_, Choice::None)) {
    case Choice::None:
      break;
    case Choice::Queue:
      take_queue(pending_option_);
      break;
    case Choice::TimerDue:
      take_timer_due(pending_option_);
      break;
    case Choice::Again:
      take_timers_again(pending_option_);
      break;
    case Choice::PlatformTask:
      take_platform_task(pending_option_);
      break;
  }
  while (pos_.choice == Choice::None) {
    switch (pos_.stage) {
      case Stage::Main:
        run_main_script();
        pos_.stage = Stage::Iteration;
        break;
      case Stage::Iteration:
        if (!timers_.any_pending() && !loop_.immediates_pending() && loop_.destroy_queue.empty()) {
          // `rejection.report-point` loop-turn: Bun reports what is pending once more before it
          // exits (after 'beforeExit'), with no drain: what the listeners queue never runs.
          pos_.stage = Stage::Finish;
          if (reports_at_turns()) report_rejections();
          break;
        }
        if (reports_at_turns()) {
          // Bun's loop turn: EventLoop::tick (a drain, then the rejections), then auto_tick: the
          // immediates queued before it, then the due timers.
          drain();
          report_rejections();
          pos_.stage = Stage::Check;
          break;
        }
        begin_timers_phase();
        break;
      case Stage::Timers:
        if (!timers_step()) end_timers_phase();
        break;
      case Stage::Queue:
        queue_step();
        break;
      case Stage::Poll:
        poll_phase();
        break;
      case Stage::Check:
        check_phase();
        if (reports_at_turns())
          begin_timers_phase();
        else
          pos_.stage = Stage::Iteration;
        break;
      case Stage::Finish:
        pos_.stage = Stage::Done;
        trace_.finish(pos_.exit_code);
        return 0;
      case Stage::Done:
        return 0;
    }
  }
  return pos_.options;
}

void Machine::run_main_script() {
  // `loop.main`: the top level runs first, in the root context (`ids.root`).
  ids_.stack.push_back(ExecFrame{kModelRootId, 0, kModelRootId});
  const Completion main = call_callback(scenario_.body);
  if (main.kind == Completion::Kind::Throw) uncaught(main.value);
  ids_.stack.clear();
  // `rejection.context`: Node's drain after the main script runs outside the main script's
  // context frame (its callback scope has closed); Bun's keeps it (`drain`).
  if (profile_.rejection_context == ListenerContext::Runtime) storage_->swap(kNoFrame);
  // `loop.main-drain-context` (variation point): Node 10 drains in the main script's context.
  if (profile_.main_drain_in_root) ids_.stack.push_back(ExecFrame{kModelRootId, 0, kModelRootId, true});
  loop_.main_drain = true;
  drain();
  if (reports_at_turns()) {
    // `rejection.report-point` loop-turn: Bun's EventLoop::tick after loading the entry point (a
    // drain, then the rejections), and a second one when the loop is alive; the loop's own turns
    // start with a third.
    report_rejections();
    if (timers_.any_pending() || !loop_.immediates.empty()) {
      drain();
      report_rejections();
    }
  }
  loop_.main_drain = false;
  // `uncaught.handled`: a drain the main script's leftovers abandoned is no phase whose next
  // callback would run first; what it left waits for the next callback scope to close.
  loop_.interrupted = false;
  ids_.stack.clear();
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

RValue Machine::evaluate(const Value& v) const {
  if (v.kind != Value::Kind::Name) return RValue::of(v);
  const Bound& b = bound(v.slot);
  if (b.kind == Kind::Thenable) return RValue::thenable(b.index);
  return RValue::promise(b.index);
}

}  // namespace detail
}  // namespace acx::model
