// Honest verdicts on fake backends: a search that runs out of its budget is undecided (never a
// fail), a trace allowed only if the runtime stalled beyond the bound is stalled (never a pass or a
// fail), a case that passes on one run and fails on another is unstable (never a pass or a fail),
// acx stress groups what the model does not allow by the trace observed, and every report format
// shows the new kinds.
#define BOOST_TEST_MODULE verdicts
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <fmt/format.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "acx/judge/judge.h"
#include "acx/model/search.h"
#include "acx/scenario/parser.h"
#include "acx/trace/canonical.h"
#include "check.h"
#include "common.h"
#include "conformance.h"
#include "exit_codes.h"
#include "report.h"
#include "stress.h"
#include "test_backend.h"

using namespace acx;
using testing::runtime_trace;
using testing::ScriptedBackend;
using Kind = cli::CaseOutcome::Kind;

namespace {

const std::string kChoices = ACX_SOURCE_DIR "/conformance/cases/loop/timeout-vs-immediate.acx";
const std::string kChain = ACX_SOURCE_DIR "/conformance/cases/promises/chain-triggers.acx";
const std::string kInterval = ACX_SOURCE_DIR "/conformance/cases/loop/interval-cleared-by-timeout.acx";

model::Profile node20() {
  return std::get<model::Profile>(model::load_profile("node-20", ACX_SOURCE_DIR "/models"));
}

scenario::Scenario parse(const std::string& file) {
  auto parsed = scenario::parse_file(file);
  BOOST_REQUIRE(parsed.ok());
  return parsed.scenario();
}

/// The model's first trace of a case: a trace it allows.
trace::Trace allowed(const std::string& file) {
  return runtime_trace(model::predict(parse(file), node20()).events);
}

/// Two traces kChoices allows and a search budget that decides the first (`reached`) but runs
/// out before the second (`beyond`). Found by trying budgets, so that the tests do not depend on
/// the order in which the search visits the choices.
struct BudgetSplit {
  trace::Trace reached;
  trace::Trace beyond;
  std::size_t budget = 0;
};

const BudgetSplit& budget_split() {
  static const BudgetSplit split = [] {
    const auto s = parse(kChoices);
    const model::Enumeration all = model::enumerate(s, node20());
    BOOST_REQUIRE(all.traces.size() >= 2);
    for (std::size_t budget = 1; budget <= 64; ++budget) {
      std::optional<trace::Trace> reached;
      std::optional<trace::Trace> beyond;
      for (const auto& events : all.traces) {
        ScriptedBackend backend({runtime_trace(events)});
        const auto j = judge::judge(s, backend, node20(), "case", {}, std::nullopt, budget);
        const std::string verdict = judge::verdict_name(j.kind);
        if (verdict == "pass") reached = runtime_trace(events);
        if (verdict == "undecided") beyond = runtime_trace(events);
      }
      if (reached && beyond) return BudgetSplit{*reached, *beyond, budget};
    }
    BOOST_FAIL("no search budget decides one allowed trace of " + kChoices + " and not another");
    return BudgetSplit{};
  }();
  return split;
}

trace::Trace allowed_but_not_first() {
  return budget_split().beyond;
}
std::size_t tight_budget() {
  return budget_split().budget;
}

/// A trace the model does not allow: the case's first trace with one observation relabelled.
trace::Trace divergent(const std::string& file, const std::string& label = "not what ran") {
  trace::Trace t = allowed(file);
  for (auto& e : t.events)
    if (e.kind == trace::EventKind::Observe) {
      e.label = label;
      break;
    }
  return t;
}

std::size_t fires(const std::vector<trace::Event>& events) {
  return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [](const trace::Event& e) {
    return e.kind == trace::EventKind::Observe && e.label == "fire";
  }));
}

/// kInterval's allowed trace with the most fires of its setInterval(20) before the setTimeout(70)
/// clears it: three (at 20, 40 and 60 ms).
trace::Trace three_fires() {
  const model::Enumeration all = model::enumerate(parse(kInterval), node20());
  BOOST_REQUIRE(!all.traces.empty());
  const auto most = std::max_element(all.traces.begin(), all.traces.end(),
                                     [](const auto& a, const auto& b) { return fires(a) < fires(b); });
  BOOST_REQUIRE(fires(*most) == 3u);
  return runtime_trace(*most);
}

