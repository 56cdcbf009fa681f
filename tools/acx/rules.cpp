#include "rules.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

namespace acx::cli {

std::vector<RuleDefinition> read_rules(const std::string& spec_dir) {
  std::vector<RuleDefinition> rules;
  static const std::regex heading(R"(^#{2,5} `([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)`\s*(?:[-—:]+\s*)?(.*)$)");
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(spec_dir, ec))
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::smatch m;
      if (std::regex_match(line, m, heading)) rules.push_back({m[1], file.filename().string(), n, m[2]});
    }
  }
  return rules;
}

}  // namespace acx::cli
