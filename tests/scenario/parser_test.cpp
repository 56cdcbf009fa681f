// The scenario language: parse errors with locations, checks, and parse(print(x)) == x.
#define BOOST_TEST_MODULE scenario
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include "acx/fuzz/program_gen.h"
#include "acx/scenario/parser.h"
#include "acx/scenario/printer.h"

using namespace acx::scenario;

namespace {
std::string error_of(const std::string& text) {
  auto r = parse(text, "case.acx");
  BOOST_REQUIRE_MESSAGE(!r.ok(), "expected a parse error for:\n" + text);
  return r.error().to_string();
}
}  // namespace

BOOST_AUTO_TEST_CASE(parses_header_and_statements) {
  auto r = parse(
      "@id promises/x\n@title A title\n@rules a.b c.d\n@note one\n@note two\n\n"
      "let h = createHook(init, before)\nh.enable() // comment\nlet p = new Promise {\n  "
      "p.resolve(\"v\")\n}\n"
      "p.then {\n  observe(\"in then\")\n}\n");
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().to_string()));
  const Scenario& s = r.scenario();
  BOOST_TEST(s.header.id == "promises/x");
  BOOST_TEST(s.header.rules.size() == 2u);
  BOOST_TEST(s.header.notes.size() == 2u);
  BOOST_REQUIRE(s.body.size() == 4u);
  BOOST_TEST(static_cast<int>(s.body[0].op) == static_cast<int>(Op::CreateHook));
  BOOST_TEST(s.body[2].blocks.size() == 1u);
  BOOST_TEST(s.body[3].blocks[0][0].args[0].text == "in then");
}

BOOST_AUTO_TEST_CASE(errors_carry_file_line_and_column) {
  BOOST_TEST(error_of("nextTick {\n  bogus(1)\n}\n") == "case.acx:2:3: unknown operation 'bogus'");
  BOOST_TEST(error_of("let p = Promise.resolve(1)\np.then {\n") ==
             "case.acx:3:1: missing '}' before end of file");
  BOOST_TEST(error_of("observe(\"unterminated)\n") == "case.acx:1:9: unterminated string");
  BOOST_TEST(error_of("x.enable\n") == "case.acx:1:1: 'x' is not bound here");
  BOOST_TEST(error_of("let a = new AsyncLocalStorage\na.enable\n") ==
             "case.acx:2:1: 'a' is an AsyncLocalStorage, but enable needs a hook");
  BOOST_TEST(error_of("let a = new AsyncLocalStorage\na.bogus\n") ==
             "case.acx:2:1: unknown method 'bogus' (on 'a')");
  BOOST_TEST(error_of("let h = createHook(init, init)\n") ==
             "case.acx:1:1: hook callback 'init' listed twice");
  BOOST_TEST(error_of("createHook(init)\n").find("must be bound") != std::string::npos);
  BOOST_TEST(error_of("setTimeout(-1) {\n}\n").find("non-negative") != std::string::npos);
  BOOST_TEST(error_of("@bogus x\n") ==
             "case.acx:1:1: unknown header '@bogus' (known: @id @title @rules @requires @note @orders)");
  BOOST_TEST(error_of("@orders 0\n").find("@orders takes one positive number") != std::string::npos);
  BOOST_TEST(error_of("@orders two\n").find("@orders takes one positive number") != std::string::npos);
  BOOST_TEST(error_of("@orders\n").find("@orders takes one positive number") != std::string::npos);
  BOOST_TEST(error_of("let p = new Promise {\n  p.then {\n  }\n}\n") ==
             "case.acx:2:3: inside its own block, 'p' can only be resolved or rejected");
  BOOST_TEST(error_of("let p = new Promise\np.resolve(p)\n").find("with itself") != std::string::npos);
  BOOST_TEST(
      error_of("let p = Promise.resolve(1)\np.resolve(2)\n").find("no kept resolve and reject functions") !=
      std::string::npos);
}

BOOST_AUTO_TEST_CASE(callbacks_may_name_what_their_block_binds_later) {
  BOOST_TEST(parse("setImmediate {\n  clearImmediate(i)\n}\nlet i = setImmediate {\n}\n").ok());
  // ...but straight-line code may not.
  BOOST_TEST(error_of("clearImmediate(i)\nlet i = setImmediate {\n}\n") ==
             "case.acx:1:1: 'i' is not bound here");
}

BOOST_AUTO_TEST_CASE(prints_canonical_form) {
  auto r = parse("let  p=Promise.resolve( 1 )\np.then(){\nobserve( \"x\" )\n}\nprocess.nextTick {\n}\n");
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(print(r.scenario()) ==
             "let p = Promise.resolve(1)\np.then {\n  observe(\"x\")\n}\nnextTick {\n}\n");
}

RC_BOOST_PROP(print_then_parse_is_identity, ()) {
  const Scenario s = *acx::testing::gen_scenario();
  if (auto error = check(s))
    RC_FAIL("generated an invalid scenario: " + error->to_string() + "\n" + print(s));
  const std::string text = print(s);
  auto r = parse(text, "printed.acx");
  if (!r.ok()) RC_FAIL(r.error().to_string() + "\n" + text);
  RC_ASSERT(r.scenario() == s);
}
