// The table of statement kinds (ops.def) is consistent: one row per Op in order, counts within the
// lists, labels as the parser reads them, known capabilities, a JavaScript template or form.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "acx/scenario/capabilities.h"
#include "acx/scenario/ops.h"
#include "acx/scenario/parser.h"

using namespace acx::scenario;

BOOST_AUTO_TEST_CASE(every_row_is_consistent) {
  const auto& known = known_capabilities();
  const auto is_known = [&](std::string_view c) {
    return std::find(known.begin(), known.end(), c) != known.end();
  };
  std::set<std::string_view> names;
  std::size_t index = 0;
  for (const auto& spec : all_ops()) {
    BOOST_TEST_CONTEXT(spec.name) {
      BOOST_TEST(static_cast<std::size_t>(spec.op) == index++);
      BOOST_TEST(&spec_of(spec.op) == &spec);
      BOOST_TEST(names.insert(spec.name).second);
      BOOST_TEST(!spec.spelling.empty());
      BOOST_TEST(spec.required_args <= spec.args.size());
      BOOST_TEST(spec.required_blocks <= spec.blocks.size());
      // The first block is unlabelled and the others labelled, or all are labelled (createHook).
      for (std::size_t b = 1; b < spec.blocks.size(); ++b) BOOST_TEST(!spec.blocks[b].empty());
      BOOST_TEST((spec.js_form == JsForm::Template) == !spec.js.empty());
      BOOST_TEST((!spec.must_bind || spec.result != Kind::None));
      BOOST_TEST((!spec.settles || spec.receiver != Kind::None));
      if (!spec.capability.empty()) BOOST_TEST(is_known(spec.capability), spec.capability);
      if (!spec.options.capability.empty()) {
        BOOST_TEST(is_known(spec.options.capability), spec.options.capability);
        BOOST_TEST(spec.options.from_arg < spec.args.size());
      }
    }
  }
  for (const auto& event : process_events()) BOOST_TEST(is_known(event.capability), event.capability);
}

BOOST_AUTO_TEST_CASE(capabilities_follow_the_rows) {
  const auto capabilities = [](const std::string& text) {
    auto r = parse(text, "caps.acx");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().to_string()));
    std::string out;
    for (const auto& c : required_capabilities(r.scenario())) out += c + " ";
    return out;
  };
  BOOST_TEST(capabilities("let a = new AsyncLocalStorage\n") == "async-local-storage ");
  BOOST_TEST(capabilities("let a = new AsyncLocalStorage(\"n\")\n") == "async-local-storage.options ");
  BOOST_TEST(capabilities("let r = new AsyncResource(\"T\")\n") == "async-resource ");
  BOOST_TEST(capabilities("let r = new AsyncResource(\"T\", 1)\n") == "async-resource.options ");
  BOOST_TEST(capabilities("process.on(\"uncaughtException\") {\n}\n") == "process.uncaught-exception ");
  BOOST_TEST(capabilities("process.on(\"unhandledRejection\") {\n}\n") == "process.unhandled-rejection ");
  BOOST_TEST(capabilities("let p = Promise.resolve(1)\n") == "");
  // A hook with promises (an async function's await makes them) needs promise hooks.
  BOOST_TEST(capabilities("let h = createHook(init)\nlet f = async function {\n  await\n}\n") ==
             "async-hooks.create-hook async-hooks.promise ");
}
