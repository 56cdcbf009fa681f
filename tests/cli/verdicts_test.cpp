// Honest verdicts on fake backends: a search that runs out of its budget is undecided (never a
// fail), a trace allowed only if the runtime stalled beyond the bound is stalled (never a pass or a
// fail), a case that passes on one run and fails on another is unstable (never a pass or a fail).
// How acx stress and the report formats show these verdicts: verdict_reports_test.
#define BOOST_TEST_MODULE verdicts
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "acx/judge/judge.h"
#include "acx/model/search.h"
#include "acx/trace/canonical.h"
#include "check.h"
#include "common.h"
#include "conformance.h"
#include "test_backend.h"
#include "verdict_fixtures.h"

using namespace acx;
using namespace acx::testing::verdicts;
using testing::ScriptedBackend;
using Kind = cli::CaseOutcome::Kind;

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
