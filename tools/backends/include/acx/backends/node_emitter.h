// Turns a scenario into a standalone CommonJS program that prints its trace (spec/trace-format.md)
// when run by Node, applying the harness rules of spec/harness.md (`trace.scope`, `trace.retain`).
#pragma once

#include <string>

#include "acx/scenario/ast.h"

namespace acx::backends {

/// The program text. `source` names the scenario file in the program's header comment.
std::string emit_node_program(const scenario::Scenario& scenario, const std::string& source);

/// The scenario as the body of a function run by the batch driver (spec/harness.md `trace.batch`):
/// it receives `acx` and the timer functions as parameters.
std::string emit_node_batch_body(const scenario::Scenario& scenario);

/// The batch driver: a CommonJS program that runs many programs in one runtime process.
std::string node_batch_driver();

/// A CommonJS program that runs the driver beside it on the programs of the file `input` beside it,
/// sending each after the trace of the one before, as acx does (`acx emit --batch`).
std::string node_batch_replay();

}  // namespace acx::backends
