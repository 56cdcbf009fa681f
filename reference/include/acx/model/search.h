// Exploring the model's choices: one prediction, every allowed trace, or the search for an
// execution that matches an observed trace (how the comparator accepts any allowed order, and only
// those).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "acx/model/machine.h"
#include "acx/trace/compare.h"
#include "acx/trace/projection.h"

namespace acx::model {

struct SearchLimits {
  std::size_t max_runs = 20000;  ///< Segments explored (model execution from one open choice
                                 ///< to the next) before the search gives up.
  /// The part of the trace that is compared (the observed trace must already be projected so).
  trace::Projection projection = trace::Projection::Full;
};

/// The trace the model gives when every choice takes its first option, with the model's own ids
/// (numbered like Node's: root 1, then 2, 3, ... in allocation order).
struct Prediction {
  RunStatus status = RunStatus::Completed;
  std::vector<trace::Event> events;
  std::size_t choice_points = 0;  ///< Choices with two or more options met on the way.
};
[[nodiscard]] Prediction predict(const scenario::Scenario& s, const Profile& p, const RunOptions& o = {});

/// Every distinct trace the model allows (canonical ids, projected as `limits.projection` says), up
/// to `limits.max_runs` segments of exploration.
struct Enumeration {
  std::vector<std::vector<trace::Event>> traces;
  std::size_t count = 0;                   ///< Distinct traces found (traces.size() when kept).
  bool complete = true;                    ///< False when the limit cut the enumeration short.
  std::size_t segments = 0;                ///< Search segments explored (at most limits.max_runs).
  RunStatus worst = RunStatus::Completed;  ///< StepLimit or Unbound if any execution ended so.
};
[[nodiscard]] Enumeration enumerate(const scenario::Scenario& s, const Profile& p, const RunOptions& o = {},
                                    SearchLimits limits = {});
/// The same, streaming: each distinct trace goes to `on_trace` as it is found and is not kept, so
/// memory holds only the branches being explored and a key per trace (acx predict --all).
[[nodiscard]] Enumeration enumerate(const scenario::Scenario& s, const Profile& p, const RunOptions& o,
                                    SearchLimits limits,
                                    const std::function<void(const std::vector<trace::Event>&)>& on_trace);

enum class MatchOutcome {
  Match,        ///< Some allowed execution produces exactly the observed trace.
  Divergence,   ///< None does; `divergence` tells where the best candidate parted.
  SearchLimit,  ///< Gave up after `max_runs` segments without a match.
  BadScenario,  ///< The scenario cannot run in the model (`status` says why).
};

struct MatchResult {
  MatchOutcome outcome = MatchOutcome::Match;
  std::optional<trace::Divergence> divergence;
  std::size_t runs = 0;
  RunStatus status = RunStatus::Completed;  ///< For BadScenario: StepLimit or Unbound.
};

/// A one-line explanation of a run status that makes a scenario unusable.
std::string describe(RunStatus status);

/// Searches the model's executions for one whose canonical trace equals `observed` (canonical).
[[nodiscard]] MatchResult match(const scenario::Scenario& s, const Profile& p,
                                const std::vector<trace::Event>& observed, const RunOptions& o = {},
                                SearchLimits limits = {});

}  // namespace acx::model
