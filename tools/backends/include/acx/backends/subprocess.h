// Running a child process once, with a time limit, and collecting its output (built on process.h).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace acx::backends {

struct ProcessResult {
  bool started = false;    ///< False when the program could not be executed at all.
  bool timed_out = false;  ///< Still running at the time limit: killed with its process group.
  /// It printed more than the output limit on standard output or error: killed with its group, and
  /// `out`/`err` hold only the first `output_limit` bytes of each.
  bool output_limited = false;
  std::size_t output_limit = 0;  ///< The limit it ran with.
  int exit_code = -1;            ///< Exit status when it exited normally.
  int signal = 0;                ///< Terminating signal, 0 if none.
  std::string out;               ///< Standard output.
  std::string err;               ///< Standard error.
  std::string start_error;       ///< Why it could not start.
  std::chrono::milliseconds elapsed{0};
};

/// What a child may print on one output before it is killed: far more than any trace.
inline constexpr std::size_t kDefaultOutputLimit = 64 * 1024 * 1024;

struct ProcessOptions {
  /// From the start to the end of reaping: output, and a child that closed its pipes but goes on,
  /// both count against it.
  std::chrono::milliseconds timeout{30000};
  std::size_t output_limit = kDefaultOutputLimit;  ///< Per stream.
  std::optional<std::string> input;                ///< Written to standard input, which is then closed.
};

/// Runs argv[0] (looked up on PATH) with the given arguments in a process group of its own; never
/// throws for child failures. When the child ends, what it left running in its group is killed.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

/// A one-line description of how the process ended ("exit 1", "killed by signal 9", "timed out and
/// was killed", "printed more than 64 MiB ...").
std::string describe_end(const ProcessResult& r);

}  // namespace acx::backends
