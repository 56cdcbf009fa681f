// The fixtures of the verdict tests (verdict_fixtures.h).
#include "verdict_fixtures.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>

#include "acx/judge/judge.h"
#include "acx/model/search.h"
#include "acx/scenario/parser.h"
#include "test_backend.h"

namespace acx::testing::verdicts {

namespace {

std::size_t fires(const std::vector<trace::Event>& events) {
  return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [](const trace::Event& e) {
    return e.kind == trace::EventKind::Observe && e.label == "fire";
  }));
}

}  // namespace

model::Profile node20() {
  return std::get<model::Profile>(model::load_profile("node-20", ACX_SOURCE_DIR "/models"));
}

scenario::Scenario parse(const std::string& file) {
  auto parsed = scenario::parse_file(file);
  BOOST_REQUIRE(parsed.ok());
  return parsed.scenario();
}

trace::Trace allowed(const std::string& file) {
  return runtime_trace(model::predict(parse(file), node20()).events);
}

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

trace::Trace divergent(const std::string& file, const std::string& label) {
  trace::Trace t = allowed(file);
  for (auto& e : t.events)
    if (e.kind == trace::EventKind::Observe) {
      e.label = label;
      break;
    }
  return t;
}

trace::Trace three_fires() {
  const model::Enumeration all = model::enumerate(parse(kInterval), node20());
  BOOST_REQUIRE(!all.traces.empty());
  const auto most = std::max_element(all.traces.begin(), all.traces.end(),
                                     [](const auto& a, const auto& b) { return fires(a) < fires(b); });
  BOOST_REQUIRE(fires(*most) == 3u);
  return runtime_trace(*most);
}

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

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace acx::testing::verdicts
