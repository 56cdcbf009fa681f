#include "acx/model/search.h"

#include <algorithm>

#include "acx/trace/canonical.h"

namespace acx::model {

namespace {

/// Replays a prefix of decisions, then takes option 0 and records every new choice point:
/// stateless depth-first exploration, as in stateless model checking.
class ReplayChooser final : public Chooser {
 public:
  struct Decision {
    std::size_t taken;
    std::size_t options;
  };
  std::vector<Decision> decisions;
  std::size_t position = 0;

  std::size_t choose(std::size_t options) override {
    if (position < decisions.size()) return decisions[position++].taken;
    decisions.push_back({0, options});
    ++position;
    return 0;
  }
  /// Moves to the next unexplored sequence; false when everything was explored.
  bool advance() {
    decisions.resize(position);
    while (!decisions.empty() && decisions.back().taken + 1 == decisions.back().options) decisions.pop_back();
    if (decisions.empty()) return false;
    ++decisions.back().taken;
    position = 0;
    return true;
  }
};

class CollectingSink final : public EventSink {
 public:
  explicit CollectingSink(bool canonical) : canonical_(canonical) {}
  std::vector<trace::Event> events;
  bool accept(const trace::Event& e) override {
    events.push_back(canonical_ ? rename_.apply(e) : e);
    return true;
  }

 private:
  bool canonical_;
  trace::Renamer rename_{kModelRootId};
};

/// Compares the model's events one by one against the observed trace and stops at the first
/// difference, remembering the deepest point any execution reached.
class MatchingSink final : public EventSink {
 public:
  MatchingSink(const std::vector<trace::Event>& observed, trace::Projection projection)
      : observed_(observed), projection_(projection) {}
  void reset() {
    rename_ = trace::Renamer{kModelRootId};
    index_ = 0;
  }
  bool accept(const trace::Event& raw) override {
    trace::Event e = rename_.apply(raw);
    if (!trace::project(e, projection_)) return true;
    if (index_ < observed_.size() && e == observed_[index_]) {
      ++index_;
      return true;
    }
    note_divergence(e);
    return false;
  }
  /// Called when an execution completes: it matches only if it produced every observed event.
  bool finished() {
    if (index_ == observed_.size()) return true;
    note_divergence(std::nullopt);
    return false;
  }
  std::optional<trace::Divergence> best() const { return best_; }

 private:
  void note_divergence(std::optional<trace::Event> expected) {
    if (!best_ || index_ > best_->index) {
      best_ = trace::Divergence{};
      best_->index = index_;
      if (index_ < observed_.size()) best_->observed = observed_[index_];
      const std::size_t from = index_ > 6 ? index_ - 6 : 0;
      best_->context.assign(observed_.begin() + static_cast<std::ptrdiff_t>(from),
                            observed_.begin() + static_cast<std::ptrdiff_t>(index_));
    }
    if (index_ == best_->index && expected &&
        std::find(best_->expected.begin(), best_->expected.end(), *expected) == best_->expected.end()) {
      best_->expected.push_back(*expected);
    }
  }

  const std::vector<trace::Event>& observed_;
  trace::Projection projection_;
  trace::Renamer rename_{kModelRootId};
  std::size_t index_ = 0;
  std::optional<trace::Divergence> best_;
};

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
  ReplayChooser chooser;
  CollectingSink sink(false);
  Prediction out;
  out.status = run(s, p, chooser, sink, o);
  out.events = std::move(sink.events);
  out.choice_points = chooser.decisions.size();
  return out;
}

Enumeration enumerate(const scenario::Scenario& s, const Profile& p, const RunOptions& o,
                      SearchLimits limits) {
  Enumeration out;
  ReplayChooser chooser;
  for (std::size_t runs = 0;; ++runs) {
    if (runs == limits.max_runs) {
      out.complete = false;
      break;
    }
    CollectingSink sink(true);
    const RunStatus status = run(s, p, chooser, sink, o);
    if (status != RunStatus::Completed) out.worst = status;
    if (std::find(out.traces.begin(), out.traces.end(), sink.events) == out.traces.end())
      out.traces.push_back(std::move(sink.events));
    if (!chooser.advance()) break;
  }
  return out;
}

MatchResult match(const scenario::Scenario& s, const Profile& p, const std::vector<trace::Event>& observed,
                  const RunOptions& o, SearchLimits limits) {
  MatchResult out;
  ReplayChooser chooser;
  MatchingSink sink(observed, limits.projection);
  while (true) {
    if (out.runs == limits.max_runs) {
      out.outcome = MatchOutcome::SearchLimit;
      out.divergence = sink.best();
      return out;
    }
    ++out.runs;
    sink.reset();
    const RunStatus status = run(s, p, chooser, sink, o);
    if (status != RunStatus::Completed && status != RunStatus::Stopped) {
      out.outcome = MatchOutcome::BadScenario;
      out.status = status;
      return out;
    }
    if (status == RunStatus::Completed && sink.finished()) {
      out.outcome = MatchOutcome::Match;
      return out;
    }
    if (!chooser.advance()) break;
  }
  out.outcome = MatchOutcome::Divergence;
  out.divergence = sink.best();
  return out;
}

}  // namespace acx::model
