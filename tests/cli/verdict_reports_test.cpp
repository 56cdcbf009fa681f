// How verdicts are reported, on fake backends: acx stress groups what the model does not allow by
// the trace observed and counts undecided and stalled runs apart, with its exit codes; the load
// stress puts on the machine; every report format of acx conformance (report.json, junit.xml,
// index.html, the cell files, the README table) shows unstable, undecided and stalled cells.
#define BOOST_TEST_MODULE verdict_reports
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "acx/judge/judge.h"
#include "check.h"
#include "conformance.h"
#include "exit_codes.h"
#include "report.h"
#include "stress.h"
#include "test_backend.h"
#include "verdict_fixtures.h"

using namespace acx;
using namespace acx::testing::verdicts;
using testing::ScriptedBackend;

// --- stress ------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(stress_groups_divergent_runs_by_their_trace_with_counts) {
  ScriptedBackend backend({allowed(kChain), divergent(kChain, "a"), divergent(kChain, "a"),
                           divergent(kChain, "b"), allowed(kChain)});
  const cli::StressResult r = cli::stress_case(kChain, backend, node20(), 10, judge::kDefaultSearchBudget);
  BOOST_TEST(r.id == "promises/chain-triggers");
  BOOST_TEST(r.runs == 10u);
  BOOST_TEST(r.passed == 4u);
  BOOST_TEST(r.failed == 6u);
  BOOST_TEST(r.allowed_traces == 1u);
  BOOST_REQUIRE(r.divergent.size() == 2u);
  BOOST_TEST(r.divergent[0].runs == (std::vector<std::size_t>{2, 3, 7, 8}));
  BOOST_TEST(contains(r.divergent[0].trace, "\"label\":\"a\""), r.divergent[0].trace);
  BOOST_TEST(contains(r.divergent[0].report, "first divergence"), r.divergent[0].report);
  BOOST_TEST(r.divergent[1].runs == (std::vector<std::size_t>{4, 9}));
  BOOST_TEST(cli::stress_exit_code({r}) == cli::kExitDivergence);
}

BOOST_AUTO_TEST_CASE(stress_exit_codes) {
  ScriptedBackend passing({allowed(kChain)});
  const auto ok = cli::stress_case(kChain, passing, node20(), 3, judge::kDefaultSearchBudget);
  BOOST_TEST(ok.passed == 3u);
  BOOST_TEST(cli::stress_exit_code({ok}) == cli::kExitOk);

  ScriptedBackend unsure({allowed_but_not_first()});
  const auto undecided = cli::stress_case(kChoices, unsure, node20(), 3, tight_budget());
  BOOST_TEST(undecided.undecided == 3u);
  BOOST_TEST(undecided.undecided_traces.size() == 1u);
  BOOST_TEST(cli::stress_exit_code({ok, undecided}) == cli::kExitUndecided);

  ScriptedBackend hanging({timeout(), allowed(kChain)});
  const auto failures = cli::stress_case(kChain, hanging, node20(), 4, judge::kDefaultSearchBudget);
  BOOST_TEST(failures.backend_failures == 2u);
  BOOST_TEST(failures.failures.size() == 1u);
  BOOST_TEST(cli::stress_exit_code({undecided, failures}) == cli::kExitBackendFailure);

  // A divergence is what stress hunts: a backend failure does not hide it.
  ScriptedBackend diverging({divergent(kChain)});
  const auto diverged = cli::stress_case(kChain, diverging, node20(), 1, judge::kDefaultSearchBudget);
  BOOST_TEST(cli::stress_exit_code({failures, diverged, undecided}) == cli::kExitDivergence);

  const auto bad = cli::stress_case("/nonexistent.acx", passing, node20(), 1, judge::kDefaultSearchBudget);
  BOOST_TEST(!bad.bad_input.empty());
  BOOST_TEST(cli::stress_exit_code({diverged, bad}) == cli::kExitBadInput);
}

