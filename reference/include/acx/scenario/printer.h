// The canonical printer: parse(print(s)) == s for every checked scenario s.
#pragma once

#include <string>

#include "acx/scenario/ast.h"

namespace acx::scenario {

/// Canonical text of a scenario: header lines, then statements indented by two spaces per block.
std::string print(const Scenario& scenario);

/// One statement's head (without its blocks), e.g. `let q = p.then`; used in reports.
std::string print_head(const Statement& statement);

}  // namespace acx::scenario
