// Reading and writing traces as JSON Lines (spec/trace-format.md).
#pragma once

#include <istream>
#include <string>
#include <string_view>
#include <variant>

#include "acx/trace/event.h"

namespace acx::trace {

/// A malformed trace line: which line, what was wrong, and the line itself (shortened).
struct TraceError {
  std::string source;
  int line = 0;
  std::string message;
  std::string text;
  std::string to_string() const;
};

class [[nodiscard]] TraceResult {
 public:
  TraceResult(Trace t) : value_(std::move(t)) {}
  TraceResult(TraceError e) : value_(std::move(e)) {}
  bool ok() const { return std::holds_alternative<Trace>(value_); }
  const Trace& trace() const { return std::get<Trace>(value_); }
  Trace& trace() { return std::get<Trace>(value_); }
  const TraceError& error() const { return std::get<TraceError>(value_); }

 private:
  std::variant<Trace, TraceError> value_;
};

/// Parses JSON Lines; blank lines are skipped; the first error stops the read.
TraceResult read_jsonl(std::string_view text, std::string_view source = "<trace>");

std::string to_json_line(const Event& event);
std::string to_json_line(const Meta& meta);
std::string write_jsonl(const Trace& trace);

}  // namespace acx::trace
