// acx check on real and broken backends: a rule broken on purpose is caught with a readable
// report; a backend that crashes, hangs or prints garbage is reported and the run goes on.
#define BOOST_TEST_MODULE check
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "acx/backends/backend.h"
#include "check.h"

using namespace acx;

namespace {

model::Profile profile(const std::string& name) {
  return std::get<model::Profile>(model::load_profile(name, ACX_SOURCE_DIR "/models"));
}

std::unique_ptr<backends::Backend> backend(
    const std::string& spec, std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) {
  auto made = backends::make_backend(spec, {timeout});
  BOOST_REQUIRE(std::holds_alternative<std::unique_ptr<backends::Backend>>(made));
  return std::move(std::get<std::unique_ptr<backends::Backend>>(made));
}

/// A fake `node` executable: answers --version, then behaves as `body` says.
std::string fake_node(const std::string& name, const std::string& body) {
  const auto path = std::filesystem::temp_directory_path() / ("acx-fake-" + name);
  std::ofstream(path) << "#!/bin/sh\nif [ \"$1\" = --version ]; then echo v20.0.0; exit 0; fi\n"
                      << body << "\n";
  chmod(path.c_str(), 0755);
  return path.string();
}

const std::string kCase = ACX_SOURCE_DIR "/conformance/cases/promises/chain-triggers.acx";

}  // namespace

BOOST_AUTO_TEST_CASE(the_case_passes_on_node) {
  auto node = backend("node");
  const auto outcome = cli::check_case(kCase, *node, profile("node-20"), {});
  BOOST_TEST((outcome.kind == cli::CaseOutcome::Kind::Pass), outcome.report);
}

BOOST_AUTO_TEST_CASE(breaking_promise_trigger_is_caught_with_a_first_divergence_report) {
  auto node = backend("node");
  model::RunOptions broken;
  broken.mutations.insert("promise.trigger");
  const auto outcome = cli::check_case(kCase, *node, profile("node-20"), broken);
  BOOST_TEST_REQUIRE((outcome.kind == cli::CaseOutcome::Kind::Fail));
  BOOST_TEST_MESSAGE(outcome.report);
  // The report names the point, what the model expected and what Node did, with context before it.
  BOOST_TEST(outcome.report.find("first divergence after 2 matching event(s)") != std::string::npos,
             outcome.report);
  BOOST_TEST(
      outcome.report.find("model node-20: init PROMISE #3 trigger=root eid=root [h]") != std::string::npos,
      outcome.report);
  BOOST_TEST(outcome.report.find("node: init PROMISE #3 trigger=#2 eid=root [h]") != std::string::npos,
             outcome.report);
  BOOST_TEST(outcome.report.find("promiseResolve #2 [h]") != std::string::npos, outcome.report);
}

BOOST_AUTO_TEST_CASE(a_crashing_backend_is_a_backend_failure) {
  auto crash = backend("node:" + fake_node("crash", "echo 'Segmentation fault' >&2; exit 139"));
  const auto outcome = cli::check_case(kCase, *crash, profile("node-20"), {});
  BOOST_TEST((outcome.kind == cli::CaseOutcome::Kind::BackendFailure));
  BOOST_TEST(outcome.report.find("exit 139") != std::string::npos, outcome.report);
  BOOST_TEST(outcome.report.find("Segmentation fault") != std::string::npos, outcome.report);
}

BOOST_AUTO_TEST_CASE(a_hanging_backend_is_killed) {
  auto hang = backend("node:" + fake_node("hang", "exec sleep 60"), std::chrono::milliseconds(500));
  const auto outcome = cli::check_case(kCase, *hang, profile("node-20"), {});
  BOOST_TEST((outcome.kind == cli::CaseOutcome::Kind::BackendFailure));
  BOOST_TEST(outcome.report.find("no result within 500 ms; killed") != std::string::npos, outcome.report);
}

BOOST_AUTO_TEST_CASE(garbage_output_is_located) {
  auto garbage =
      backend("node:" + fake_node("garbage", "echo '{\"event\":\"meta\",\"root\":1}'; echo 'hello world'"));
  const auto outcome = cli::check_case(kCase, *garbage, profile("node-20"), {});
  BOOST_TEST((outcome.kind == cli::CaseOutcome::Kind::BackendFailure));
  BOOST_TEST(outcome.report.find(":2: not JSON") != std::string::npos, outcome.report);
}

BOOST_AUTO_TEST_CASE(a_malformed_case_is_bad_input) {
  const auto path = std::filesystem::temp_directory_path() / "acx-bad.acx";
  std::ofstream(path) << "nextTick {\n  observe(42)\n}\n";
  auto node = backend("node");
  const auto outcome = cli::check_case(path.string(), *node, profile("node-20"), {});
  BOOST_TEST((outcome.kind == cli::CaseOutcome::Kind::BadInput));
  BOOST_TEST(outcome.report == path.string() + ":2:3: expected a string label");
}

BOOST_AUTO_TEST_CASE(a_backend_that_floods_its_output_is_stopped_at_the_limit) {
  auto flood = backend("node:" + fake_node("flood", "exec yes '{\"event\":\"meta\",\"root\":1}'"));
  const auto outcome = cli::check_case(kCase, *flood, profile("node-20"), {});
  BOOST_TEST((outcome.kind == cli::CaseOutcome::Kind::BackendFailure));
  BOOST_TEST(outcome.report.find("printed more than 67108864 bytes on one output and was killed") !=
                 std::string::npos,
             outcome.report);
}
