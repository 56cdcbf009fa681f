// acx check: every case of the given files and folders on one backend against the model (each
// case judged by check_case, check.h), one line per case, and the summary last.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <memory>

#include "acx/judge/judge.h"
#include "acx/model/machine.h"
#include "check.h"
#include "commands.h"
#include "common.h"
#include "exit_codes.h"
#include "open_backend.h"

namespace acx::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> paths;
  std::string backend = "node";
  std::string profile;
  std::vector<std::string> mutations;
  bool quiet = false;
  double timeout = 30;
  unsigned reruns = 0;
  std::size_t search_budget = judge::kDefaultSearchBudget;
  std::int64_t stall_ms = model::RunOptions{}.stall_ms;
};

/// The model's options with the rules --mutate breaks and the --stall bound; nullopt (reported) for a rule
/// that cannot be.
std::optional<model::RunOptions> run_options(const std::vector<std::string>& mutations,
                                             std::int64_t stall_ms) {
  model::RunOptions options;
  options.stall_ms = stall_ms;
  bool ok = true;
  for (const auto& m : mutations) {
    if (!model::mutable_rules().contains(m)) {
      std::string known;
      for (const auto& r : model::mutable_rules()) known += " " + r;
      fmt::print(stderr, "acx: --mutate {}: not a mutable rule (known:{})\n", m, known);
      ok = false;
    }
    options.mutations.insert(m);
  }
  if (!ok) return std::nullopt;
  return options;
}

int cmd_check(const CheckOptions& o) {
  const auto options = run_options(o.mutations, o.stall_ms);
  if (!options) return kExitBadInput;
  auto collected = collect_cases(o.paths);
  if (auto* error = std::get_if<std::string>(&collected)) {
    fmt::print(stderr, "acx: {}\n", *error);
    return kExitBadInput;
  }
  const auto& files = std::get<std::vector<std::string>>(collected);
  OpenOptions open;
  open.timeout_seconds = o.timeout;
  open.profile = o.profile;
  auto opened = open_backend(o.backend, open);
  if (auto* failure = std::get_if<OpenFailure>(&opened)) {
    report(*failure);
    // A runtime that does not run fails every case: the summary says so.
    if (failure->stage == OpenFailure::Stage::Runtime) fmt::print("0 passed, {} failed\n", files.size());
    return failure->exit_code;
  }
  const auto& ready = std::get<OpenedBackend>(opened);
  fmt::print("acx check: {} case(s), {}{}\n", files.size(), ready.describe(),
             o.mutations.empty() ? "" : fmt::format(", mutated rules: {}", fmt::join(o.mutations, " ")));
  std::map<CaseOutcome::Kind, std::size_t> counts;
  for (const auto& file : files) {
    const CaseOutcome outcome =
        check_case_runs(file, *ready.backend, *ready.profile, *options, o.search_budget, {o.reruns, false});
    ++counts[outcome.kind];
    // Quiet, a pass is not shown, nor its report (a pass with stalled runs says how many).
    if (outcome.kind == CaseOutcome::Kind::Pass && o.quiet) continue;
    fmt::print("{:<7} {}{}{}\n", outcome_word(outcome.kind), outcome.id,
               outcome.id == outcome.file ? "" : fmt::format("  ({})", outcome.file),
               outcome.projection == trace::Projection::Full || outcome.kind == CaseOutcome::Kind::Unsupported
                   ? ""
                   : "  [stores only]");
    if (!outcome.report.empty()) {
      std::string report = outcome.report;
      while (!report.empty() && report.back() == '\n') report.pop_back();
      fmt::print("    {}\n", indented(report, "    "));
    }
    std::fflush(stdout);
  }
  const std::size_t passed = counts[CaseOutcome::Kind::Pass];
  const std::size_t bad = counts[CaseOutcome::Kind::BadInput];
  const std::size_t backend_failures = counts[CaseOutcome::Kind::BackendFailure];
  const std::size_t diverged = counts[CaseOutcome::Kind::Fail];
  const std::size_t unstable = counts[CaseOutcome::Kind::Unstable];
  const std::size_t undecided = counts[CaseOutcome::Kind::Undecided];
  const std::size_t stalled = counts[CaseOutcome::Kind::Stalled];
  if (bad + backend_failures + unstable > 0)
    fmt::print("{} diverged, {}{} bad input, {} backend failure(s)\n", diverged,
               unstable ? fmt::format("{} unstable, ", unstable) : "", bad, backend_failures);
  // "N passed, M failed" as before; undecided and stalled cases are neither (and only named when
  // there are some, so that what parses the line keeps working), unstable ones are failed.
  const std::size_t unsupported = counts[CaseOutcome::Kind::Unsupported];
  fmt::print("{} passed, {} failed{}{}{}\n", passed,
             files.size() - passed - unsupported - undecided - stalled,
             undecided ? fmt::format(", {} undecided", undecided) : "",
             stalled ? fmt::format(", {} stalled", stalled) : "",
             unsupported ? fmt::format(", {} unsupported", unsupported) : "");
  if (bad > 0) return kExitBadInput;
  if (backend_failures > 0) return kExitBackendFailure;
  if (diverged + unstable > 0) return kExitDivergence;
  if (undecided > 0) return kExitUndecided;
  if (stalled > 0) return kExitStalled;
  return kExitOk;
}

}  // namespace

Command add_check(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  auto* check = app.add_subcommand("check", "Check the model against a backend for every case");
  check->add_option("PATH", o->paths, "Case files or folders")->required();
  check
      ->add_option("--backend", o->backend,
                   "node, node@MAJOR, node:/path/to/node, each with :FLAGS (comma-separated)")
      ->capture_default_str();
  check->add_option("--profile", o->profile,
                    "Profile (default: the backend's own, e.g. node-20 for Node 20)");
  check->add_option("--mutate", o->mutations,
                    "Break a model rule on purpose (mutation testing of the suite)");
  check->add_flag("-q,--quiet", o->quiet, "Print only cases that do not pass");
  check
      ->add_option("--reruns", o->reruns,
                   "Run a case that fails, is undecided, stalls or times out this many more times: one "
                   "that then passes is UNSTABLE (a PASS where the others only stalled)")
      ->capture_default_str();
  add_search_budget_option(*check, o->search_budget);
  add_stall_option(*check, o->stall_ms);
  check->add_option("--timeout", o->timeout, "Seconds a backend may take per case")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  return {check, [o] { return cmd_check(*o); }};
}

}  // namespace acx::cli