/// The same with a fourth fire: what Node printed once in 200 runs (probe F3), allowed only if
/// the process stalled for more than 10 ms between creating the interval and the timeout.
trace::Trace four_fires() {
  trace::Trace t = three_fires();
  const auto fire =
      std::find_if(t.events.begin(), t.events.end(), [](const trace::Event& e) { return e.label == "fire"; });
  t.events.insert(fire, *fire);
  BOOST_REQUIRE(fires(t.events) == 4u);
  return t;
}

backends::BackendFailure timeout() {
  return {backends::BackendFailure::Kind::TimedOut, "no result within 500 ms; killed", ""};
}

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

// --- undecided ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_search_that_runs_out_of_its_budget_is_undecided_not_a_fail) {
  ScriptedBackend backend({allowed_but_not_first()});
  const auto s = parse(kChoices);
  const judge::Judgement tight = judge::judge(s, backend, node20(), "case", {}, std::nullopt, tight_budget());
  BOOST_TEST(std::string(judge::verdict_name(tight.kind)) == "undecided");
  BOOST_TEST(contains(tight.report, fmt::format("no match within {} search segments", tight_budget())),
             tight.report);
  // The same trace with the default budget: the model allows it.
  const judge::Judgement full = judge::judge(s, backend, node20(), "case");
  BOOST_TEST(std::string(judge::verdict_name(full.kind)) == "pass", full.report);
}

BOOST_AUTO_TEST_CASE(a_divergence_within_the_budget_is_still_a_fail) {
  ScriptedBackend backend({divergent(kChoices)});
  const judge::Judgement j = judge::judge(parse(kChoices), backend, node20(), "case");
  BOOST_TEST(std::string(judge::verdict_name(j.kind)) == "fail");
  BOOST_TEST(contains(j.report, "first divergence"), j.report);
}

BOOST_AUTO_TEST_CASE(check_case_takes_the_search_budget) {
  ScriptedBackend backend({allowed_but_not_first()});
  BOOST_TEST((cli::check_case(kChoices, backend, node20(), {}, tight_budget()).kind == Kind::Undecided));
  BOOST_TEST((cli::check_case(kChoices, backend, node20(), {}).kind == Kind::Pass));
}

// --- stalled -----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(four_interval_fires_are_stalled_not_a_fail_nor_a_pass) {
  const auto s = parse(kInterval);
  const auto observed = trace::canonicalize(four_fires()).events;
  // The premise: the model allows four fires without the stall bound, and not with it.
  model::RunOptions unbounded;
  unbounded.stall_ms = model::kUnboundedStall;
  BOOST_TEST((model::match(s, node20(), observed, unbounded).outcome == model::MatchOutcome::Match));
  BOOST_TEST((model::match(s, node20(), observed).outcome == model::MatchOutcome::Divergence));

  ScriptedBackend backend({four_fires()});
  const judge::Judgement j = judge::judge(s, backend, node20(), "case");
  // Stalled, not a fail: the case's @orders 3 is counted under the bound (unbounded, the model
  // allows any number of fires, and the count would fail it).
  BOOST_TEST(std::string(judge::verdict_name(j.kind)) == "stalled", j.report);
  BOOST_TEST(contains(j.report,
                      "allowed only if the runtime stalled for more than 10 ms between two clock reads "
                      "(spec/time.md time.stall); the machine was too busy for this run to be judged"),
             j.report);
  // Then where the model with the bound parts from the observation: at the fourth fire.
  BOOST_TEST(contains(j.report, "first divergence after 3 matching event(s)"), j.report);
  BOOST_TEST(j.divergence.has_value());
  BOOST_TEST((cli::check_case(kInterval, backend, node20(), {}).kind == Kind::Stalled));
}

