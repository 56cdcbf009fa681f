// Turning a finished runtime process into a trace or a failure: shared by every backend that runs
// a program and reads the JSON Lines it prints (spec/trace-format.md).
#pragma once

#include <chrono>
#include <string>

#include "acx/backends/backend.h"
#include "acx/backends/subprocess.h"

namespace acx::backends {

/// The trace printed on standard output, or why there is none. A process that exits with an error
/// code is a result, not a crash, when its trace ends with an exit event carrying that code.
BackendResult read_trace_result(const std::string& spec, const ProcessResult& r,
                                std::chrono::milliseconds timeout);

/// The last `max` characters of a text (the useful end of a runtime's stderr).
std::string tail(const std::string& text, std::size_t max = 2000);

/// A scratch directory removed when it goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /// Empty when the directory could not be created.
  const std::string& path() const { return path_; }
  /// Writes a file in the directory and returns its path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

}  // namespace acx::backends
