// A long-running child process spoken to over pipes (the batch driver): write a request, read the
// answer up to an end line, with time limits; killed with its process group when dropped.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace acx::backends {

class Coprocess {
 public:
  /// Starts argv (looked up on PATH) with pipes on its standard input and output; its standard
  /// error goes to `stderr_file`. Null, with `error` set, when it cannot start.
  static std::unique_ptr<Coprocess> start(const std::vector<std::string>& argv,
                                          const std::string& stderr_file, std::string& error);
  ~Coprocess();
  Coprocess(const Coprocess&) = delete;
  Coprocess& operator=(const Coprocess&) = delete;

  /// Writes all of `data`; false if the process is gone or the time ran out.
  bool write(const std::string& data, std::chrono::milliseconds timeout);

  enum class ReadEnd { Complete, Closed, TimedOut };
  /// Reads up to and excluding a line equal to `end_line` into `out` (Complete), or until the
  /// process closes its output (Closed) or the time runs out (TimedOut).
  ReadEnd read_until(const std::string& end_line, std::chrono::milliseconds timeout, std::string& out);

  /// Kills the process group and reaps the process.
  void kill();

 private:
  Coprocess() = default;
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string buffer_;
};

}  // namespace acx::backends
