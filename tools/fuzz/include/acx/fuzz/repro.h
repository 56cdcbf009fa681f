// A standalone reproduction: `node repro.js` runs the program and prints, next to what it observed,
// what the model allows, so that a runtime maintainer needs nothing but the runtime.
#pragma once

#include <string>
#include <vector>

#include "acx/scenario/ast.h"
#include "acx/trace/event.h"

namespace acx::fuzz {

/// The emitted program of `s`, followed by a checker that, at exit, renames the observed ids by
/// first appearance (as acx does), prints the observed events against the first of `allowed` (the
/// model's canonical traces) and says whether the observed trace is one of them.
std::string repro_program(const scenario::Scenario& s, const std::vector<std::vector<trace::Event>>& allowed,
                          const std::string& source);

}  // namespace acx::fuzz
