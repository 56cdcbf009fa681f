// The rule index: every rule id defined in spec/*.md and the cases that cite it (acx rules).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace acx::cli {

struct RuleDefinition {
  std::string id;
  std::string file;
  int line = 0;
  std::string title;
};

/// Rule ids are defined by headings of the form "### `chapter.rule` — title" in spec/*.md.
std::vector<RuleDefinition> read_rules(const std::string& spec_dir);

}  // namespace acx::cli
