// acx rules: every rule of spec/ with the cases that cite it; a rule without a case fails, and
// --update-spec rewrites the Cases lines of spec/ from the cases' @rules.
#include <fmt/format.h>

#include <map>
#include <memory>

#include "acx/scenario/parser.h"
#include "commands.h"
#include "common.h"
#include "exit_codes.h"
#include "rules.h"

namespace acx::cli {

namespace {

int cmd_rules(const std::vector<std::string>& case_paths, bool update_spec) {
  const auto rules = read_rules(spec_dir());
  auto collected = collect_cases(case_paths);
  if (auto* error = std::get_if<std::string>(&collected)) {
    fmt::print(stderr, "acx: {}\n", *error);
    return kExitBadInput;
  }
  std::map<std::string, std::vector<std::string>> cited;
  int status = kExitOk;
  for (const auto& file : std::get<std::vector<std::string>>(collected)) {
    auto parsed = scenario::parse_file(file);
    if (!parsed.ok()) {
      fmt::print(stderr, "{}\n", parsed.error().to_string());
      status = kExitBadInput;
      continue;
    }
    for (const auto& r : parsed.scenario().header.rules) cited[r].push_back(parsed.scenario().header.id);
  }
  std::map<std::string, const RuleDefinition*> defined;
  for (const auto& r : rules) {
    if (defined.contains(r.id)) {
      fmt::print(stderr, "acx: rule {} defined twice ({}:{})\n", r.id, r.file, r.line);
      status = kExitBadInput;
    }
    defined[r.id] = &r;
  }
  std::size_t uncovered = 0;
  for (const auto& r : rules) {
    const auto& cases = cited[r.id];
    fmt::print("{:<34} {:<28} {:>3} case(s){}\n", r.id, fmt::format("{}:{}", r.file, r.line), cases.size(),
               cases.empty() ? "  <- no case" : "");
    if (cases.empty()) ++uncovered;
  }
  for (const auto& [id, cases] : cited) {
    if (!defined.contains(id)) {
      fmt::print(stderr, "acx: case {} cites unknown rule {}\n", cases.front(), id);
      status = kExitBadInput;
    }
  }
  const auto stale = sync_spec_lines(spec_dir(), cited, rule_citations(ACX_SOURCE_DIR), update_spec);
  if (!stale.empty() && !update_spec) {
    fmt::print(stderr,
               "acx: {} rule(s) list other cases or code files in spec/ than cite them ({}...); run acx "
               "rules --update-spec\n",
               stale.size(), stale.front());
    status = kExitBadInput;
  } else if (!stale.empty()) {
    fmt::print("updated the Model and Cases lines of {} rule(s) in spec/\n", stale.size());
  }
  fmt::print("{} rules, {} covered, {} without a case\n", rules.size(), rules.size() - uncovered, uncovered);
  if (status == kExitOk && uncovered > 0) status = kExitDivergence;
  return status;
}

}  // namespace

Command add_rules(CLI::App& app) {
  struct Options {
    std::vector<std::string> case_paths = {ACX_SOURCE_DIR "/conformance/cases"};
    bool update_spec = false;
  };
  auto o = std::make_shared<Options>();
  auto* rules = app.add_subcommand("rules", "List spec rules and the cases that cover them");
  rules->add_option("PATH", o->case_paths, "Case files or folders")->capture_default_str();
  rules->add_flag("--update-spec", o->update_spec, "Rewrite the Cases lines of spec/ from the cases' @rules");
  return {rules, [o] { return cmd_rules(o->case_paths, o->update_spec); }};
}

}  // namespace acx::cli
