// acx fuzz (random programs on a backend against the model) and acx diff (one backend against
// another, no model).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace acx::cli {

struct FuzzOptions {
  std::vector<std::string> backends;  ///< One for fuzz (against the model), two for diff.
  std::string profile;                ///< fuzz: default is the backend's own.
  std::uint64_t seed = 0;
  std::size_t count = 1000;
  unsigned jobs = 2;
  int depth = 3;
  double timeout_seconds = 30;
  std::size_t shrink_tries = 1000;
  /// Divergences shrunk in one run; those after are counted and kept unshrunk (a backend that
  /// diverges on most programs would otherwise spend the run shrinking).
  std::size_t shrink_max = 100;
  std::string output_dir = "fuzz-out";
  std::string regressions;  ///< fuzz: replayed first, appended to; empty for none.
  bool batch = true;        ///< Run programs through the backend's batch driver when it has one.
};

int cmd_fuzz(const FuzzOptions& options);
int cmd_diff(const FuzzOptions& options);

/// Programs per second on the same random programs: the model alone, the backend's batch driver,
/// and one process per program (on the first `per_process_count` programs).
int cmd_bench_programs(const FuzzOptions& options, std::size_t per_process_count);

}  // namespace acx::cli
