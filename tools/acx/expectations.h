// Known divergences (conformance/expectations/<backend>): a case that is expected to fail on one
// backend, with the reason and a link to the evidence (README "Conformance report").
#pragma once

#include <map>
#include <string>
#include <variant>

namespace acx::cli {

struct Expectation {
  std::string reason;
  std::string link;   ///< An issue, a source line, or a spec section.
  std::string where;  ///< file:line of the entry.
};

/// Case id -> expectation.
using Expectations = std::map<std::string, Expectation>;

/// The file name of a backend's expectations: the spec with every character outside
/// [A-Za-z0-9@._-] replaced by '_' (e.g. node@24_--no-async-context-frame).
std::string expectations_key(const std::string& backend_spec);

/// Reads DIR/<key>. A missing file means no expectations. Each entry is one line
/// `CASE-ID | reason | link`; `#` starts a comment. An error names file:line.
std::variant<Expectations, std::string> load_expectations(const std::string& dir,
                                                          const std::string& backend_spec);

}  // namespace acx::cli
