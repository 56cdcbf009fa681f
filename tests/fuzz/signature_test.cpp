// Divergence signatures (acx/fuzz/signature.h): two programs that diverge the same way, differing only
// in ids, labels, literals and names, have one signature; a divergence of another kind, in another
// kind of callback, or a different end of the process has another.
#define BOOST_TEST_MODULE signature
#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include "acx/fuzz/signature.h"
#include "acx/judge/judge.h"
#include "acx/scenario/parser.h"
#include "test_backend.h"

using namespace acx;

namespace {

scenario::Scenario parse(const std::string& text) {
  auto parsed = scenario::parse(text);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? std::string() : parsed.error().to_string()));
  return parsed.scenario();
}

model::Profile profile(const std::string& name) {
  auto loaded = model::load_profile(name, ACX_SOURCE_DIR "/models");
  BOOST_REQUIRE(std::holds_alternative<model::Profile>(loaded));
  return std::get<model::Profile>(loaded);
}

/// The signature of `s` judged under node-20 against a runtime that printed `result`.
std::string signature(const scenario::Scenario& s, backends::BackendResult result) {
  const model::Profile p = profile("node-20");
  testing::ScriptedBackend backend({std::move(result)});
  const judge::Judgement j = judge::judge(s, backend, p, "test");
  BOOST_REQUIRE(j.kind == judge::Judgement::Kind::Fail || j.kind == judge::Judgement::Kind::BackendFailure);
  const auto out = fuzz::divergence_signature(s, j, p);
  BOOST_REQUIRE(out);
  return *out;
}

/// A timer scheduled in run(STORE) that observes LABEL, as written with other names.
scenario::Scenario timer_in_run(const std::string& als, const std::string& store, const std::string& label) {
  return parse("let " + als + " = new AsyncLocalStorage\n" + als + ".run(\"" + store +
               "\") {\n  setTimeout(1) {\n    observe(\"" + label + "\")\n  }\n}\n");
}

}  // namespace

BOOST_AUTO_TEST_CASE(same_divergence_other_ids_and_labels) {
  // A runtime whose timer loses the store: the observation is the model's, its store is not.
  const std::string first =
      signature(timer_in_run("a", "A", "in the timer"),
                testing::runtime_trace(
                    {testing::observe_event("in the timer", 7, 1, "undefined"), testing::exit_event(0)}));
  const std::string second = signature(
      timer_in_run("storage", "some other store", "x"),
      testing::runtime_trace({testing::observe_event("x", 12, 1, "undefined"), testing::exit_event(0)}));
  BOOST_TEST(first == "stores value->undefined at observe in macrotask");
  BOOST_TEST(second == first);
}

BOOST_AUTO_TEST_CASE(other_callback_other_signature) {
  const std::string timer = signature(
      timer_in_run("a", "A", "l"),
      testing::runtime_trace({testing::observe_event("l", 2, 1, "undefined"), testing::exit_event(0)}));
  const auto tick =
      parse("let a = new AsyncLocalStorage\na.run(\"A\") {\n  nextTick {\n    observe(\"l\")\n  }\n}\n");
  const std::string in_tick = signature(
      tick, testing::runtime_trace({testing::observe_event("l", 2, 1, "undefined"), testing::exit_event(0)}));
  BOOST_TEST(in_tick == "stores value->undefined at observe in microtask");
  BOOST_TEST(in_tick != timer);
  // The other way round: a store where the model has none.
  const auto outside = parse("let a = new AsyncLocalStorage\nsetTimeout(1) {\n  observe(\"l\")\n}\n");
  const std::string gained = signature(
      outside, testing::runtime_trace({testing::observe_event("l", 2, 1, "\"A\""), testing::exit_event(0)}));
  BOOST_TEST(gained == "stores undefined->value at observe in macrotask");
  BOOST_TEST(gained != timer);
}

BOOST_AUTO_TEST_CASE(order_divergence) {
  // Two ticks in the wrong order: another kind of divergence, whatever the labels.
  const auto two_ticks = [](const std::string& l1, const std::string& l2) {
    return parse("nextTick {\n  observe(\"" + l1 + "\")\n}\nnextTick {\n  observe(\"" + l2 + "\")\n}\n");
  };
  const std::string first =
      signature(two_ticks("one", "two"),
                testing::runtime_trace({testing::observe_event("two", 3, 1),
                                        testing::observe_event("one", 2, 1), testing::exit_event(0)}));
  const std::string second =
      signature(two_ticks("first", "second"),
                testing::runtime_trace({testing::observe_event("second", 9, 1),
                                        testing::observe_event("first", 8, 1), testing::exit_event(0)}));
  BOOST_TEST(first == "order: allowed observe in microtask | observed observe in microtask");
  BOOST_TEST(second == first);
  // A process that ends early is another divergence again.
  const std::string ended =
      signature(two_ticks("one", "two"), testing::runtime_trace({testing::exit_event(1)}));
  BOOST_TEST(ended == "order: allowed observe in microtask | observed exit 1");
}

BOOST_AUTO_TEST_CASE(backend_failures) {
  // A runtime that exits without a trace: how it ended and how the model ends, not what it printed.
  const auto throws = parse("throw(\"x\")\n");
  const auto crash = [](const std::string& end, const std::string& stderr_text) {
    return backends::BackendFailure{backends::BackendFailure::Kind::Crashed, "scripted: " + end, stderr_text};
  };
  const std::string first = signature(throws, crash("exit 1", "error: x"));
  BOOST_TEST(first == "no trace (exit 1); model exits 1");
  BOOST_TEST(signature(throws, crash("exit 1", "error: something else entirely")) == first);
  BOOST_TEST(signature(throws, crash("exit 7", "error: x")) != first);
  const auto ends_well = parse("observe(\"l\")\n");
  BOOST_TEST(signature(ends_well, crash("exit 1", "error: x")) == "no trace (exit 1); model exits 0");
}

BOOST_AUTO_TEST_CASE(no_signature_for_a_pass) {
  const model::Profile p = profile("node-20");
  const auto s = parse("observe(\"l\")\n");
  judge::Judgement j;
  j.kind = judge::Judgement::Kind::Pass;
  BOOST_TEST(!fuzz::divergence_signature(s, j, p));
  j.kind = judge::Judgement::Kind::Unsupported;
  BOOST_TEST(!fuzz::divergence_signature(s, j, p));
}