BOOST_AUTO_TEST_CASE(the_stall_bound_is_an_option) {
  // Whatever the bound, the case's @orders 3 is counted under the spec's (10 ms): with none, the
  // model would allow any number of fires.
  ScriptedBackend backend({four_fires()});
  model::RunOptions none;
  none.stall_ms = model::kUnboundedStall;
  BOOST_TEST((cli::check_case(kInterval, backend, node20(), none).kind == Kind::Pass));
  model::RunOptions loose;
  loose.stall_ms = 30;  // the timeout may be created 30 ms after the interval: due after its 4th fire
  BOOST_TEST((cli::check_case(kInterval, backend, node20(), loose).kind == Kind::Pass));
  // Three fires need no stall at all.
  ScriptedBackend three({three_fires()});
  model::RunOptions strict;
  strict.stall_ms = 0;
  BOOST_TEST((cli::check_case(kInterval, three, node20(), strict).kind == Kind::Pass));
}

BOOST_AUTO_TEST_CASE(a_trace_no_stall_explains_stays_a_fail) {
  ScriptedBackend backend({divergent(kInterval)});
  const judge::Judgement j = judge::judge(parse(kInterval), backend, node20(), "case");
  BOOST_TEST(std::string(judge::verdict_name(j.kind)) == "fail", j.report);
  BOOST_TEST(!contains(j.report, "stalled"), j.report);
  // Four fires and then a wrong label: not even a stall explains it.
  trace::Trace wrong = four_fires();
  for (auto& e : wrong.events)
    if (e.label == "cleared") e.label = "not what ran";
  ScriptedBackend wrong_backend({wrong});
  BOOST_TEST((cli::check_case(kInterval, wrong_backend, node20(), {}).kind == Kind::Fail));
}

BOOST_AUTO_TEST_CASE(a_stalled_run_is_run_again_and_a_later_pass_makes_a_pass) {
  ScriptedBackend once({four_fires(), three_fires()});
  const auto outcome =
      cli::check_case_runs(kInterval, once, node20(), {}, judge::kDefaultSearchBudget, {3, false});
  BOOST_TEST((outcome.kind == Kind::Pass), outcome.report);
  BOOST_TEST(once.runs() == 4u);
  BOOST_TEST(outcome.stalled_runs() == 2u);
  BOOST_TEST(contains(outcome.report, "2 of 4 runs passed, 2 of 4 runs stalled"), outcome.report);
  BOOST_TEST(contains(outcome.report, "run 1 (STALLED):"), outcome.report);
  BOOST_TEST((cli::classify(outcome, false) == cli::Cell::Pass));

  // Every run stalled: the case is stalled, expected to fail or not.
  ScriptedBackend always({four_fires()});
  const auto stalled =
      cli::check_case_runs(kInterval, always, node20(), {}, judge::kDefaultSearchBudget, {3, false});
  BOOST_TEST((stalled.kind == Kind::Stalled), stalled.report);
  BOOST_TEST(contains(stalled.report, "0 of 4 runs passed, 4 of 4 runs stalled"), stalled.report);
  BOOST_TEST((cli::classify(stalled, false) == cli::Cell::Stalled));
  BOOST_TEST((cli::classify(stalled, true) == cli::Cell::Stalled));

  // A stall does not hide a divergence: with a fail it is a fail, with a pass and a fail unstable.
  ScriptedBackend failing({four_fires(), divergent(kInterval)});
  BOOST_TEST(
      (cli::check_case_runs(kInterval, failing, node20(), {}, judge::kDefaultSearchBudget, {1, false}).kind ==
       Kind::Fail));
  ScriptedBackend mixed({four_fires(), three_fires(), divergent(kInterval)});
  BOOST_TEST(
      (cli::check_case_runs(kInterval, mixed, node20(), {}, judge::kDefaultSearchBudget, {2, false}).kind ==
       Kind::Unstable));
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

BOOST_AUTO_TEST_CASE(the_stall_option_takes_milliseconds_or_none) {
  BOOST_TEST(cli::parse_stall("10").value_or(-2) == 10);
  BOOST_TEST(cli::parse_stall("0").value_or(-2) == 0);
  BOOST_TEST(cli::parse_stall("60000").value_or(-2) == cli::kMaxStallMs);
  BOOST_TEST(cli::parse_stall("none").value_or(-2) == model::kUnboundedStall);
  for (const char* bad : {"", "-1", "60001", "1e3", "10ms", "None", "unbounded", "99999999999999999999"})
    BOOST_TEST(!cli::parse_stall(bad).has_value(), bad);
}

// --- unstable ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_case_that_fails_then_passes_is_unstable_with_its_counts) {
  ScriptedBackend backend({divergent(kChain), allowed(kChain)});
  const auto outcome =
      cli::check_case_runs(kChain, backend, node20(), {}, judge::kDefaultSearchBudget, {3, false});
  BOOST_TEST((outcome.kind == Kind::Unstable), outcome.report);
  BOOST_TEST(backend.runs() == 4u);
  BOOST_TEST(outcome.runs.size() == 4u);
  BOOST_TEST(outcome.passed_runs() == 2u);
  BOOST_TEST(contains(outcome.report, "2 of 4 runs passed"), outcome.report);
  // The failing runs' first-divergence report, once: run 3 failed the same way as run 1.
  BOOST_TEST(contains(outcome.report, "run 1 (FAIL):"), outcome.report);
  BOOST_TEST(contains(outcome.report, "run 3: the same report as run 1"), outcome.report);
  BOOST_TEST(contains(outcome.report, "first divergence"), outcome.report);
  BOOST_TEST((cli::classify(outcome, false) == cli::Cell::Unstable));
}

