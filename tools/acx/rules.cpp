#include "rules.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace acx::cli {

namespace {

/// A rule heading: "### `chapter.rule` — title" (group 1: the id, group 2: the title).
const std::regex& rule_heading() {
  static const std::regex heading(R"(^#{2,5} `([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)`\s*(?:[-—:]+\s*)?(.*)$)");
  return heading;
}

/// spec/*.md, sorted.
std::vector<std::filesystem::path> spec_files(const std::string& spec_dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(spec_dir, ec))
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::vector<RuleDefinition> read_rules(const std::string& spec_dir) {
  std::vector<RuleDefinition> rules;
  const std::regex& heading = rule_heading();
  for (const auto& file : spec_files(spec_dir)) {
    std::ifstream in(file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::smatch m;
      if (std::regex_match(line, m, heading)) rules.push_back({m[1], file.filename().string(), n, m[2]});
    }
  }
  return rules;
}

namespace {

std::string cases_line(const std::vector<std::string>& cases) {
  if (cases.empty()) return "Cases: none yet.";
  std::set<std::string> sorted(cases.begin(), cases.end());
  std::string out = "Cases:", line_so_far = "Cases:";
  std::size_t i = 0;
  for (const auto& c : sorted) {
    const std::string word = " " + c + (++i == sorted.size() ? "." : ",");
    if (line_so_far.size() + word.size() > 100) {
      out += "\n" + word.substr(1);
      line_so_far = word.substr(1);
    } else {
      out += word;
      line_so_far += word;
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> sync_cases_lines(const std::string& spec_dir,
                                          const std::map<std::string, std::vector<std::string>>& cited,
                                          bool rewrite) {
  const std::regex& heading = rule_heading();
  std::vector<std::string> stale;
  for (const auto& file : spec_files(spec_dir)) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::vector<std::string> out;
    std::string rule;
    bool changed = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::smatch m;
      if (std::regex_match(lines[i], m, heading))
        rule = m[1];
      else if (lines[i].starts_with("#"))
        rule.clear();
      if (rule.empty() || !lines[i].starts_with("Cases:")) {
        out.push_back(lines[i]);
        continue;
      }
      // The Cases paragraph runs to the next blank line.
      std::string current = lines[i];
      while (i + 1 < lines.size() && !lines[i + 1].empty() && !lines[i + 1].starts_with("#"))
        current += "\n" + lines[++i];
      auto found = cited.find(rule);
      const std::string wanted =
          cases_line(found == cited.end() ? std::vector<std::string>{} : found->second);
      if (current != wanted) {
        stale.push_back(rule);
        changed = true;
      }
      std::istringstream split(rewrite ? wanted : current);
      for (std::string l; std::getline(split, l);) out.push_back(l);
    }
    if (rewrite && changed) {
      std::ofstream write(file);
      for (const auto& l : out) write << l << "\n";
    }
  }
  return stale;
}

}  // namespace acx::cli
