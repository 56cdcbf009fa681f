// What acx fuzz, acx diff and acx bench-programs share: their options and flags, the random program
// for a (seed, index), and progress on stderr.
#pragma once

#include <rapidcheck.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "acx/scenario/ast.h"

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
  /// fuzz: the expectations folder whose expected failures of the backend are known divergences
  /// (known_divergences.h), with the cases in the folder `cases` beside it; empty for none.
  std::string expectations;
  bool batch = true;  ///< Run programs through the backend's batch driver when it has one.
};

/// The flags every random-program command takes (--seed, --count, --jobs, ...).
void add_random_program_flags(CLI::App& command, FuzzOptions& options);

/// The generated program for (seed, index), as the printer writes it and the parser reads it back,
/// so that the minimal .acx written later is exactly what ran. `attempt` picks another program
/// when the model refuses one. Nullopt when the generator gives up.
std::optional<rc::Shrinkable<scenario::Scenario>> generate(const FuzzOptions& o, std::size_t index,
                                                           int attempt);

/// `s` printed and parsed back (what runs is what a minimal.acx file says).
scenario::Scenario normalized(const scenario::Scenario& s);

/// A divergence, failure or unstable program worth a block in the final report.
struct Found {
  std::size_t index;
  std::string kind;  ///< "divergence", "unstable", "backend failure", ...
  std::string folder;
  std::string summary;
};

/// "acx: N/M programs" on stderr every 500 programs and at the end.
class Progress {
 public:
  explicit Progress(std::size_t total) : total_(total) {}
  void step();

 private:
  std::mutex mutex_;
  std::size_t done_ = 0, total_;
};

}  // namespace acx::cli
