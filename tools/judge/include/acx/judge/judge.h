// The judge: is what a backend observes for a program among the traces the model allows? One
// verdict for every command that judges (acx check and conformance through check_case, acx fuzz,
// its shrinker and bench-programs, the property tests): comparability (capabilities), the model's
// prediction (can it finish?), the run, the search for a matching execution, the verdict.
#pragma once

#include <cstdint>
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
    Pass,       ///< The model allows the observed trace.
    Fail,       ///< It does not: the search went through every allowed execution.
    Undecided,  ///< The search gave up (its budget of search segments ran out) before deciding.
    /// The model allows the observed trace only if some step of the run took longer than
    /// RunOptions::stall_ms (spec/time.md `time.stall`): the machine was too busy to judge the run.
    Stalled,
    Unsupported,     ///< The program needs capabilities the profile lacks.
    Invalid,         ///< The model cannot run the program (step limit, unbound name).
    BackendFailure,  ///< The backend produced no trace.
  } kind = Kind::Pass;
  std::string report;  ///< First-divergence report, failure message, or the missing capabilities.
  std::vector<std::string> missing;
  trace::Projection projection = trace::Projection::Full;
  std::optional<trace::Trace> observed;  ///< Canonical, as the backend printed it.
  std::optional<trace::Divergence> divergence;
  /// BackendFailure: how the backend failed (a timeout is worth running again; a crash is not).
  std::optional<backends::BackendFailure::Kind> failure;
};

/// "pass", "fail", "undecided", "stalled", "unsupported", "invalid", "backend failure".
const char* verdict_name(Judgement::Kind kind);

/// Model executions the search for a matching one may take before the verdict is Undecided
/// (model::SearchLimits::max_runs; `--search-budget` of check, verify, conformance and stress).
inline constexpr std::size_t kDefaultSearchBudget = model::SearchLimits{}.max_runs;

/// What a stalled verdict's report says before the first divergence under the bound `stall_ms`
/// (RunOptions::stall_ms), up to and with its line break.
std::string stalled_report(std::int64_t stall_ms);

/// After a search under `options` found no match (MatchOutcome::Divergence): whether the model
/// with no stall bound (model::kUnboundedStall) allows the observed trace `observed` (projected
/// as `limits` says). Never true when `options` has no bound already.
bool explained_by_stall(const scenario::Scenario& s, const model::Profile& profile,
                        const std::vector<trace::Event>& observed, const model::RunOptions& options,
                        const model::SearchLimits& limits);

/// Runs `s` on `backend` and searches the model's executions under `profile` for the observed trace
/// (or its stores projection, `capabilities.projection`).
/// `max_choice_points` (random programs): a program with more choice points in its first model
/// execution is Invalid, not judged. `search_budget`: search segments explored before giving up
/// (Undecided, never a Fail: the observed trace may be one of the executions not searched). A
/// trace the model allows only without the stall bound of `options` is Stalled, never a Fail or a
/// pass; its report gives the first divergence under the bound.
Judgement judge(const scenario::Scenario& s, backends::Backend& backend, const model::Profile& profile,
                const std::string& source, const model::RunOptions& options = {},
                std::optional<std::size_t> max_choice_points = std::nullopt,
                std::size_t search_budget = kDefaultSearchBudget);

/// A judgement of an allowed observation (a pass, or stalled) as it is, unless the case's `@orders N`
/// header and the number of traces the model allows (on `projection`) disagree: then a failure
/// saying so. Counted under `options` with the spec's stall bound (RunOptions{}.stall_ms), whatever
/// bound the observation was judged with (--stall) and whether it stalled: the count is the spec's.
Judgement check_orders(const scenario::Scenario& s, const model::Profile& profile, const std::string& source,
                       const model::RunOptions& options, trace::Projection projection, Judgement judged);

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
