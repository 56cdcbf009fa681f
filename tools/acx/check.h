// Checking one conformance case: the model against a backend (acx check), once or, for a verdict
// that is not a pass, again (--reruns): a case that passes on one run and fails on another is
// unstable, never a pass or a fail.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "acx/backends/backend.h"
#include "acx/judge/judge.h"
#include "acx/model/machine.h"
#include "acx/model/profile.h"
#include "acx/scenario/ast.h"
#include "acx/trace/projection.h"

namespace acx::cli {

struct CaseOutcome {
  /// Unsupported: the case needs a capability the runtime lacks (spec/capabilities.md); it is neither
  /// a pass nor a fail. Undecided: the model's search ran out of its budget. Stalled: the model
  /// allows the observation only if a step took longer than the stall bound (the judge's
  /// Stalled, judge.h). Unstable: run several times (check_case_runs), it passed on some runs and
  /// failed on others.
  enum class Kind { Pass, Fail, Undecided, Stalled, Unstable, Unsupported, BadInput, BackendFailure } kind;
  std::string file;
  std::string id;      ///< The case's @id (or the file name when the case did not parse).
  std::string report;  ///< Empty for a pass; otherwise the first-divergence report or the error.
  std::vector<std::string> missing;                        ///< Unsupported: the capabilities it lacks.
  trace::Projection projection = trace::Projection::Full;  ///< What part of the trace was compared.
  bool timed_out = false;  ///< BackendFailure: the backend was killed at the time limit.
  /// One run of a case that was run more than once, in the order they ran.
  struct Run {
    Kind kind;
    std::string report;
    bool timed_out = false;
  };
  std::vector<Run> runs;  ///< Empty when the case ran once.

  std::size_t passed_runs() const;
  std::size_t stalled_runs() const;  ///< Of the runs (the outcome itself when it ran once).
};

/// A case file read: its scenario, or the located error when it does not parse or its header is
/// wrong (a @requires that names no capability of spec/capabilities.md).
struct CaseFile {
  std::string id;  ///< The case's @id, or the file name when it has none or did not parse.
  std::optional<scenario::Scenario> scenario;
  std::string error;
};
CaseFile read_case(const std::string& file);

/// Parses `file`, checks its header, and has the judge (acx/judge/judge.h) run it on `backend` and
/// search the model (under `profile`, at most `search_budget` executions) for an execution with the
/// same canonical trace, or with the same stores where the profile's hooks or ids are partial. A
/// case that needs a capability the profile lacks is not run.
CaseOutcome check_case(const std::string& file, backends::Backend& backend, const model::Profile& profile,
                       const model::RunOptions& options,
                       std::size_t search_budget = judge::kDefaultSearchBudget);

struct Reruns {
  unsigned count = 0;  ///< More runs of a case whose first run is worth_rerunning.
  /// The case is expected to fail (conformance/expectations): a first pass is run again too, so
  /// that an intermittent divergence is not taken for a fixed one.
  bool expected_to_fail = false;
};

/// Whether a first run says too little on its own: a fail, an undecided search, a stalled run or a
/// timeout (each may be the runtime's timing or the machine's load), or, for an expected failure,
/// a pass.
bool worth_rerunning(const CaseOutcome& first, bool expected_to_fail);

/// check_case, and `reruns.count` more runs when the first is worth_rerunning; the verdict of all
/// of them (combine_runs).
CaseOutcome check_case_runs(const std::string& file, backends::Backend& backend,
                            const model::Profile& profile, const model::RunOptions& options,
                            std::size_t search_budget, const Reruns& reruns);

/// The verdict of several runs of one case (the first first): a pass if some passed and the others
/// stalled (a stalled run shows nothing against the runtime); Unstable if some passed and some
/// failed or the backend failed on them; Undecided if some passed and the others were undecided or
/// stalled, one at least undecided (no run diverged, so nothing shows the runtime unstable); with
/// no pass, Fail if any run failed, else Undecided if any was, else the first
/// run's (Stalled when every run stalled). The report says how many runs passed (and how many
/// stalled) and gives each distinct report of the others. `runs` holds every run.
CaseOutcome combine_runs(const std::vector<CaseOutcome>& runs);

const char* outcome_word(CaseOutcome::Kind kind);

}  // namespace acx::cli
