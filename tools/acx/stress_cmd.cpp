// acx stress: each case run many times on one backend, one process per run, with busy processes
// competing for the CPUs (stress.h); every observation the model does not allow is reported,
// grouped per case by the trace observed, with its count and first-divergence report.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "acx/judge/judge.h"
#include "commands.h"
#include "common.h"
#include "exit_codes.h"
#include "open_backend.h"
#include "stress.h"

namespace acx::cli {

namespace {

struct StressOptions {
  std::vector<std::string> paths;
  std::string backend = "node";
  std::string profile;
  std::size_t runs = 20;
  unsigned load = 0;
  double timeout = 30;
  std::size_t search_budget = judge::kDefaultSearchBudget;
  std::int64_t stall_ms = model::RunOptions{}.stall_ms;
  std::string output_dir;
};

/// "run 3", "runs 1, 4, 9", "runs 1, 2, 3, ... (40 in all)".
std::string run_list(const std::vector<std::size_t>& runs) {
  constexpr std::size_t kShown = 10;
  if (runs.size() == 1) return fmt::format("run {}", runs.front());
  const std::vector<std::size_t> shown(runs.begin(), runs.begin() + std::min(kShown, runs.size()));
  return fmt::format("runs {}{}", fmt::join(shown, ", "),
                     runs.size() > kShown ? fmt::format(", ... ({} in all)", runs.size()) : "");
}

/// Prints the observations of one kind; traces are also written to the output folder, if any.
void print_observations(const StressResult& r, const std::vector<Observation>& list, const char* what,
                        const std::string& output_dir) {
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Observation& o = list[k];
    std::string where;
    if (!output_dir.empty() && !o.trace.empty()) {
      std::string name = r.id;
      std::replace(name.begin(), name.end(), '/', '~');
      const OutputFolder dir(output_dir, name);
      std::string stem = fmt::format("{}-{}", what, k + 1);
      std::replace(stem.begin(), stem.end(), ' ', '-');
      dir.write(stem + ".jsonl", o.trace);
      dir.write(stem + ".txt", fmt::format("{} ({})\n{}\n", r.id, run_list(o.runs), o.report));
      where = fmt::format(" -> {}/{}.jsonl", dir.path(), stem);
    }
    fmt::print("  {} {} of {}, seen {} time(s) ({}){}\n", what, k + 1, list.size(), o.runs.size(),
               run_list(o.runs), where);
    std::string report = o.report;
    while (!report.empty() && report.back() == '\n') report.pop_back();
    fmt::print("    {}\n", indented(report, "    "));
  }
}

int cmd_stress(const StressOptions& o) {
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
    return failure->exit_code;
  }
  const auto& ready = std::get<OpenedBackend>(opened);
  fmt::print("acx stress: {} case(s), {} runs each, one process per run, {} busy process(es), {}\n",
             files.size(), o.runs, o.load, ready.describe());
  std::fflush(stdout);
  const CpuLoad load(o.load);
  if (!load.error().empty()) {
    fmt::print(stderr, "acx: cannot start the busy processes: {}\n", load.error());
    return kExitBackendFailure;
  }
  std::vector<StressResult> results;
  model::RunOptions options;
  options.stall_ms = o.stall_ms;
  std::size_t passed = 0, diverged = 0, undecided = 0, stalled = 0, backend_failures = 0;
  for (std::size_t c = 0; c < files.size(); ++c) {
    auto shown = std::chrono::steady_clock::now();
    const auto progress = [&](std::size_t run) {
      // At most once a second: runs on the model take microseconds.
      const auto now = std::chrono::steady_clock::now();
      if (run == o.runs || now - shown >= std::chrono::seconds(1)) {
        shown = now;
        fmt::print(stderr, "\racx stress: case {}/{}, run {}/{}{}", c + 1, files.size(), run, o.runs,
                   run == o.runs ? "\n" : "");
      }
    };
    const StressResult r =
        stress_case(files[c], *ready.backend, *ready.profile, o.runs, o.search_budget, options, progress);
    if (!r.bad_input.empty()) {
      fmt::print("ERROR       {}\n    {}\n", r.id, indented(r.bad_input, "    "));
    } else if (!r.unsupported.empty()) {
      fmt::print("UNSUPPORTED {}: {}\n", r.id, r.unsupported);
    } else {
      fmt::print(
          "{:<11} {}: {} runs: {} passed, {} failed, {} undecided, {}{} backend failure(s); {} distinct "
          "allowed trace(s)\n",
          r.failed > 0             ? "DIVERGED"
          : r.backend_failures > 0 ? "BACKEND"
          : r.undecided > 0        ? "UNDECIDED"
          : r.stalled > 0          ? "STALLED"
                                   : "PASS",
          r.id, r.runs, r.passed, r.failed, r.undecided,
          r.stalled ? fmt::format("{} stalled, ", r.stalled) : "", r.backend_failures, r.allowed_traces);
      print_observations(r, r.divergent, "divergent trace", o.output_dir);
      print_observations(r, r.undecided_traces, "undecided trace", o.output_dir);
      print_observations(r, r.stalled_traces, "stalled trace", o.output_dir);
      print_observations(r, r.failures, "backend failure", "");
    }
    std::fflush(stdout);
    passed += r.passed;
    diverged += r.failed;
    undecided += r.undecided;
    stalled += r.stalled;
    backend_failures += r.backend_failures;
    results.push_back(r);
  }
  // Runs, counted as acx check counts cases: "N passed, M failed", undecided and stalled runs apart
  // (a stalled run is no divergence: the machine was too busy for it to be judged).
  if (backend_failures > 0) fmt::print("{} diverged, {} backend failure(s)\n", diverged, backend_failures);
  fmt::print("{} passed, {} failed{}{}\n", passed, diverged + backend_failures,
             undecided ? fmt::format(", {} undecided", undecided) : "",
             stalled ? fmt::format(", {} stalled", stalled) : "");
  return stress_exit_code(results);
}

}  // namespace

Command add_stress(CLI::App& app) {
  auto o = std::make_shared<StressOptions>();
  auto* stress = app.add_subcommand(
      "stress",
      "Run each case many times (one process per run, under CPU load) and report every divergent run");
  stress->add_option("PATH", o->paths, "Case files or folders")->required();
  stress->add_option("--backend", o->backend, "The backend; see acx run --help")->capture_default_str();
  stress->add_option("--profile", o->profile, "Profile (default: the backend's own)");
  stress->add_option("--runs", o->runs, "Runs of each case")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  stress
      ->add_option("--load", o->load,
                   "Busy processes competing for the CPUs while the cases run (sh -c 'while :; do :; done')")
      ->capture_default_str()
      ->check(CLI::Range(0u, CpuLoad::kMax));
  stress->add_option("--timeout", o->timeout, "Seconds a backend may take per run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  add_search_budget_option(*stress, o->search_budget);
  add_stall_option(*stress, o->stall_ms);
  stress->add_option("-o,--output", o->output_dir,
                     "Write each divergent, undecided and stalled trace (.jsonl) and its report (.txt) here");
  return {stress, [o] { return cmd_stress(*o); }};
}

}  // namespace acx::cli
