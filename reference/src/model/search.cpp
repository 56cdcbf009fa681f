// Exploring the model's choices: one prediction, every allowed trace, or the search for an execution
// that matches an observed trace. The machine runs in segments between choices; at a choice the
// search forks it, one copy per option, and follows each copy from there, depth first, so that no
// segment runs twice. Copies that reach the same state with the same future (equal state keys and
// equal trace so far, or equal hypotheses about the observed trace) are merged: the later is dropped.
#include "acx/model/search.h"

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "acx/trace/canonical.h"
#include "machine_impl.h"
#include "matcher.h"

namespace acx::model {

namespace {

using detail::Machine;

/// Collects the events of the trace of one branch, renamed (canonical) or raw, with a running key of
/// the trace so far.
class CollectingSink final : public EventSink {
 public:
  explicit CollectingSink(bool canonical, trace::Projection projection = trace::Projection::Full)
      : canonical_(canonical), projection_(projection) {}
  std::vector<trace::Event> events;
  StateHasher prefix;
  bool accept(const trace::Event& e) override {
    trace::Event kept = canonical_ ? rename_.apply(e) : e;
    if (!trace::project(kept, projection_)) return true;
    events.push_back(std::move(kept));
    hash_event(prefix, events.back());
    return true;
  }

 private:
  bool canonical_;
  trace::Projection projection_;
  trace::Renamer rename_{kModelRootId};
};

/// A branch of the enumeration: its trace so far, and the events trace.scope still holds back.
struct Collector final : TraceConsumer {
  explicit Collector(bool canonical, trace::Projection projection = trace::Projection::Full)
      : sink(canonical, projection), filter(sink) {}
  Collector(const Collector& other) : sink(other.sink), filter(other.filter) { filter.set_sink(sink); }
  Collector& operator=(const Collector&) = delete;
  bool event(const trace::Event& e, bool decided) override { return filter.event(e, decided); }
  bool joined(trace::AsyncId id) override { return filter.joined(id); }
  bool end() override { return filter.end(); }
  void hash_into(StateHasher& h) const {
    const StateKey k = sink.prefix.key();
    h.add(k.high);
    h.add(k.low);
    for (const auto& held : filter.held()) {
      hash_event(h, held.event);
      h.add(held.decided);
    }
  }
  CollectingSink sink;
  FilteredTrace filter;
};

template <typename Consumer>
struct Branch {
  std::unique_ptr<Consumer> consumer;
  std::unique_ptr<Machine> machine;
};

/// Pushes one branch per option of the choice `b` waits at, option 0 on top.
template <typename Consumer>
void push_options(std::vector<Branch<Consumer>>& stack, Branch<Consumer> b, std::size_t options) {
  for (std::size_t i = options; i-- > 1;) {
    Branch<Consumer> copy;
    copy.consumer = std::make_unique<Consumer>(*b.consumer);
    copy.machine = b.machine->fork(*copy.consumer);
    copy.machine->choose(i);
    stack.push_back(std::move(copy));
  }
  b.machine->choose(0);
  stack.push_back(std::move(b));
}

/// The key of a branch at a choice: its machine's state and its consumer's.
template <typename Consumer>
StateKey branch_key(const Branch<Consumer>& b) {
  StateHasher h;
  b.machine->hash_state(h);
  b.consumer->hash_into(h);
  return h.key();
}

}  // namespace

std::string describe(RunStatus status) {
  switch (status) {
    case RunStatus::Completed:
      return "completed";
    case RunStatus::Stopped:
      return "stopped";
    case RunStatus::StepLimit:
      return "the scenario does not terminate in the model (step limit reached)";
    case RunStatus::Unbound:
      return "a callback used a name before the statement that binds it had run";
    case RunStatus::InstanceLimit:
      return "createHook or new AsyncLocalStorage statements ran again more often than the model's limit";
    case RunStatus::DepthLimit:
      return "calls nest deeper than the model's limit (unbounded recursion)";
  }
  return "?";
}

Prediction predict(const scenario::Scenario& s, const Profile& p, const RunOptions& o) {
  Collector collector(false);
  Machine machine(s, p, collector, o);
  Prediction out;
  while (machine.advance() != 0) {
    ++out.choice_points;
    machine.choose(0);
  }
  out.status = machine.status();
  out.events = std::move(collector.sink.events);
  return out;
}

Enumeration enumerate(const scenario::Scenario& s, const Profile& p, const RunOptions& o,
                      SearchLimits limits) {
  Enumeration out;
  Enumeration e =
      enumerate(s, p, o, limits, [&](const std::vector<trace::Event>& t) { out.traces.push_back(t); });
  out.count = e.count;
  out.complete = e.complete;
  out.segments = e.segments;
  out.worst = e.worst;
  return out;
}

Enumeration enumerate(const scenario::Scenario& s, const Profile& p, const RunOptions& o, SearchLimits limits,
                      const std::function<void(const std::vector<trace::Event>&)>& on_trace) {
  Enumeration out;
  std::vector<Branch<Collector>> stack;
  {
    Branch<Collector> root;
    root.consumer = std::make_unique<Collector>(true, limits.projection);
    root.machine = std::make_unique<Machine>(s, p, *root.consumer, o);
    stack.push_back(std::move(root));
  }
  // Branches merge where their state and their trace so far are equal; finished traces are told
  // apart by their keys.
  std::unordered_set<StateKey, StateKeyHash> visited, traces;
  while (!stack.empty()) {
    if (out.segments == limits.max_runs) {
      out.complete = false;
      break;
    }
    ++out.segments;
    Branch<Collector> b = std::move(stack.back());
    stack.pop_back();
    const std::size_t options = b.machine->advance();
    if (options == 0) {
      const RunStatus status = b.machine->status();
      if (status != RunStatus::Completed) out.worst = status;
      if (traces.insert(b.consumer->sink.prefix.key()).second) {
        ++out.count;
        on_trace(b.consumer->sink.events);
      }
      continue;
    }
    if (!visited.insert(branch_key(b)).second) continue;
    push_options(stack, std::move(b), options);
  }
  return out;
}

MatchResult match(const scenario::Scenario& s, const Profile& p, const std::vector<trace::Event>& observed,
                  const RunOptions& o, SearchLimits limits) {
  MatchResult out;
  detail::Deepest deepest;
  using MatchBranch = Branch<detail::Matcher>;
  // Branches waiting at a choice (advanced, keyed, not yet forked), deepest last.
  std::vector<MatchBranch> stack;
  // The keys of the states met, by where they are in the observed trace. A state's key (a walk over
  // the whole state) is taken only where another branch could meet the same state: while other
  // branches are alive, or where keys were taken before. A lone branch's state can only be met again
  // by its own descendants, and the run always moves on, so it is not kept: following one ambiguous
  // timer after another costs no walk over the state.
  std::unordered_map<std::uint64_t, std::unordered_set<StateKey, StateKeyHash>> visited;
  std::size_t siblings_left = 0;
  // Advances a branch by one segment and leaves it on the stack if it waits at a new choice.
  const auto advance = [&](MatchBranch b) -> std::optional<MatchOutcome> {
    ++out.runs;
    const std::size_t options = b.machine->advance();
    if (options == 0) {
      const RunStatus status = b.machine->status();
      if (status != RunStatus::Completed && status != RunStatus::Stopped) {
        out.status = status;
        return MatchOutcome::BadScenario;
      }
      if (status == RunStatus::Completed && b.consumer->finished()) return MatchOutcome::Match;
      return std::nullopt;
    }
    auto& seen = visited[b.consumer->position_signature()];
    if (!seen.empty() || !stack.empty() || siblings_left > 0)
      if (!seen.insert(branch_key(b)).second) return std::nullopt;
    stack.push_back(std::move(b));
    return std::nullopt;
  };
  {
    MatchBranch root;
    root.consumer = std::make_unique<detail::Matcher>(observed, limits.projection, deepest);
    root.machine = std::make_unique<Machine>(s, p, *root.consumer, o);
    if (auto done = advance(std::move(root))) {
      out.outcome = *done;
      return out;
    }
  }
  while (!stack.empty()) {
    if (out.runs >= limits.max_runs) {
      out.outcome = MatchOutcome::SearchLimit;
      out.divergence = deepest.get();
      return out;
    }
    MatchBranch b = std::move(stack.back());
    stack.pop_back();
    // Each option of the choice runs to its own next choice before any is followed further, so that
    // the options the observed trace rules out at once are gone before they are kept waiting: the
    // stack holds only what is really ambiguous.
    const std::size_t options = b.machine->options_waiting();
    std::vector<MatchBranch> children;
    for (std::size_t i = 1; i < options; ++i) {
      MatchBranch c;
      c.consumer = std::make_unique<detail::Matcher>(*b.consumer);
      c.machine = b.machine->fork(*c.consumer);
      c.machine->choose(i);
      children.push_back(std::move(c));
    }
    b.machine->choose(0);
    children.insert(children.begin(), std::move(b));
    // The last options first (a timer not due yet, a phase that ends: what an observation rules out
    // soonest), so that option 0 (the run going on), advanced last, often has no sibling left alive
    // and needs no key; it ends on top of the stack, explored first.
    siblings_left = children.size();
    for (auto c = children.rbegin(); c != children.rend(); ++c) {
      --siblings_left;
      if (auto done = advance(std::move(*c))) {
        out.outcome = *done;
        return out;
      }
    }
  }
  out.outcome = MatchOutcome::Divergence;
  out.divergence = deepest.get();
  return out;
}

}  // namespace acx::model
