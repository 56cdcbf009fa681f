#include "acx/backends/trace_reading.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "acx/trace/jsonl.h"

namespace acx::backends {

std::string tail(const std::string& text, std::size_t max) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "acx-XXXXXX").string();
  if (mkdtemp(pattern.data())) path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
  const std::string file = path_ + "/" + name;
  std::ofstream out(file, std::ios::binary);
  out << text;
  return file;
}

BackendResult read_trace_result(const std::string& spec, const ProcessResult& r,
                                std::chrono::milliseconds timeout) {
  if (!r.started) return BackendFailure{BackendFailure::Kind::Unavailable, describe_end(r), ""};
  if (r.timed_out)
    return BackendFailure{BackendFailure::Kind::TimedOut,
                          fmt::format("{}: no result within {} ms; killed", spec, timeout.count()),
                          tail(r.err)};
  if (r.output_limited)
    return BackendFailure{BackendFailure::Kind::BadOutput, fmt::format("{}: {}", spec, describe_end(r)),
                          tail(r.err)};
  auto parsed = trace::read_jsonl(r.out, spec + " stdout");
  const bool reported_exit = parsed.ok() && !parsed.trace().events.empty() &&
                             parsed.trace().events.back().kind == trace::EventKind::Exit &&
                             parsed.trace().events.back().code == r.exit_code;
  if (!reported_exit && (r.exit_code != 0 || r.signal != 0))
    return BackendFailure{BackendFailure::Kind::Crashed, fmt::format("{}: {}", spec, describe_end(r)),
                          tail(r.err)};
  if (!parsed.ok())
    return BackendFailure{BackendFailure::Kind::BadOutput, parsed.error().to_string(), tail(r.err)};
  if (!reported_exit)
    return BackendFailure{BackendFailure::Kind::BadOutput,
                          spec + ": the trace does not end with its exit event", tail(r.err)};
  return std::move(parsed.trace());
}

}  // namespace acx::backends
