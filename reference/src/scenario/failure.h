// How the lexer, parser and checker stop at the first error: parse() and check() turn it into a
// ParseError with the file name.
#pragma once

#include <string>

#include "acx/scenario/ast.h"

namespace acx::scenario::detail {

struct Failure {
  Location location;
  std::string message;
};

}  // namespace acx::scenario::detail
