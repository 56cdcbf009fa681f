// The conformance matrix (acx conformance): every case on every backend, against each backend's
// profile, with known divergences taken from conformance/expectations/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "check.h"
#include "expectations.h"

namespace acx::cli {

/// One cell of the matrix (README "Conformance report").
enum class Cell {
  Pass,            ///< The model allows the observed trace.
  Fail,            ///< It does not, and no expectation says so.
  Unsupported,     ///< The case needs a capability the backend lacks.
  ExpectedFail,    ///< It fails, as conformance/expectations/<backend> says, with a reason.
  UnexpectedPass,  ///< An expected failure passed: the expectation is stale.
  Error,           ///< Bad input, or the backend crashed, hung or printed garbage.
  Unstable,        ///< Run again (--reruns), it passed on some runs and not on others.
  Undecided,       ///< The model's search ran out of its budget (--search-budget) before deciding.
  /// Every run was allowed only if the runtime stalled longer than --stall (the judge's Stalled,
  /// judge.h): the machine was too busy to judge it. Counted, but it fails no run.
  Stalled,
};

const char* cell_name(Cell cell);  ///< "pass", "fail", "unsupported", "expected-fail", ...

/// The cell of a case's outcome (after its reruns), with or without an expectation that it fails
/// (conformance/expectations/README.md).
Cell classify(const CaseOutcome& outcome, bool expected);

struct CaseInfo {
  std::string id;
  std::string file;
  std::string title;
  std::vector<std::string> rules;
};

struct CellResult {
  Cell cell = Cell::Error;
  CaseOutcome outcome;  ///< Its runs, when it ran more than once.
  std::optional<Expectation> expectation;
  double seconds = 0;
};

struct BackendColumn {
  std::string spec;
  std::string runtime;  ///< Version string; empty when the backend could not start.
  std::string profile;
  std::string failure;            ///< Why the whole column is Error, if it is.
  std::vector<CellResult> cells;  ///< One per case, in case order.
};

struct Matrix {
  std::vector<CaseInfo> cases;
  std::vector<BackendColumn> backends;
  bool bad_input = false;  ///< A malformed expectations file or profile.
};

struct ConformanceOptions {
  std::vector<std::string> case_paths;
  std::vector<std::string> backends;
  std::string expectations_dir;
  double timeout_seconds = 30;
  unsigned jobs = 2;
  unsigned reruns =
      3;  ///< More runs of a cell that fails, is undecided, stalls or times out (check_case_runs).
  std::size_t search_budget = judge::kDefaultSearchBudget;
  std::int64_t stall_ms = model::RunOptions{}.stall_ms;  ///< --stall (model::kUnboundedStall: none).
};

/// Runs the matrix. Progress and per-backend summaries go to stdout.
Matrix run_conformance(const ConformanceOptions& options);

}  // namespace acx::cli
