#include "acx/fuzz/regressions.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "acx/scenario/parser.h"
#include "acx/scenario/printer.h"

namespace acx::fuzz {

namespace {
constexpr const char* kSeparator = "// ---- regression ----";
}

Regressions read_regressions(const std::string& file) {
  Regressions out;
  std::ifstream in(file);
  if (!in) return out;
  std::string line, text;
  int number = 0, first = 1;
  const auto flush = [&] {
    if (text.find_first_not_of(" \t\n") == std::string::npos) return;
    const std::string where = fmt::format("{}:{}", file, first);
    auto parsed = scenario::parse(text, where);
    if (parsed.ok())
      out.entries.push_back({where, parsed.scenario()});
    else
      out.errors.push_back(parsed.error().to_string());
  };
  while (std::getline(in, line)) {
    ++number;
    if (line == kSeparator) {
      flush();
      text.clear();
      first = number + 1;
      continue;
    }
    text += line + "\n";
  }
  flush();
  return out;
}

namespace {
/// The program without its header lines: what makes two regressions the same.
std::string body_text(scenario::Scenario s) {
  s.header = {};
  return scenario::print(s);
}
}  // namespace

bool append_regression(const std::string& file, const scenario::Scenario& s) {
  // The same program found again (by another backend, or another seed) is not added twice.
  const std::string body = body_text(s);
  for (const auto& r : read_regressions(file).entries)
    if (body_text(r.scenario) == body) return true;
  std::ofstream out(file, std::ios::app);
  out << kSeparator << "\n" << scenario::print(s);
  return static_cast<bool>(out);
}

}  // namespace acx::fuzz
