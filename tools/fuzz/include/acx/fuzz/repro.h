// A standalone reproduction: `node repro.js` runs the program and prints, next to what it observed,
// what the model allows, so that a runtime maintainer needs nothing but the runtime.
#pragma once

#include <string>
#include <vector>

#include "acx/scenario/ast.h"
#include "acx/trace/event.h"
#include "acx/trace/projection.h"

namespace acx::fuzz {

struct ReproOptions {
  std::string reference = "model";  ///< Who gave the allowed traces (a backend's name in acx diff).
  /// What is compared: the whole trace, or its stores (`capabilities.projection`); `allowed` must be
  /// projected the same way.
  trace::Projection projection = trace::Projection::Full;
};

/// The emitted program of `s`, followed by a checker that, at exit, renames the observed ids by
/// first appearance (as acx does), projects the trace, prints the observed events against the first
/// of `allowed` (canonical traces) and says whether the observed trace is one of them.
std::string repro_program(const scenario::Scenario& s, const std::vector<std::vector<trace::Event>>& allowed,
                          const std::string& source, const ReproOptions& options = {});

}  // namespace acx::fuzz