BOOST_AUTO_TEST_CASE(without_reruns_the_first_run_is_the_verdict) {
  ScriptedBackend backend({divergent(kChain), allowed(kChain)});
  const auto outcome =
      cli::check_case_runs(kChain, backend, node20(), {}, judge::kDefaultSearchBudget, {0, false});
  BOOST_TEST((outcome.kind == Kind::Fail));
  BOOST_TEST(backend.runs() == 1u);
  BOOST_TEST(outcome.runs.empty());
}

BOOST_AUTO_TEST_CASE(a_case_that_fails_every_run_stays_a_fail_with_the_count) {
  ScriptedBackend backend({divergent(kChain)});
  const auto outcome =
      cli::check_case_runs(kChain, backend, node20(), {}, judge::kDefaultSearchBudget, {3, false});
  BOOST_TEST((outcome.kind == Kind::Fail));
  BOOST_TEST(contains(outcome.report, "0 of 4 runs passed"), outcome.report);
  BOOST_TEST((cli::classify(outcome, false) == cli::Cell::Fail));
}

BOOST_AUTO_TEST_CASE(a_pass_is_not_run_again_unless_the_case_is_expected_to_fail) {
  ScriptedBackend passing({allowed(kChain), divergent(kChain)});
  const auto plain =
      cli::check_case_runs(kChain, passing, node20(), {}, judge::kDefaultSearchBudget, {3, false});
  BOOST_TEST((plain.kind == Kind::Pass));
  BOOST_TEST(passing.runs() == 1u);
  // Expected to fail, it passed first and failed on a rerun: a flake, not a fixed runtime.
  ScriptedBackend flaky({allowed(kChain), divergent(kChain)});
  const auto expected =
      cli::check_case_runs(kChain, flaky, node20(), {}, judge::kDefaultSearchBudget, {3, true});
  BOOST_TEST((expected.kind == Kind::Unstable));
  BOOST_TEST((cli::classify(expected, true) == cli::Cell::ExpectedFail));
  // Passing every run, it is an unexpected pass.
  ScriptedBackend fixed({allowed(kChain)});
  const auto stale =
      cli::check_case_runs(kChain, fixed, node20(), {}, judge::kDefaultSearchBudget, {3, true});
  BOOST_TEST((stale.kind == Kind::Pass));
  BOOST_TEST(fixed.runs() == 4u);
  BOOST_TEST((cli::classify(stale, true) == cli::Cell::UnexpectedPass));
}

