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

/// Each rule paragraph ends with a "Cases:" line listing the cases that cite it. Compares those
/// lines with `cited` (rule id -> case ids) and returns the rules whose line is stale; with
/// `rewrite`, rewrites the stale lines in place (acx rules --update-spec, like a golden-file rebase).
std::vector<std::string> sync_cases_lines(const std::string& spec_dir,
                                          const std::map<std::string, std::vector<std::string>>& cited,
                                          bool rewrite);

}  // namespace acx::cli
