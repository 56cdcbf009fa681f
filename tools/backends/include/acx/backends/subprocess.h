// Running a child process with a time limit and capturing its output.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace acx::backends {

struct ProcessResult {
  bool started = false;    ///< False when the program could not be executed at all.
  bool timed_out = false;  ///< Killed after the time limit.
  int exit_code = -1;      ///< Exit status when it exited normally.
  int signal = 0;          ///< Terminating signal, 0 if none.
  std::string out;         ///< Standard output (truncated at the output limit).
  std::string err;         ///< Standard error (truncated at the output limit).
  bool truncated = false;
  std::string start_error;  ///< Why it could not start.
  std::chrono::milliseconds elapsed{0};
};

struct ProcessOptions {
  std::chrono::milliseconds timeout{30000};
  std::size_t output_limit = 64 * 1024 * 1024;
  std::optional<std::string> input;  ///< Written to standard input, which is then closed.
};

/// Runs argv[0] (looked up on PATH) with the given arguments; never throws for child failures.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

/// A one-line description of how the process ended ("exit 1", "killed by signal 9", "timed out after 30s").
std::string describe_end(const ProcessResult& r);

}  // namespace acx::backends
