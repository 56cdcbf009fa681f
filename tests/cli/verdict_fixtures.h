// Fixtures of the verdict tests (verdicts_test, verdict_reports_test): conformance cases and
// traces of them that make each verdict when a ScriptedBackend (test_backend.h) prints them: a
// pass, a fail, undecided under a tight search budget, stalled (four fires of an interval).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "acx/backends/backend.h"
#include "acx/model/profile.h"
#include "acx/scenario/ast.h"
#include "acx/trace/event.h"

namespace acx::testing::verdicts {

inline const std::string kChoices = ACX_SOURCE_DIR "/conformance/cases/loop/timeout-vs-immediate.acx";
inline const std::string kChain = ACX_SOURCE_DIR "/conformance/cases/promises/chain-triggers.acx";
inline const std::string kInterval = ACX_SOURCE_DIR "/conformance/cases/loop/interval-cleared-by-timeout.acx";

model::Profile node20();

/// The case file parsed (a failed parse fails the test).
scenario::Scenario parse(const std::string& file);

/// The model's first trace of a case: a trace it allows.
trace::Trace allowed(const std::string& file);

/// Two traces kChoices allows and a search budget that decides the first (`reached`) but runs
/// out before the second (`beyond`). Found by trying budgets, so that the tests do not depend on
/// the order in which the search visits the choices.
struct BudgetSplit {
  trace::Trace reached;
  trace::Trace beyond;
  std::size_t budget = 0;
};

const BudgetSplit& budget_split();
trace::Trace allowed_but_not_first();  ///< budget_split().beyond
std::size_t tight_budget();            ///< budget_split().budget

/// A trace the model does not allow: the case's first trace with one observation relabelled.
trace::Trace divergent(const std::string& file, const std::string& label = "not what ran");

/// kInterval's allowed trace with the most fires of its setInterval(20) before the setTimeout(70)
/// clears it: three (at 20, 40 and 60 ms).
trace::Trace three_fires();

/// The same with a fourth fire: what Node printed once in 200 runs (probe F3), allowed only if
/// the process stalled for more than 10 ms between creating the interval and the timeout.
trace::Trace four_fires();

/// A run killed after its timeout (rerun, unlike a crash).
backends::BackendFailure timeout();

std::string read_file(const std::filesystem::path& file);
bool contains(const std::string& text, const std::string& part);

}  // namespace acx::testing::verdicts
