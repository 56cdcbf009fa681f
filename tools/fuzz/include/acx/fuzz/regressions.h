// The regressions file of `acx fuzz`: every minimal divergence found so far, replayed first by the
// next run. Scenarios follow each other, separated by a line `// ---- regression ----`.
#pragma once

#include <string>
#include <vector>

#include "acx/scenario/ast.h"

namespace acx::fuzz {

struct Regression {
  std::string where;  ///< file:line of its first line.
  scenario::Scenario scenario;
};

struct Regressions {
  std::vector<Regression> entries;
  /// One per malformed entry, with its location; the entries after it are still read.
  std::vector<std::string> errors;
};

/// Reads the file (a missing file has no regressions).
Regressions read_regressions(const std::string& file);

/// Appends one scenario (printed canonically) to the file, unless the same program (headers aside)
/// is already in it.
bool append_regression(const std::string& file, const scenario::Scenario& s);

}  // namespace acx::fuzz
