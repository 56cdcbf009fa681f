// acx bench-scale: what the model's two searches cost as a scenario grows. Workloads of N
// independent chains are generated (the chain; a timer-heavy mix), and for each N the command
// measures prediction (every allowed trace counted, as `acx predict --count` does, within a
// budget) and matching (the search for an execution that produces one observed trace, as `acx
// check` does), with timed repetitions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "acx/backends/backend.h"
#include "acx/model/machine.h"
#include "acx/model/profile.h"
#include "acx/scenario/ast.h"
#include "acx/trace/event.h"
#include "acx/trace/projection.h"

namespace acx::cli {

enum class ScaleWorkload {
  /// Each chain in its own als.run("rI"): setTimeout(1), nextTick, Promise.resolve(i).then, .then with a
  /// setImmediate in it, .finally with a queueMicrotask in it; every callback observes.
  Chain,
  /// Each chain a request a server handles: a timeout of 0, 1, 2, 5 or 10 ms, an interval of 1, 2
  /// or 5 ms cleared after 2 or 3 polls, a nested timeout racing the polls, a tick, a promise, an
  /// immediate, a last setTimeout(0).
  Timers,
};

/// "chain", "timers".
const char* workload_name(ScaleWorkload w);
std::optional<ScaleWorkload> workload_from_name(const std::string& name);

/// The scenario (.acx text) of `n` chains of the workload, with @id bench/NAME-N.
std::string scale_scenario(ScaleWorkload w, int n);

struct ScaleSettings {
  std::size_t prediction_budget = 2000;  ///< Segments of exploration before counting gives up.
  std::size_t search_budget = 20000;     ///< Segments the search for the observed trace may take.
  model::RunOptions run;
};

/// Prediction: how many traces the model allows, as `acx predict --count` counts them.
struct PredictionCost {
  std::size_t traces = 0;
  bool complete = true;  ///< False: the budget ran out and `traces` is a lower bound.
  std::size_t segments = 0;
  model::RunStatus worst = model::RunStatus::Completed;
  std::vector<double> seconds;  ///< CPU time of the measuring thread, one per repetition.
};

/// Matching: the search for an execution whose trace is the observed one.
struct MatchCost {
  std::string verdict;          ///< "pass", or why not (the judge's verdict name, or the search's outcome).
  std::string report;           ///< Empty for a pass.
  std::size_t events = 0;       ///< Events of the observed trace (as compared: projected, canonical).
  std::size_t segments = 0;     ///< Search segments until the match (the same every repetition).
  std::vector<double> seconds;  ///< CPU time, one per repetition; empty when the observation did not pass.
};

/// One N of one workload: the scenario, the observed trace it is matched against, what was measured.
class ScaleCase {
 public:
  /// Parses the generated scenario; throws std::runtime_error if it does not parse (a generator bug).
  ScaleCase(ScaleWorkload w, int n, const model::Profile& profile, const ScaleSettings& settings);

  ScaleWorkload workload() const { return workload_; }
  int n() const { return n_; }

  /// The observed trace: the model's own first trace (`backend` null), or the trace `backend`
  /// prints when it runs the scenario once, judged as `acx check` judges it. Sets `match.verdict`.
  void observe(backends::Backend* backend);
  /// One timed repetition of each search (the match only if the observation passed).
  void time_prediction();
  void time_match();

  PredictionCost prediction;
  MatchCost match;

 private:
  ScaleWorkload workload_;
  int n_;
  const model::Profile* profile_;
  ScaleSettings settings_;
  scenario::Scenario scenario_;
  trace::Projection projection_ = trace::Projection::Full;
  std::vector<trace::Event> observed_;  ///< Canonical and projected, as the search compares it.
};

/// The median of `values` (the upper of the two middle ones for an even count); 0 when empty.
double median(std::vector<double> values);

}  // namespace acx::cli
