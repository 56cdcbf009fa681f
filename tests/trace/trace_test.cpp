// Traces: JSON Lines reading with located errors, canonical renaming, first divergence.
#define BOOST_TEST_MODULE trace
#include <boost/test/unit_test.hpp>

#include "acx/trace/canonical.h"
#include "acx/trace/compare.h"
#include "acx/trace/jsonl.h"

using namespace acx::trace;

BOOST_AUTO_TEST_CASE(reads_and_writes_jsonl) {
  const std::string text =
      "{\"event\":\"meta\",\"backend\":\"node\",\"runtime\":\"v20\",\"root\":1}\n"
      "{\"event\":\"init\",\"hook\":\"h\",\"id\":7,\"type\":\"PROMISE\",\"trigger\":1,\"eid\":1}\n"
      "\n"
      "{\"event\":\"observe\",\"label\":\"x\",\"eid\":7,\"tid\":-1,\"stores\":[[\"a\",\"\\\"v\\\"\"]]}\n";
  auto r = read_jsonl(text);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().to_string()));
  BOOST_TEST(r.trace().events.size() == 2u);
  BOOST_TEST(r.trace().events[1].stores[0].second == "\"v\"");
  auto again = read_jsonl(write_jsonl(r.trace()));
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again.trace().events == r.trace().events);
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_located) {
  auto r = read_jsonl("{\"event\":\"before\",\"hook\":\"h\",\"id\":2}\nGarbage from a runtime\n", "out");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().line == 2);
  BOOST_TEST(r.error().to_string().find("out:2: not JSON") == 0u);
  auto missing = read_jsonl("{\"event\":\"init\",\"hook\":\"h\",\"id\":2}\n", "out");
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().message == "missing field \"type\"");
  auto unknown = read_jsonl("{\"event\":\"teleport\"}\n", "out");
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.error().message == "unknown event \"teleport\"");
}

BOOST_AUTO_TEST_CASE(canonical_ids_follow_first_appearance) {
  Trace t;
  t.meta.root = 1;
  Event init{EventKind::Init, "h", 9, "Timeout", 1, 1};
  Event before{EventKind::Before, "h", 9};
  Event observe{EventKind::Observe};
  observe.eid = 9;
  observe.tid = 0;
  t.events = {init, before, observe};
  const Trace c = canonicalize(t);
  BOOST_TEST(c.events[0].id == 2);
  BOOST_TEST(c.events[0].trigger == kRootId);
  BOOST_TEST(c.events[2].eid == 2);
  BOOST_TEST(c.events[2].tid == 0);
  BOOST_TEST(describe(c.events[0]) == "init Timeout #2 trigger=root eid=root [h]");
}

BOOST_AUTO_TEST_CASE(traces_equal_up_to_renaming_compare_equal) {
  Trace a, b;
  a.meta.root = 1;
  b.meta.root = 100;
  a.events = {{EventKind::Init, "h", 5, "TickObject", 1, 1}, {EventKind::Before, "h", 5}};
  b.events = {{EventKind::Init, "h", 205, "TickObject", 100, 100}, {EventKind::Before, "h", 205}};
  BOOST_TEST(!first_divergence(canonicalize(a).events, canonicalize(b).events).has_value());
  b.events[1].id = 206;
  auto d = first_divergence(canonicalize(a).events, canonicalize(b).events);
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(d->index == 1u);
  const std::string report = format_divergence(*d, "model", "node");
  BOOST_TEST(report.find("model: before #2 [h]") != std::string::npos);
  BOOST_TEST(report.find("node: before #3 [h]") != std::string::npos);
}
