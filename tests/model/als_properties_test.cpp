// AsyncLocalStorage invariants of the model over random programs, under both propagation models:
// run and exit restore the previous store on return and on throw, and instances never interfere.
#define BOOST_TEST_MODULE als_properties
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include "acx/fuzz/program_gen.h"
#include "acx/model/machine.h"
#include "acx/scenario/parser.h"
#include "acx/scenario/printer.h"
#include "collecting_sink.h"

using namespace acx;

namespace {

model::Profile profile(const char* name) {
  return std::get<model::Profile>(model::load_profile(name, ACX_SOURCE_DIR "/models"));
}

/// Parses `text` and replaces the body of the statement holding the placeholder observe("\u0001")
/// with `inner` (a generated block).
scenario::Scenario splice(const std::string& text, const scenario::Block& inner) {
  auto parsed = scenario::parse(text);
  if (!parsed.ok()) throw std::runtime_error(parsed.error().to_string());
  scenario::Scenario s = parsed.scenario();
  std::function<bool(scenario::Block&)> replace = [&](scenario::Block& b) {
    for (auto& st : b)
      for (auto& inner_block : st.blocks) {
        if (inner_block.size() == 1 && inner_block[0].op == scenario::Op::Observe &&
            inner_block[0].args[0].text == "\u0001") {
          inner_block = inner;
          return true;
        }
        if (replace(inner_block)) return true;
      }
    return false;
  };
  if (!replace(s.body)) throw std::runtime_error("no placeholder");
  scenario::assign_slots(s);  // the spliced statements need slots too
  return s;
}

/// The store literal of `als` in the observe event labelled `label` (the first one).
std::optional<std::string> store_at(const std::vector<trace::Event>& events, const std::string& label,
                                    const std::string& als) {
  for (const auto& e : events)
    if (e.kind == trace::EventKind::Observe && e.label == label)
      for (const auto& [name, literal] : e.stores)
        if (name == als) return literal;
  return std::nullopt;
}

std::vector<trace::Event> run_model(const scenario::Scenario& s, const char* name) {
  model::FirstChoice chooser;
  testing::CollectingSink sink;
  model::RunOptions options;
  options.step_limit = 20000;
  (void)model::run(s, profile(name), chooser, sink, options);
  return sink.events;
}

// Labels the generator never makes (it uses printable characters only).
const std::string kBefore = "\u0002before", kAfter = "\u0002after";
// The same labels as scenario text (the language writes control characters as JSON escapes).
const std::string kBeforeText = "\\u0002before", kAfterText = "\\u0002after";

}  // namespace

RC_BOOST_PROP(run_restores_the_store_on_return_and_on_throw, ()) {
  const auto inner = (*testing::gen_scenario(2)).body;
  const bool throws = *rc::gen::arbitrary<bool>();
  const std::string text =
      std::string("let sa = new AsyncLocalStorage\nsa.enterWith(\"outer\")\nobserve(\"") + kBeforeText +
      "\")\ntry {\n  sa.run(\"inner\") {\n    let wrapper = function {\n      observe(\"\\u0001\")\n"
      "    }\n    wrapper()\n" +
      (throws ? "    throw(\"out of run\")\n" : "") + "  }\n} catch {\n}\nobserve(\"" + kAfterText + "\")\n";
  const auto s = splice(text, inner);
  for (const char* name : {"node-20", "node-24"}) {
    const auto events = run_model(s, name);
    // The block may end the process (an uncaught exception in code it runs synchronously is caught
    // by the try; a throw inside `wrapper` too), so both observations exist.
    const auto before = store_at(events, kBefore, "sa");
    const auto after = store_at(events, kAfter, "sa");
    RC_ASSERT(before.has_value());
    RC_ASSERT(after.has_value());
    RC_ASSERT(*before == "\"outer\"");
    RC_ASSERT(*after == *before);
  }
}

RC_BOOST_PROP(exit_restores_the_store, ()) {
  const auto inner = (*testing::gen_scenario(2)).body;
  const std::string text =
      std::string("let sa = new AsyncLocalStorage\nsa.run(\"A\") {\n  observe(\"") + kBeforeText +
      "\")\n  try {\n    sa.exit {\n      let wrapper = function {\n        observe(\"\\u0001\")\n"
      "      }\n      wrapper()\n    }\n  } catch {\n  }\n  observe(\"" +
      kAfterText + "\")\n}\n";
  const auto s = splice(text, inner);
  for (const char* name : {"node-20", "node-24"}) {
    const auto events = run_model(s, name);
    RC_ASSERT(store_at(events, kBefore, "sa") == std::optional<std::string>("\"A\""));
    RC_ASSERT(store_at(events, kAfter, "sa") == std::optional<std::string>("\"A\""));
  }
}

RC_BOOST_PROP(two_instances_never_interfere, ()) {
  // `sb` is only ever given one value; whatever a random program does with its own instances (and
  // with `sa`), every observation sees sb as "B" or undefined (contexts made before or outside it).
  const auto inner = (*testing::gen_scenario(3)).body;
  const std::string text =
      "let sa = new AsyncLocalStorage\nlet sb = new AsyncLocalStorage\nsb.run(\"B\") {\n  sa.run(\"A1\") {\n"
      "    let wrapper = function {\n      observe(\"\\u0001\")\n    }\n    try {\n      wrapper()\n    } "
      "catch {\n    }\n"
      "  }\n  sa.enterWith(\"A2\")\n"
      "  observe(\"" +
      kAfterText + "\")\n}\n";
  const auto s = splice(text, inner);
  for (const char* name : {"node-20", "node-24"}) {
    const auto events = run_model(s, name);
    for (const auto& e : events)
      if (e.kind == trace::EventKind::Observe)
        for (const auto& [als, literal] : e.stores)
          if (als == "sb") RC_ASSERT(literal == "\"B\"" || literal == "undefined");
    RC_ASSERT(store_at(events, kAfter, "sb") == std::optional<std::string>("\"B\""));
    RC_ASSERT(store_at(events, kAfter, "sa") == std::optional<std::string>("\"A2\""));
  }
}
