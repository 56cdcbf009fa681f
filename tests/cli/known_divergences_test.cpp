// Known divergences for acx fuzz (tools/acx/known_divergences.h): the signatures of a backend's
// expected failures, learnt by running each of their cases once; an expected failure that passes,
// or that names no case, gives none and is noted; a malformed expectations file is an error.
#define BOOST_TEST_MODULE known_divergences
#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "acx/model/search.h"
#include "acx/scenario/parser.h"
#include "known_divergences.h"
#include "test_backend.h"

using namespace acx;
namespace fs = std::filesystem;

namespace {

model::Profile profile(const std::string& name) {
  return std::get<model::Profile>(model::load_profile(name, ACX_SOURCE_DIR "/models"));
}

/// A folder with expectations/ and cases/ side by side, removed at the end of the test.
struct Folder {
  fs::path root = fs::temp_directory_path() / fs::path("acx-known-" + std::to_string(::getpid()));
  Folder() {
    fs::remove_all(root);
    fs::create_directories(root / "expectations");
    fs::create_directories(root / "cases" / "t");
  }
  ~Folder() { fs::remove_all(root); }
  void write(const fs::path& relative, const std::string& text) const {
    std::ofstream(root / relative) << text;
  }
  std::string expectations() const { return (root / "expectations").string(); }
  std::string cases() const { return (root / "cases").string(); }
};

const std::string kTimerCase =
    "@id t/timer-loses-store\n@title a timer loses its store\n@rules als.run\n\n"
    "let a = new AsyncLocalStorage\na.run(\"A\") {\n  setTimeout(1) {\n    observe(\"in the timer\")\n  "
    "}\n}\n";
const std::string kPassingCase = "@id t/passes\n@title passes\n@rules loop.main\n\nobserve(\"top\")\n";

/// What the model gives for `text`, as a runtime would print it.
backends::BackendResult models_trace(const std::string& text, const model::Profile& p) {
  auto parsed = scenario::parse(text);
  BOOST_REQUIRE(parsed.ok());
  return testing::runtime_trace(model::predict(parsed.scenario(), p).events);
}

}  // namespace

BOOST_AUTO_TEST_CASE(learns_the_signature_of_each_expected_failure) {
  const Folder f;
  f.write("cases/t/timer.acx", kTimerCase);
  f.write("cases/t/passes.acx", kPassingCase);
  f.write("expectations/node",
          "# comment\n"
          "t/timer-loses-store | the timer sees no store | https://example.invalid\n"
          "t/passes | it does not really fail | https://example.invalid\n"
          "t/nowhere | no such case | https://example.invalid\n");
  const model::Profile p = profile("node-20");
  // Cases run in the order of their ids: t/passes, then t/timer-loses-store.
  testing::ScriptedBackend backend(
      {models_trace(kPassingCase, p),
       testing::runtime_trace(
           {testing::observe_event("in the timer", 7, 1, "undefined"), testing::exit_event(0)})});
  auto learnt = cli::learn_known_divergences(f.expectations(), f.cases(), "node", backend, p);
  BOOST_REQUIRE(std::holds_alternative<cli::LearntDivergences>(learnt));
  const auto& l = std::get<cli::LearntDivergences>(learnt);
  BOOST_TEST(l.cases == 3u);
  BOOST_TEST(backend.runs() == 2u);
  BOOST_TEST(l.known.size() == 1u);
  const auto id = l.known.match("stores value->undefined at observe in macrotask");
  BOOST_REQUIRE(id);
  BOOST_TEST(*id == "t/timer-loses-store");
  // A divergence of another kind, or in another kind of callback, is no known one.
  BOOST_TEST(!l.known.match("stores value->undefined at observe in microtask"));
  BOOST_TEST(!l.known.match("stores undefined->value at observe in macrotask"));
  BOOST_REQUIRE(l.notes.size() == 2u);
  BOOST_TEST(l.notes[0].find("t/nowhere: no such case") != std::string::npos, l.notes[0]);
  BOOST_TEST(l.notes[1].find("t/passes: pass this time") != std::string::npos, l.notes[1]);
}

BOOST_AUTO_TEST_CASE(no_expectations_file_means_none) {
  const Folder f;
  testing::ScriptedBackend backend({testing::runtime_trace({testing::exit_event(0)})});
  auto learnt = cli::learn_known_divergences(f.expectations(), f.cases(), "bun", backend, profile("node-20"));
  BOOST_REQUIRE(std::holds_alternative<cli::LearntDivergences>(learnt));
  BOOST_TEST(std::get<cli::LearntDivergences>(learnt).cases == 0u);
  BOOST_TEST(backend.runs() == 0u);
}

BOOST_AUTO_TEST_CASE(a_malformed_expectations_file_is_an_error) {
  const Folder f;
  f.write("expectations/node", "t/timer-loses-store without separators\n");
  testing::ScriptedBackend backend({testing::runtime_trace({testing::exit_event(0)})});
  auto learnt =
      cli::learn_known_divergences(f.expectations(), f.cases(), "node", backend, profile("node-20"));
  BOOST_REQUIRE(std::holds_alternative<std::string>(learnt));
  BOOST_TEST(std::get<std::string>(learnt).find("expectations/node:1") != std::string::npos,
             std::get<std::string>(learnt));
}
