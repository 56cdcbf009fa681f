// Hunting flakes (acx stress): a case run many times, each run in a process of its own and judged,
// while busy processes compete for the CPUs; what the model does not allow is grouped by the trace
// observed, with counts. A case that passes once and fails once is a bug in the model or a race in
// the runtime, never luck: this is how either is shown with evidence.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "acx/backends/backend.h"
#include "acx/backends/process.h"
#include "acx/model/machine.h"
#include "acx/model/profile.h"

namespace acx::cli {

/// One distinct observation of a stressed case: a trace the model does not allow (or could not
/// decide on within the search budget, or allows only beyond the stall bound), or a backend
/// failure's message.
struct Observation {
  std::string trace;              ///< The canonical observed trace as JSON Lines; empty for a failure.
  std::string report;             ///< The first-divergence report (the failure's message).
  std::vector<std::size_t> runs;  ///< The runs (from 1) that observed it.
};

struct StressResult {
  std::string file;
  std::string id;
  /// Stalled runs (allowed only beyond the stall bound: the judge's Stalled) are no divergence.
  std::size_t runs = 0, passed = 0, failed = 0, undecided = 0, stalled = 0, backend_failures = 0;
  std::string unsupported;  ///< Why the case was not run (the capabilities it needs), if it was not.
  std::string bad_input;    ///< The located error of a case that does not read or the model cannot run.
  std::size_t allowed_traces = 0;  ///< Distinct traces observed that the model allows.
  /// Most frequent first, then in the order first seen.
  std::vector<Observation> divergent, undecided_traces, stalled_traces, failures;
};

/// Runs the case `runs` times on `backend` (never through a batch driver: its own timing is what
/// is under test), each judged against `profile` with `search_budget` search segments and the
/// model's `options` (the stall bound). `after_run(k)` is called after run k (progress).
StressResult stress_case(const std::string& file, backends::Backend& backend, const model::Profile& profile,
                         std::size_t runs, std::size_t search_budget, const model::RunOptions& options = {},
                         const std::function<void(std::size_t)>& after_run = {});

/// The exit code of a stress run: 2 for a case that does not read, else 1 if any run diverged
/// (what stress hunts: a timeout under load must not hide it), else 3 on backend failures, else 4
/// if some run was undecided, else 5 if some run stalled, else 0.
int stress_exit_code(const std::vector<StressResult>& results);

/// Busy processes competing for the CPUs while they live: `sh -c 'while :; do :; done'`, each in a
/// process group of its own (process.h). Killed with their groups when dropped, and also when acx
/// is interrupted (SIGINT, SIGTERM), which would otherwise leave them spinning: their groups are
/// not the terminal's.
class CpuLoad {
 public:
  static constexpr unsigned kMax = 64;
  explicit CpuLoad(unsigned processes);
  ~CpuLoad();
  CpuLoad(const CpuLoad&) = delete;
  CpuLoad& operator=(const CpuLoad&) = delete;

  const std::string& error() const { return error_; }  ///< Why a process could not start.
  std::vector<pid_t> pids() const;

 private:
  std::vector<backends::Process> busy_;
  std::string error_;
};

}  // namespace acx::cli