BOOST_AUTO_TEST_CASE(stress_counts_stalled_runs_apart_from_divergences) {
  ScriptedBackend backend({three_fires(), four_fires()});
  const auto r = cli::stress_case(kInterval, backend, node20(), 4, judge::kDefaultSearchBudget);
  BOOST_TEST(r.passed == 2u);
  BOOST_TEST(r.stalled == 2u);
  BOOST_TEST(r.failed == 0u);
  BOOST_REQUIRE(r.stalled_traces.size() == 1u);
  BOOST_TEST(r.stalled_traces[0].runs == (std::vector<std::size_t>{2, 4}));
  BOOST_TEST(cli::stress_exit_code({r}) == cli::kExitStalled);
  ScriptedBackend unsure({allowed_but_not_first()});
  const auto undecided = cli::stress_case(kChoices, unsure, node20(), 1, tight_budget());
  BOOST_TEST(cli::stress_exit_code({r, undecided}) == cli::kExitUndecided);
  ScriptedBackend diverging({divergent(kInterval)});
  const auto diverged = cli::stress_case(kInterval, diverging, node20(), 1, judge::kDefaultSearchBudget);
  BOOST_TEST(cli::stress_exit_code({r, diverged}) == cli::kExitDivergence);
  // Without a bound the same runs pass.
  model::RunOptions none;
  none.stall_ms = model::kUnboundedStall;
  BOOST_TEST(cli::stress_case(kInterval, backend, node20(), 2, judge::kDefaultSearchBudget, none).passed ==
             2u);
}

namespace {

/// The state letter of /proc/PID/stat ('R', 'S', 'Z', ...), or 0 when there is no such process.
char process_state(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size() ? 0 : text[close + 2];
}

}  // namespace

