#include "expectations.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>

namespace acx::cli {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

std::string expectations_key(const std::string& backend_spec) {
  std::string key = backend_spec;
  for (char& c : key)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '@' && c != '.' && c != '_' && c != '-') c = '_';
  return key;
}

std::variant<Expectations, std::string> load_expectations(const std::string& dir,
                                                          const std::string& backend_spec) {
  const std::string file = (std::filesystem::path(dir) / expectations_key(backend_spec)).string();
  Expectations out;
  std::ifstream in(file);
  if (!in) return out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = fmt::format("{}:{}", file, number);
    if (const auto hash = line.find('#'); hash != std::string::npos && trim(line.substr(0, hash)).empty())
      continue;
    if (trim(line).empty()) continue;
    const auto first = line.find(" | ");
    const auto second = first == std::string::npos ? first : line.find(" | ", first + 3);
    if (second == std::string::npos) return fmt::format("{}: expected `CASE-ID | reason | link`", where);
    const std::string id = trim(line.substr(0, first));
    Expectation e{trim(line.substr(first + 3, second - first - 3)), trim(line.substr(second + 3)), where};
    if (id.empty() || e.reason.empty() || e.link.empty())
      return fmt::format("{}: the case id, the reason and the link must all be given", where);
    if (out.contains(id))
      return fmt::format("{}: {} is listed twice (first at {})", where, id, out[id].where);
    out[id] = e;
  }
  return out;
}

}  // namespace acx::cli
