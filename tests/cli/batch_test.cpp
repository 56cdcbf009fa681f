// Batch execution (spec/harness.md `trace.batch`): a program run by the batch driver gives the trace
// it gives alone in its own process, and a program that ends or hangs the driver costs only itself.
// (The model against real runtimes on random programs: fuzz_property_test.cpp.)
#define BOOST_TEST_MODULE batch
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "acx/backends/backend.h"
#include "acx/fuzz/program_gen.h"
#include "acx/model/comparability.h"
#include "acx/model/search.h"
#include "acx/scenario/parser.h"
#include "acx/scenario/printer.h"
#include "acx/trace/canonical.h"
#include "test_backend.h"

using namespace acx;

namespace {

backends::Backend& node() {
  static const std::unique_ptr<backends::Backend> b =
      testing::make_test_backend("node", std::chrono::milliseconds(20000));
  return *b;
}

model::Profile node_profile() {
  static const model::Profile p = testing::default_profile_of(node());
  return p;
}

scenario::Scenario parse(const std::string& text) {
  auto parsed = scenario::parse(text);
  if (!parsed.ok()) throw std::runtime_error(parsed.error().to_string());
  return parsed.scenario();
}

std::vector<trace::Event> canonical(const backends::BackendResult& r) {
  if (auto* failure = std::get_if<backends::BackendFailure>(&r)) throw std::runtime_error(failure->message);
  return trace::canonicalize(std::get<trace::Trace>(r)).events;
}

bool uses(const scenario::Block& b, const std::function<bool(scenario::Op)>& wanted) {
  for (const auto& st : b) {
    if (wanted(st.op)) return true;
    for (const auto& inner : st.blocks)
      if (uses(inner, wanted)) return true;
  }
  return false;
}

/// Whether a hook callback body of `b` throws somewhere.
bool throws_in_hook(const scenario::Block& b) {
  for (const auto& st : b) {
    for (const auto& inner : st.blocks) {
      if (st.op == scenario::Op::CreateHook &&
          uses(inner, [](scenario::Op op) { return op == scenario::Op::Throw; }))
        return true;
      if (throws_in_hook(inner)) return true;
    }
  }
  return false;
}

/// Random programs as acx fuzz makes them, that the model can finish (a runtime would hang on the
/// others).
rc::Gen<scenario::Scenario> finite_programs() {
  fuzz::Mix mix;
  mix.headers = false;
  mix.interleavings = true;
  return rc::gen::suchThat(
      rc::gen::map(fuzz::gen_program(mix),
                   [](const scenario::Scenario& s) { return parse(scenario::print(s)); }),
      [](const scenario::Scenario& s) {
        return model::predict(s, node_profile()).status == model::RunStatus::Completed;
      });
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_program_that_ends_its_process_ends_only_its_trace) {
  auto session = node().batch();
  BOOST_REQUIRE(session);
  const auto ok = parse("observe(\"first\")\n");
  const auto fatal = parse("setTimeout(1) {\n  observe(\"before\")\n  throw(\"boom\")\n}\n");
  BOOST_TEST(canonical(session->run(ok, "ok")) == canonical(node().run(ok, "ok")));
  // The uncaught exception ends a process running the program alone with exit code 1: the batch
  // trace says the same; the driver makes what the program left inert and goes on.
  const auto batch_fatal = canonical(session->run(fatal, "fatal"));
  BOOST_TEST(batch_fatal == canonical(node().run(fatal, "fatal")));
  BOOST_TEST(batch_fatal.back().code == 1);
  BOOST_TEST(canonical(session->run(ok, "ok again")) == canonical(node().run(ok, "ok")));
  BOOST_TEST(session->starts() == 1u);
}

BOOST_AUTO_TEST_CASE(a_program_that_hangs_the_driver_costs_only_itself) {
  backends::BackendOptions options;
  options.timeout = std::chrono::milliseconds(1500);
  auto made = backends::make_backend("node", options);
  auto& quick = *std::get<std::unique_ptr<backends::Backend>>(made);
  auto session = quick.batch();
  const auto forever = parse("let t = setInterval(1) {\n  observe(\"tick\")\n}\n");
  const auto ok = parse("observe(\"after\")\n");
  const auto hung = session->run(forever, "forever");
  BOOST_REQUIRE(std::holds_alternative<backends::BackendFailure>(hung));
  BOOST_TEST((std::get<backends::BackendFailure>(hung).kind == backends::BackendFailure::Kind::TimedOut));
  BOOST_TEST(canonical(session->run(ok, "ok")) == canonical(quick.run(ok, "ok")));
  BOOST_TEST(session->starts() == 2u);
}

// Every case of conformance/cases, one after another in one batch driver (in file order, so that
// a case that leaves something behind meets the cases after it), gives the trace it gives alone.
// Where timers or immediates race (`time.timer-order`), the two may differ, but both must be
// traces the model allows.
BOOST_AUTO_TEST_CASE(every_case_in_one_batch_gives_its_trace_alone) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(ACX_SOURCE_DIR "/conformance/cases"))
    if (entry.path().extension() == ".acx") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  auto session = node().batch();
  BOOST_REQUIRE(session);
  std::size_t compared = 0, hook_throwers = 0;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    const scenario::Scenario s = parse(text.str());
    if (!model::comparability(s, node_profile()).supported()) continue;
    if (throws_in_hook(s.body)) ++hook_throwers;
    const auto alone = node().run(s, file.string());
    const auto batched = session->run(s, file.string());
    BOOST_TEST_CONTEXT(file.filename().string()) {
      BOOST_REQUIRE(std::holds_alternative<trace::Trace>(alone));
      BOOST_REQUIRE(std::holds_alternative<trace::Trace>(batched));
      const auto a = canonical(alone), b = canonical(batched);
      ++compared;
      if (a == b) continue;
      BOOST_TEST(uses(s.body, [](scenario::Op op) {
        return op == scenario::Op::SetTimeout || op == scenario::Op::SetInterval ||
               op == scenario::Op::SetImmediate;
      }));
      BOOST_TEST((model::match(s, node_profile(), a).outcome == model::MatchOutcome::Match));
      BOOST_TEST((model::match(s, node_profile(), b).outcome == model::MatchOutcome::Match));
    }
  }
  BOOST_TEST(compared > 200u);
  // Only a hook callback that throws ends the driver (Node calls process.exit: hooks.callback-throws);
  // no case crashed or hung it.
  BOOST_TEST(session->starts() <= 1 + hook_throwers);
}

// The batch trace of a program equals its trace alone. Only timers and immediates let a runtime
// choose among orders the spec leaves open (from the main script, a 0 ms timer and an immediate race,
// in a batch driver the immediate always wins), so there the two may differ, but both must be traces
// the model allows.
RC_BOOST_PROP(batch_traces_equal_one_process_traces, ()) {
  static auto session = node().batch();
  const scenario::Scenario s = *finite_programs();
  const auto alone = node().run(s, "alone");
  RC_PRE(std::holds_alternative<trace::Trace>(alone));
  auto batched = session->run(s, "batched");
  if (!std::holds_alternative<trace::Trace>(batched)) batched = node().run(s, "retried alone");
  const auto a = canonical(alone), b = canonical(batched);
  if (a == b) return;
  RC_ASSERT(uses(s.body, [](scenario::Op op) {
    return op == scenario::Op::SetTimeout || op == scenario::Op::SetInterval ||
           op == scenario::Op::SetImmediate;
  }));
  model::SearchLimits limits;
  RC_ASSERT(model::match(s, node_profile(), a, {}, limits).outcome == model::MatchOutcome::Match);
  RC_ASSERT(model::match(s, node_profile(), b, {}, limits).outcome == model::MatchOutcome::Match);
}
