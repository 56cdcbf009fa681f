// What a case needs (capabilities.derived), when it is unsupported (capabilities.unsupported) and
// what is compared when ids are missing (capabilities.projection).
#define BOOST_TEST_MODULE comparability
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include "acx/fuzz/program_gen.h"
#include "acx/model/comparability.h"
#include "acx/model/search.h"
#include "acx/scenario/capabilities.h"
#include "acx/scenario/parser.h"
#include "acx/trace/canonical.h"

using namespace acx;

namespace {

model::Profile profile(const char* name) {
  return std::get<model::Profile>(model::load_profile(name, ACX_SOURCE_DIR "/models"));
}

scenario::Scenario parse(const std::string& text) {
  auto parsed = scenario::parse(text);
  if (!parsed.ok()) throw std::runtime_error(parsed.error().to_string());
  return parsed.scenario();
}

const char* kAlsOnly = R"(let als = new AsyncLocalStorage
als.run("A") {
  setTimeout(1) {
    observe("timer")
  }
}
)";

const char* kHookWithBody = R"(let h2 = createHook(init)
let h = createHook(init) init {
  h2.enable
}
h.enable
setImmediate {
  observe("immediate")
}
)";

}  // namespace

BOOST_AUTO_TEST_CASE(capabilities_are_read_off_the_statements) {
  const auto caps = scenario::required_capabilities(parse(kAlsOnly));
  const std::set<std::string> expected = {"async-local-storage", "async-hooks.execution-async-id"};
  BOOST_TEST(caps == expected);
  const auto hooks = scenario::required_capabilities(
      parse("let h = createHook(init)\nh.enable\nlet p = Promise.resolve(1)\n"));
  BOOST_TEST(hooks.contains("async-hooks.create-hook"));
  BOOST_TEST(hooks.contains("async-hooks.promise"));
  for (const auto& c : caps)
    BOOST_TEST(std::count(scenario::known_capabilities().begin(), scenario::known_capabilities().end(), c) ==
               1);
}

BOOST_AUTO_TEST_CASE(full_profiles_compare_everything) {
  const auto c = model::comparability(parse(kHookWithBody), profile("node-24"));
  BOOST_TEST(c.supported());
  BOOST_TEST((c.projection == trace::Projection::Full));
}

BOOST_AUTO_TEST_CASE(missing_ids_compare_stores_only) {
  const auto c = model::comparability(parse(kAlsOnly), profile("bun"));
  BOOST_TEST(c.supported());
  BOOST_TEST((c.projection == trace::Projection::Stores));
}

BOOST_AUTO_TEST_CASE(hook_bodies_need_real_hooks) {
  const auto c = model::comparability(parse(kHookWithBody), profile("bun"));
  BOOST_TEST(!c.supported());
  BOOST_TEST(std::count(c.missing.begin(), c.missing.end(), "async-hooks.create-hook") == 1);
}

BOOST_AUTO_TEST_CASE(missing_apis_are_unsupported) {
  const auto c = model::comparability(
      parse("let als = new AsyncLocalStorage\nals.enterWith(1)\nobserve(\"x\")\n"), profile("workerd"));
  BOOST_TEST(!c.supported());
  BOOST_TEST(c.missing == std::vector<std::string>{"async-local-storage.enter-with"});
}

BOOST_AUTO_TEST_CASE(the_stores_projection_keeps_observations_and_exit) {
  trace::Event init{trace::EventKind::Init};
  init.id = 5;
  init.type = "Timeout";
  trace::Event observe{trace::EventKind::Observe};
  observe.eid = 5;
  observe.tid = 1;
  observe.label = "x";
  observe.stores = {{"als", "\"A\""}};
  trace::Event exit{trace::EventKind::Exit};
  const auto projected = trace::project({init, observe, exit}, trace::Projection::Stores);
  BOOST_TEST_REQUIRE(projected.size() == 2u);
  BOOST_TEST(projected[0].eid == 0);
  BOOST_TEST(projected[0].tid == 0);
  BOOST_TEST(projected[0].stores == observe.stores);
  BOOST_TEST((projected[1].kind == trace::EventKind::Exit));
}

// Whatever the program, the model's own trace, projected, is allowed under the projection; and a
// changed store in it is not (the projection still compares stores).
RC_BOOST_PROP(projected_predictions_match_and_changed_stores_do_not, ()) {
  const scenario::Scenario s = *testing::gen_scenario();
  const model::Profile p = profile("node-24");
  const model::Prediction predicted = model::predict(s, p);
  RC_PRE(predicted.status == model::RunStatus::Completed);
  std::vector<trace::Event> observed = trace::project(
      trace::canonicalize(trace::Trace{{}, predicted.events}).events, trace::Projection::Stores);
  model::SearchLimits limits;
  limits.projection = trace::Projection::Stores;
  RC_ASSERT(model::match(s, p, observed, {}, limits).outcome == model::MatchOutcome::Match);
  for (auto& e : observed) {
    if (e.kind == trace::EventKind::Observe && !e.stores.empty()) {
      e.stores[0].second = "\"never stored\"";
      RC_ASSERT(model::match(s, p, observed, {}, limits).outcome != model::MatchOutcome::Match);
      return;
    }
  }
}
