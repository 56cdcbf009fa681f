// RapidCheck generators of well-formed scenarios (every construct of the language, names always in
// scope). Used by the round-trip property and the model invariants.
#pragma once

#include <rapidcheck.h>

#include <ostream>
#include <string>
#include <vector>

#include "acx/scenario/ast.h"

namespace acx::testing {

/// A scenario that passes scenario::check(), with a header and up to `max_depth` nested blocks.
rc::Gen<scenario::Scenario> gen_scenario(int max_depth = 3);

/// Printable strings with quotes, backslashes, escapes and some non-ASCII text.
rc::Gen<std::string> gen_text();

}  // namespace acx::testing

namespace acx::scenario {
/// How RapidCheck prints a scenario in a counterexample: its canonical text.
void showValue(const Scenario& s, std::ostream& os);
}  // namespace acx::scenario
