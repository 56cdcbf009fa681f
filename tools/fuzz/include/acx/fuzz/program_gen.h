// RapidCheck generators of well-formed scenarios (every construct of the language, names always in
// scope): the random programs of `acx fuzz` and `acx diff`, and of the property tests.
#pragma once

#include <rapidcheck.h>

#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "acx/scenario/ast.h"

namespace acx::fuzz {

/// The shape of the programs a generator makes.
struct Mix {
  int max_depth = 3;    ///< Nesting of blocks.
  bool headers = true;  ///< Random @id/@title/@rules/... lines (for the printer's round trip).
  /// Weighted toward the interleavings that break implementations (run/exit/enterWith across
  /// awaits, then-chains resolved in another context, hooks toggled in callbacks, AsyncResource
  /// scopes, thenables, rejections), for running on real runtimes.
  bool interleavings = false;
};

/// A scenario that passes scenario::check().
rc::Gen<scenario::Scenario> gen_program(Mix mix);

/// RapidCheck's generation state is not thread-safe: hold this lock while generating a value or
/// walking a Shrinkable's shrinks from several threads.
std::mutex& generation_mutex();

/// Every construct, with a header, up to `max_depth` nested blocks (the property tests' programs).
rc::Gen<scenario::Scenario> gen_scenario(int max_depth = 3);

/// Printable strings with quotes, backslashes, escapes and some non-ASCII text.
rc::Gen<std::string> gen_text();

}  // namespace acx::fuzz

namespace acx::testing {
using fuzz::gen_scenario;
using fuzz::gen_text;
}  // namespace acx::testing

namespace acx::scenario {
/// How RapidCheck prints a scenario in a counterexample: its canonical text.
void showValue(const Scenario& s, std::ostream& os);
}  // namespace acx::scenario
