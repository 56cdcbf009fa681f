// The commands on trace files: acx compare (two traces up to renaming of ids) and acx verify (a
// trace, e.g. from a program made by acx emit, against the model).
#include <fmt/format.h>

#include <memory>

#include "acx/judge/judge.h"
#include "acx/model/search.h"
#include "acx/trace/canonical.h"
#include "acx/trace/compare.h"
#include "acx/trace/jsonl.h"
#include "commands.h"
#include "common.h"
#include "exit_codes.h"
#include "open_backend.h"

namespace acx::cli {

namespace {

/// Reads and parses a JSON Lines trace, printing what went wrong.
std::optional<trace::Trace> read_trace_or_report(const std::string& file) {
  bool ok = false;
  const std::string text = read_file(file, ok);
  if (!ok) {
    fmt::print(stderr, "acx: cannot read {}\n", file);
    return std::nullopt;
  }
  auto parsed = trace::read_jsonl(text, file);
  if (!parsed.ok()) {
    fmt::print(stderr, "{}\n", parsed.error().to_string());
    return std::nullopt;
  }
  return parsed.trace();
}

int cmd_compare(const std::string& expected_file, const std::string& observed_file) {
  trace::Trace traces[2];
  const std::string files[2] = {expected_file, observed_file};
  for (int i = 0; i < 2; ++i) {
    auto read = read_trace_or_report(files[i]);
    if (!read) return kExitBadInput;
    traces[i] = trace::canonicalize(*read);
  }
  if (auto d = trace::first_divergence(traces[0].events, traces[1].events)) {
    fmt::print("{}", trace::format_divergence(*d, expected_file, observed_file));
    return kExitDivergence;
  }
  fmt::print("traces are equal up to renaming of ids ({} events)\n", traces[0].events.size());
  return kExitOk;
}

int cmd_verify(const std::string& file, const std::string& trace_file, const std::string& profile_name,
               std::size_t search_budget, std::int64_t stall_ms) {
  auto s = parse_or_report(file);
  if (!s) return kExitBadInput;
  auto profile = model_profile_or_report(profile_name);
  if (!profile) return kExitBadInput;
  auto read = read_trace_or_report(trace_file);
  if (!read) return kExitBadInput;
  const auto observed = trace::canonicalize(*read);
  model::SearchLimits limits;
  limits.max_runs = search_budget;
  model::RunOptions options;
  options.stall_ms = stall_ms;
  const model::MatchResult m = model::match(*s, *profile, observed.events, options, limits);
  switch (m.outcome) {
    case model::MatchOutcome::Match:
      fmt::print("{}: the trace is one the model allows ({} events, profile {})\n", trace_file,
                 observed.events.size(), profile->name);
      return kExitOk;
    case model::MatchOutcome::BadScenario:
      fmt::print(stderr, "acx: {}: {}\n", file, model::describe(m.status));
      return kExitBadInput;
    case model::MatchOutcome::SearchLimit:
      // Not a divergence: the executions left unsearched may hold the trace.
      fmt::print(
          "{}: undecided: no match within {} search segments (the search budget, --search-budget); "
          "deepest attempt:\n",
          trace_file, limits.max_runs);
      if (m.divergence)
        fmt::print("{}", trace::format_divergence(*m.divergence, "model " + profile->name, trace_file));
      return kExitUndecided;
    case model::MatchOutcome::Divergence:
      // As the judge does (judge.h): a trace allowed only beyond the stall bound is no divergence.
      if (judge::explained_by_stall(*s, *profile, observed.events, options, limits)) {
        fmt::print("{}: stalled: {}", trace_file, judge::stalled_report(stall_ms));
        if (m.divergence)
          fmt::print("{}", trace::format_divergence(*m.divergence, "model " + profile->name, trace_file));
        return kExitStalled;
      }
      if (m.divergence)
        fmt::print("{}", trace::format_divergence(*m.divergence, "model " + profile->name, trace_file));
      return kExitDivergence;
  }
  return kExitDivergence;
}

}  // namespace

Command add_compare(CLI::App& app) {
  struct Options {
    std::string expected, observed;
  };
  auto o = std::make_shared<Options>();
  auto* compare = app.add_subcommand("compare", "Compare two trace files up to renaming of ids");
  compare->add_option("EXPECTED", o->expected, "Expected trace (JSON Lines)")->required();
  compare->add_option("OBSERVED", o->observed, "Observed trace (JSON Lines)")->required();
  return {compare, [o] { return cmd_compare(o->expected, o->observed); }};
}

Command add_verify(CLI::App& app) {
  struct Options {
    std::string file, trace, profile;
    std::size_t search_budget = model::SearchLimits{}.max_runs;
    std::int64_t stall_ms = model::RunOptions{}.stall_ms;
  };
  auto o = std::make_shared<Options>();
  auto* verify =
      app.add_subcommand("verify", "Check a trace file (e.g. from a program made by emit) against the model");
  verify->add_option("FILE", o->file, "Scenario file (.acx)")->required();
  verify->add_option("TRACE", o->trace, "Observed trace (JSON Lines)")->required();
  verify->add_option("--profile", o->profile, "Profile name or path; default node-20");
  add_search_budget_option(*verify, o->search_budget);
  add_stall_option(*verify, o->stall_ms);
  return {verify, [o] { return cmd_verify(o->file, o->trace, o->profile, o->search_budget, o->stall_ms); }};
}

}  // namespace acx::cli
