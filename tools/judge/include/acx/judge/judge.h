// The judge: is what a backend observes for a program among the traces the model allows? One
// verdict for every command that judges (acx check and conformance through check_case, acx fuzz,
// its shrinker and bench-programs, the property tests): comparability (capabilities), the model's
// prediction (can it finish?), the run, the search for a matching execution, the verdict.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "acx/backends/backend.h"
#include "acx/model/profile.h"
#include "acx/model/search.h"
#include "acx/scenario/ast.h"
#include "acx/trace/projection.h"

namespace acx::judge {

struct Judgement {
  enum class Kind {
    Pass,            ///< The model allows the observed trace.
    Fail,            ///< It does not (or no match within the search limit).
    Unsupported,     ///< The program needs capabilities the profile lacks.
    Invalid,         ///< The model cannot run the program (step limit, unbound name).
    BackendFailure,  ///< The backend produced no trace.
  } kind = Kind::Pass;
  std::string report;  ///< First-divergence report, failure message, or the missing capabilities.
  std::vector<std::string> missing;
  trace::Projection projection = trace::Projection::Full;
  std::optional<trace::Trace> observed;  ///< Canonical, as the backend printed it.
  std::optional<trace::Divergence> divergence;
};

/// Runs `s` on `backend` and searches the model's executions under `profile` for the observed trace
/// (or its stores projection, `capabilities.projection`).
/// `max_choice_points` (random programs): a program with more choice points in its first model
/// execution is Invalid, not judged.
Judgement judge(const scenario::Scenario& s, backends::Backend& backend, const model::Profile& profile,
                const std::string& source, const model::RunOptions& options = {},
                std::optional<std::size_t> max_choice_points = std::nullopt);

/// The choice points random programs may have (2^14 orders stay under the search's default limit).
inline constexpr std::size_t kRandomProgramChoicePoints = 14;

/// The model's limits for random programs: few callbacks are needed, so one that needs more than
/// 2,000 (an interval whose callback throws before clearing it) never ends and is refused quickly.
model::RunOptions random_program_options();

/// judge() as acx fuzz, acx bench-programs and the property tests apply it to a random program:
/// with random_program_options() and at most kRandomProgramChoicePoints orders left open.
Judgement judge_random(const scenario::Scenario& s, backends::Backend& backend, const model::Profile& profile,
                       const std::string& source);

}  // namespace acx::judge
