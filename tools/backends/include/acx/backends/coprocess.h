// A long-running child process spoken to over pipes (the batch driver): write a request, read the
// answer up to an end line, with time limits and an output limit; killed with its process group
// and reaped when dropped (built on process.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "acx/backends/process.h"

namespace acx::backends {

class Coprocess {
 public:
  /// Starts argv (looked up on PATH) with pipes on its standard input and output; its standard
  /// error goes to `stderr_file`. Null, with `error` set, when it cannot start. One answer may be
  /// at most `output_limit` bytes.
  static std::unique_ptr<Coprocess> start(const std::vector<std::string>& argv,
                                          const std::string& stderr_file, std::string& error,
                                          std::size_t output_limit);
  ~Coprocess();
  Coprocess(const Coprocess&) = delete;
  Coprocess& operator=(const Coprocess&) = delete;

  /// Writes all of `data`; false if the process is gone or the time ran out.
  bool write(const std::string& data, std::chrono::milliseconds timeout);

  enum class ReadEnd { Complete, Closed, TimedOut, OutputLimit };
  /// Reads up to and excluding a line equal to `end_line` into `out` (Complete), or until the
  /// process closes its output (Closed), the time runs out (TimedOut) or more than the output
  /// limit arrived without the end line (OutputLimit).
  ReadEnd read_until(const std::string& end_line, std::chrono::milliseconds timeout, std::string& out);

  /// Kills the process group and reaps the process (waiting at most kReapGrace for it to go).
  void kill();

 private:
  Coprocess(Process process, std::size_t output_limit)
      : process_(std::move(process)), output_limit_(output_limit) {}
  Process process_;
  std::size_t output_limit_;
  std::string buffer_;
};

}  // namespace acx::backends
