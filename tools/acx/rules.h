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

/// Where the code cites each rule id: the files under ROOT/reference/src and ROOT/tools (relative to
/// ROOT) whose text holds the id in backticks (a comment) or in double quotes (a mutation, a
/// profile key). A rule id found by grep leads to its spec paragraph, its code and its cases.
std::map<std::string, std::vector<std::string>> rule_citations(const std::string& root);

/// Each rule paragraph ends with a "Model:" line listing the files of code that cite it and a
/// "Cases:" line listing the cases that cite it. Compares those lines with `code` and `cases` (rule
/// id -> files, case ids) and returns the rules with a stale line; with `rewrite`, rewrites them in
/// place (acx rules --update-spec, like a golden-file rebase).
std::vector<std::string> sync_spec_lines(const std::string& spec_dir,
                                         const std::map<std::string, std::vector<std::string>>& cases,
                                         const std::map<std::string, std::vector<std::string>>& code,
                                         bool rewrite);

}  // namespace acx::cli
