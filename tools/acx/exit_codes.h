// Exit codes of the acx CLI, one per outcome (README "Exit codes").
#pragma once

namespace acx::cli {

inline constexpr int kExitOk = 0;              ///< Everything passed.
inline constexpr int kExitDivergence = 1;      ///< The model and a backend disagree.
inline constexpr int kExitBadInput = 2;        ///< A malformed scenario, trace, profile or command line.
inline constexpr int kExitBackendFailure = 3;  ///< A backend could not run, crashed, hung or printed garbage.
/// No divergence found, but some verdict is undecided: the model's search for a matching execution
/// ran out of its budget (--search-budget) before it could tell.
inline constexpr int kExitUndecided = 4;
/// Nothing worse, but some verdict is stalled: the observed trace is allowed only if the runtime
/// took longer than --stall ms for a step (the judge's Stalled, judge.h): the machine was too busy
/// for it to be judged (check, verify, stress, fuzz; acx conformance counts stalled cells, exit 0).
inline constexpr int kExitStalled = 5;

}  // namespace acx::cli
