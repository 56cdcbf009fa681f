// acx conformance: the matrix of cases against backends (conformance.h), the cells that need
// attention, a summary per backend, and the report (report.h) and README table when asked.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>

#include "commands.h"
#include "common.h"
#include "conformance.h"
#include "exit_codes.h"
#include "report.h"

namespace acx::cli {

namespace {

int cmd_conformance(const ConformanceOptions& options, const std::string& report_dir,
                    const std::string& readme, bool quiet) {
  const Matrix m = run_conformance(options);
  bool failed = false, errors = false, undecided = false;
  for (const auto& col : m.backends) {
    for (std::size_t i = 0; i < col.cells.size(); ++i) {
      const auto& r = col.cells[i];
      failed |= r.cell == Cell::Fail || r.cell == Cell::UnexpectedPass || r.cell == Cell::Unstable;
      errors |= r.cell == Cell::Error;
      undecided |= r.cell == Cell::Undecided;
      // An expected failure that passed on a rerun is shown too: its entry describes a race. A
      // stalled cell fails nothing (the machine was too busy, not the runtime wrong) but is shown:
      // it was not judged.
      const bool flaky_expectation = r.cell == Cell::ExpectedFail && r.outcome.passed_runs() > 0;
      const bool attention = r.cell == Cell::Fail || r.cell == Cell::UnexpectedPass ||
                             r.cell == Cell::Error || r.cell == Cell::Unstable || r.cell == Cell::Undecided ||
                             r.cell == Cell::Stalled || flaky_expectation;
      if (!attention && (quiet || r.cell == Cell::Pass)) continue;
      fmt::print("{:<15} {:<34} {}\n", cell_name(r.cell), col.spec, m.cases[i].id);
      if (r.cell == Cell::UnexpectedPass)
        fmt::print("    the expectation at {} is stale: {}\n", r.expectation->where, r.expectation->reason);
      else if (attention)
        fmt::print("    {}\n", indented(r.outcome.report, "    "));
    }
  }
  fmt::print("{:<36} {:>5} {:>5} {:>11} {:>13} {:>15} {:>5} {:>8} {:>9} {:>7}\n",
             "backend (runtime, profile)", "pass", "fail", "unsupported", "expected-fail", "unexpected-pass",
             "error", "unstable", "undecided", "stalled");
  for (const auto& col : m.backends) {
    const auto c = column_counts(col);
    fmt::print(
        "{:<36} {:>5} {:>5} {:>11} {:>13} {:>15} {:>5} {:>8} {:>9} {:>7}\n",
        fmt::format("{} ({}, {})", col.spec, col.runtime.empty() ? "unavailable" : col.runtime, col.profile),
        c.at("pass"), c.at("fail"), c.at("unsupported"), c.at("expected-fail"), c.at("unexpected-pass"),
        c.at("error"), c.at("unstable"), c.at("undecided"), c.at("stalled"));
  }
  if (!report_dir.empty()) {
    if (auto error = write_report(m, report_dir)) {
      fmt::print(stderr, "acx: {}\n", *error);
      return kExitBadInput;
    }
    fmt::print("report: {}/index.html, report.json, junit.xml\n", report_dir);
  }
  if (!readme.empty()) {
    if (auto error = write_readme_summary(m, readme)) {
      fmt::print(stderr, "acx: {}\n", *error);
      return kExitBadInput;
    }
    fmt::print("summary table rewritten in {}\n", readme);
  }
  if (m.bad_input) return kExitBadInput;
  if (errors) return kExitBackendFailure;
  if (failed) return kExitDivergence;
  if (undecided) return kExitUndecided;
  return kExitOk;  // stalled cells too: counted and shown, they fail no run
}

}  // namespace

Command add_conformance(CLI::App& app) {
  struct Options {
    ConformanceOptions run{{ACX_SOURCE_DIR "/conformance/cases"},
                           {},
                           ACX_SOURCE_DIR "/conformance/expectations",
                           30,
                           default_jobs()};
    std::string report_dir, readme;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* conformance = app.add_subcommand(
      "conformance", "Run every case on each backend against its profile; write the matrix report");
  conformance->add_option("PATH", o->run.case_paths, "Case files or folders")->capture_default_str();
  conformance->add_option("--backend", o->run.backends, "A backend (repeat for several); see acx run --help")
      ->required();
  conformance->add_option("--report", o->report_dir,
                          "Write report.json, junit.xml and index.html into this folder");
  conformance
      ->add_option("--expectations", o->run.expectations_dir,
                   "Folder of known divergences, one file per backend")
      ->capture_default_str();
  conformance->add_option("--timeout", o->run.timeout_seconds, "Seconds a backend may take per case")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  conformance->add_option("-j,--jobs", o->run.jobs, "Cases run at once")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  conformance
      ->add_option("--reruns", o->run.reruns,
                   "Run a cell that fails, is undecided, stalls or times out this many more times (an "
                   "expected failure that passes too): one that then passes is unstable (a pass where "
                   "the others only stalled)")
      ->capture_default_str();
  add_search_budget_option(*conformance, o->run.search_budget);
  add_stall_option(*conformance, o->run.stall_ms);
  conformance->add_flag("-q,--quiet", o->quiet, "Print only the summary and the cells that need attention");
  conformance->add_option("--readme", o->readme,
                          "Rewrite the summary table of this Markdown file (README.md)");
  return {conformance, [o] { return cmd_conformance(o->run, o->report_dir, o->readme, o->quiet); }};
}

}  // namespace acx::cli
