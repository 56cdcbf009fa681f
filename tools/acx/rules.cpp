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

/// "Label: a, b, c." wrapped at 100 columns, or `none` when there is nothing to list.
std::string listing_line(const std::string& label, const std::vector<std::string>& items,
                         const std::string& none, bool quoted) {
  if (items.empty()) return label + " " + none;
  std::set<std::string> sorted(items.begin(), items.end());
  std::string out = label, line_so_far = label;
  std::size_t i = 0;
  for (const auto& c : sorted) {
    const std::string word = " " + (quoted ? "`" + c + "`" : c) + (++i == sorted.size() ? "." : ",");
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

std::map<std::string, std::vector<std::string>> rule_citations(const std::string& root) {
  // A rule id in backticks (a comment) or in double quotes (a mutation, a profile key).
  static const std::regex cited(R"([`"]([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)[`"])");
  static const std::set<std::string> sources = {".cpp", ".h", ".cjs", ".js", ".mjs"};
  std::map<std::string, std::vector<std::string>> out;
  for (const char* dir : {"reference/src", "tools"}) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(std::filesystem::path(root) / dir, ec);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (ec || !it->is_regular_file() || !sources.contains(it->path().extension().string())) continue;
      std::ifstream in(it->path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string content = text.str();
      const std::string relative = std::filesystem::relative(it->path(), root).generic_string();
      std::set<std::string> ids;
      for (auto m = std::sregex_iterator(content.begin(), content.end(), cited); m != std::sregex_iterator();
           ++m)
        ids.insert((*m)[1]);
      for (const auto& id : ids) out[id].push_back(relative);
    }
  }
  return out;
}

std::vector<std::string> sync_spec_lines(const std::string& spec_dir,
                                         const std::map<std::string, std::vector<std::string>>& cases,
                                         const std::map<std::string, std::vector<std::string>>& code,
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
      const bool is_cases = lines[i].starts_with("Cases:"), is_model = lines[i].starts_with("Model:");
      if (rule.empty() || (!is_cases && !is_model)) {
        out.push_back(lines[i]);
        continue;
      }
      // The paragraph runs to the next blank line, heading or "Cases:" line.
      std::string current = lines[i];
      while (i + 1 < lines.size() && !lines[i + 1].empty() && !lines[i + 1].starts_with("#") &&
             !lines[i + 1].starts_with("Cases:"))
        current += "\n" + lines[++i];
      const auto& table = is_cases ? cases : code;
      auto found = table.find(rule);
      const std::vector<std::string> items =
          found == table.end() ? std::vector<std::string>{} : found->second;
      const std::string wanted = is_cases ? listing_line("Cases:", items, "none yet.", false)
                                          : listing_line("Model:", items, "no code cites this rule.", true);
      if (current != wanted) {
        if (stale.empty() || stale.back() != rule) stale.push_back(rule);
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