BOOST_AUTO_TEST_CASE(a_timeout_is_run_again_and_a_later_pass_makes_it_unstable) {
  ScriptedBackend backend({timeout(), allowed(kChain)});
  const auto outcome =
      cli::check_case_runs(kChain, backend, node20(), {}, judge::kDefaultSearchBudget, {1, false});
  BOOST_TEST((outcome.kind == Kind::Unstable), outcome.report);
  BOOST_TEST(outcome.runs.front().timed_out);
  // A crash is the runtime's answer: not run again.
  ScriptedBackend crash({backends::BackendFailure{backends::BackendFailure::Kind::Crashed, "exit 139", ""}});
  const auto crashed =
      cli::check_case_runs(kChain, crash, node20(), {}, judge::kDefaultSearchBudget, {3, false});
  BOOST_TEST((crashed.kind == Kind::BackendFailure));
  BOOST_TEST(crash.runs() == 1u);
}

BOOST_AUTO_TEST_CASE(passes_and_undecided_runs_without_a_fail_stay_undecided) {
  // An undecided run is no divergence: nothing shows the runtime unstable.
  ScriptedBackend backend({allowed_but_not_first(), budget_split().reached});
  const auto outcome = cli::check_case_runs(kChoices, backend, node20(), {}, tight_budget(), {3, false});
  BOOST_TEST((outcome.kind == Kind::Undecided), outcome.report);
  BOOST_TEST(outcome.passed_runs() == 2u);
  BOOST_TEST((cli::classify(outcome, false) == cli::Cell::Undecided));
  BOOST_TEST((cli::classify(outcome, true) == cli::Cell::Undecided));
}

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

  const auto json = nlohmann::json::parse(read(dir / "report.json"));
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

  const std::string junit = read(dir / "junit.xml");
  BOOST_TEST(contains(junit, "<testsuite name=\"scripted\" tests=\"2\" failures=\"1\" errors=\"1\""), junit);
  BOOST_TEST(contains(junit, "<failure message=\"unstable: 2 of 4 runs passed\">"), junit);
  BOOST_TEST(contains(junit, "<error message=\"undecided: the model's search ran out of its budget\">"),
             junit);
  BOOST_TEST(
      contains(junit, "expected failure: a known race (https://example.invalid/race); 2 of 4 runs passed"),
      junit);

  const std::string html = read(dir / "index.html");
  BOOST_TEST(contains(html, "<td class=\"cell unstable\" title=\"unstable; 2 of 4 runs passed\">"), html);
  BOOST_TEST(contains(html, "~<small>2/4</small>"), html);
  BOOST_TEST(contains(html, "<td class=\"cell undecided\""), html);
  BOOST_TEST(contains(html, "<h2>Unstable, undecided and stalled cells</h2>"), html);
  BOOST_TEST(contains(html, "first divergence"), html);  // the failing runs' reports, inline

  const std::string detail = read(dir / "cells/scripted/promises~chain-triggers.txt");
  BOOST_TEST(contains(detail, "2 of 4 runs passed"), detail);

  const auto readme = dir / "README.md";
  std::ofstream(readme)
      << "before\n<!-- conformance-summary:begin -->\nold\n<!-- conformance-summary:end -->\n";
  BOOST_REQUIRE(!cli::write_readme_summary(m, readme.string()));
  const std::string table = read(readme);
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

  const auto json = nlohmann::json::parse(read(dir / "report.json"));
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
  const std::string junit = read(dir / "junit.xml");
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

  const std::string html = read(dir / "index.html");
  BOOST_TEST(
      contains(html,
               "<td class=\"cell stalled\" title=\"stalled; 0 of 4 runs passed, 4 of 4 runs stalled\">"),
      html);
  BOOST_TEST(
      contains(html, "<td class=\"cell pass\" title=\"pass; 1 of 2 runs passed, 1 of 2 runs stalled\">"),
      html);
  BOOST_TEST(contains(html, "<h2>Unstable, undecided and stalled cells</h2>"), html);
  BOOST_TEST(
      contains(read(dir / "cells/passed/loop~interval-cleared-by-timeout.txt"), "1 of 2 runs stalled"));

  const auto readme = dir / "README.md";
  std::ofstream(readme) << "<!-- conformance-summary:begin -->\n<!-- conformance-summary:end -->\n";
  BOOST_REQUIRE(!cli::write_readme_summary(m, readme.string()));
  BOOST_TEST(contains(read(readme), "| `stalled` | v20.0.0 | node-20 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 |"),
             read(readme));
}