BOOST_AUTO_TEST_CASE(cpu_load_spins_while_it_lives_and_is_gone_after) {
  std::vector<pid_t> pids;
  {
    const cli::CpuLoad load(2);
    BOOST_TEST(load.error().empty());
    pids = load.pids();
    BOOST_REQUIRE(pids.size() == 2u);
    for (pid_t p : pids) {
      // Busy: running or runnable, never asleep, within a moment of starting.
      char state = 0;
      for (int k = 0; k < 50 && state != 'R'; ++k) {
        state = process_state(p);
        if (state != 'R') std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      BOOST_TEST(state == 'R');
    }
  }
  for (pid_t p : pids) BOOST_TEST(process_state(p) == 0);  // killed and reaped
}

// --- report formats ----------------------------------------------------------------------------

namespace {

cli::CellResult cell_of(cli::CaseOutcome outcome,
                        std::optional<cli::Expectation> expectation = std::nullopt) {
  cli::CellResult r;
  r.cell = cli::classify(outcome, expectation.has_value());
  r.outcome = std::move(outcome);
  r.expectation = std::move(expectation);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_report_format_shows_unstable_and_undecided_cells) {
  ScriptedBackend alternating({divergent(kChain), allowed(kChain)});
  ScriptedBackend unsure({allowed_but_not_first()});
  ScriptedBackend flaky({divergent(kChain), allowed(kChain)});
  cli::Matrix m;
  m.cases = {{"promises/chain-triggers", kChain, "chain", {"promise.trigger"}},
             {"loop/timeout-vs-immediate", kChoices, "choices", {"loop.check"}}};
  cli::BackendColumn col{"scripted", "v20.0.0", "node-20", "", {}};
  col.cells.push_back(cell_of(
      cli::check_case_runs(kChain, alternating, node20(), {}, judge::kDefaultSearchBudget, {3, false})));
  col.cells.push_back(
      cell_of(cli::check_case_runs(kChoices, unsure, node20(), {}, tight_budget(), {3, false})));
  cli::BackendColumn expected{"flaky", "v20.0.0", "node-20", "", {}};
  expected.cells.push_back(
      cell_of(cli::check_case_runs(kChain, flaky, node20(), {}, judge::kDefaultSearchBudget, {3, true}),
              cli::Expectation{"a known race", "https://example.invalid/race", "expectations/flaky:1"}));
  expected.cells.push_back(cell_of(cli::check_case(kChoices, unsure, node20(), {})));
  m.backends = {col, expected};
  BOOST_TEST((col.cells[0].cell == cli::Cell::Unstable));
  BOOST_TEST((col.cells[1].cell == cli::Cell::Undecided));
  BOOST_TEST((expected.cells[0].cell == cli::Cell::ExpectedFail));

  const auto counts = cli::column_counts(col);
  BOOST_TEST(counts.at("unstable") == 1u);
  BOOST_TEST(counts.at("undecided") == 1u);

  const auto dir = std::filesystem::temp_directory_path() / "acx-verdicts-report";
  std::filesystem::remove_all(dir);
  BOOST_REQUIRE(!cli::write_report(m, dir.string()));

  const auto json = nlohmann::json::parse(read_file(dir / "report.json"));
  BOOST_TEST(json["format"] == "acx-conformance-report/3");
  BOOST_TEST(json["all_cells_accounted"] == false);
  const auto& unstable = json["backends"][0]["cells"][0];
  BOOST_TEST(unstable["cell"] == "unstable");
  BOOST_TEST(unstable["passed_runs"] == 2);
  BOOST_REQUIRE(unstable["runs"].size() == 4u);
  BOOST_TEST(unstable["runs"][0]["verdict"] == "fail");
  BOOST_TEST(contains(unstable["runs"][0]["report"].get<std::string>(), "first divergence"));
  BOOST_TEST(unstable["runs"][1]["verdict"] == "pass");
  BOOST_TEST(json["backends"][0]["cells"][1]["cell"] == "undecided");
  BOOST_TEST(json["backends"][0]["counts"]["unstable"] == 1);
  BOOST_TEST(json["backends"][1]["cells"][0]["cell"] == "expected-fail");
  BOOST_TEST(json["backends"][1]["cells"][0]["passed_runs"] == 2);

  const std::string junit = read_file(dir / "junit.xml");
  BOOST_TEST(contains(junit, "<testsuite name=\"scripted\" tests=\"2\" failures=\"1\" errors=\"1\""), junit);
  BOOST_TEST(contains(junit, "<failure message=\"unstable: 2 of 4 runs passed\">"), junit);
  BOOST_TEST(contains(junit, "<error message=\"undecided: the model's search ran out of its budget\">"),
             junit);
  BOOST_TEST(
      contains(junit, "expected failure: a known race (https://example.invalid/race); 2 of 4 runs passed"),
      junit);

  const std::string html = read_file(dir / "index.html");
  BOOST_TEST(contains(html, "<td class=\"cell unstable\" title=\"unstable; 2 of 4 runs passed\">"), html);
  BOOST_TEST(contains(html, "~<small>2/4</small>"), html);
  BOOST_TEST(contains(html, "<td class=\"cell undecided\""), html);
  BOOST_TEST(contains(html, "<h2>Unstable, undecided and stalled cells</h2>"), html);
  BOOST_TEST(contains(html, "first divergence"), html);  // the failing runs' reports, inline

  const std::string detail = read_file(dir / "cells/scripted/promises~chain-triggers.txt");
  BOOST_TEST(contains(detail, "2 of 4 runs passed"), detail);

  const auto readme = dir / "README.md";
  std::ofstream(readme)
      << "before\n<!-- conformance-summary:begin -->\nold\n<!-- conformance-summary:end -->\n";
  BOOST_REQUIRE(!cli::write_readme_summary(m, readme.string()));
  const std::string table = read_file(readme);
  BOOST_TEST(contains(table, "| error | unstable | undecided | stalled |"), table);
  BOOST_TEST(contains(table, "| `scripted` | v20.0.0 | node-20 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 1 | 0 |"),
             table);
}

BOOST_AUTO_TEST_CASE(every_report_format_shows_stalled_cells_and_stalled_runs) {
  ScriptedBackend always({four_fires()});
  ScriptedBackend once({four_fires(), three_fires()});
  cli::Matrix m;
  m.cases = {{"loop/interval-cleared-by-timeout", kInterval, "interval", {"time.stall"}}};
  cli::BackendColumn stalled{"stalled", "v20.0.0", "node-20", "", {}};
  stalled.cells.push_back(cell_of(
      cli::check_case_runs(kInterval, always, node20(), {}, judge::kDefaultSearchBudget, {3, false})));
  cli::BackendColumn passed{"passed", "v20.0.0", "node-20", "", {}};
  passed.cells.push_back(
      cell_of(cli::check_case_runs(kInterval, once, node20(), {}, judge::kDefaultSearchBudget, {1, false})));
  m.backends = {stalled, passed};
  BOOST_TEST((stalled.cells[0].cell == cli::Cell::Stalled));
  BOOST_TEST((passed.cells[0].cell == cli::Cell::Pass));
  BOOST_TEST(cli::column_counts(stalled).at("stalled") == 1u);

  const auto dir = std::filesystem::temp_directory_path() / "acx-verdicts-stalled-report";
  std::filesystem::remove_all(dir);
  BOOST_REQUIRE(!cli::write_report(m, dir.string()));

  const auto json = nlohmann::json::parse(read_file(dir / "report.json"));
  BOOST_TEST(json["all_cells_accounted"] == false);  // a stalled cell was not judged
  const auto& cell = json["backends"][0]["cells"][0];
  BOOST_TEST(cell["cell"] == "stalled");
  BOOST_TEST(cell["stalled_runs"] == 4);
  BOOST_TEST(cell["runs"][0]["verdict"] == "stalled");
  BOOST_TEST(contains(cell["report"].get<std::string>(), "allowed only if the runtime stalled"));
  BOOST_TEST(json["backends"][0]["counts"]["stalled"] == 1);
  // A pass with a stalled run says so, with its report.
  const auto& pass = json["backends"][1]["cells"][0];
  BOOST_TEST(pass["cell"] == "pass");
  BOOST_TEST(pass["passed_runs"] == 1);
  BOOST_TEST(pass["stalled_runs"] == 1);
  BOOST_TEST(contains(pass["report"].get<std::string>(), "1 of 2 runs passed, 1 of 2 runs stalled"));

  // junit: a skip (the machine's load, not the runtime), its report the element's text.
  const std::string junit = read_file(dir / "junit.xml");
  BOOST_TEST(
      contains(junit, "<testsuite name=\"stalled\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\""),
      junit);
  BOOST_TEST(contains(junit,
                      "<skipped message=\"stalled: allowed only if the runtime stalled beyond the bound "
                      "(spec/time.md time.stall); not judged; 0 of 4 runs passed, 4 of 4 runs stalled\">"),
             junit);
  BOOST_TEST(contains(junit, "first divergence after 3 matching event(s)"), junit);
  BOOST_TEST(
      contains(junit, "<testsuite name=\"passed\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\""),
      junit);

  const std::string html = read_file(dir / "index.html");
  BOOST_TEST(
      contains(html,
               "<td class=\"cell stalled\" title=\"stalled; 0 of 4 runs passed, 4 of 4 runs stalled\">"),
      html);
  BOOST_TEST(
      contains(html, "<td class=\"cell pass\" title=\"pass; 1 of 2 runs passed, 1 of 2 runs stalled\">"),
      html);
  BOOST_TEST(contains(html, "<h2>Unstable, undecided and stalled cells</h2>"), html);
  BOOST_TEST(
      contains(read_file(dir / "cells/passed/loop~interval-cleared-by-timeout.txt"), "1 of 2 runs stalled"));

  const auto readme = dir / "README.md";
  std::ofstream(readme) << "<!-- conformance-summary:begin -->\n<!-- conformance-summary:end -->\n";
  BOOST_REQUIRE(!cli::write_readme_summary(m, readme.string()));
  BOOST_TEST(
      contains(read_file(readme), "| `stalled` | v20.0.0 | node-20 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 |"),
      read_file(readme));
}
