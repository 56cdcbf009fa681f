// acx fuzz as a CTest property: on random programs of acx fuzz's mix, the model allows what a real
// runtime does (spec/harness.md `trace.batch`: through the batch driver, a divergence confirmed
// alone). The backend is ACX_PROPERTY_BACKEND (default `node`); RC_PARAMS="max_success=N" sets the
// number of programs (CTest passes it), and RapidCheck prints the reproduce token of a failure.
#define BOOST_TEST_MODULE fuzz_property
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "acx/backends/backend.h"
#include "acx/fuzz/program_gen.h"
#include "acx/judge/judge.h"
#include "acx/scenario/parser.h"
#include "acx/scenario/printer.h"
#include "test_backend.h"

using namespace acx;

namespace {

std::string backend_spec() {
  const char* spec = std::getenv("ACX_PROPERTY_BACKEND");
  return spec && *spec ? spec : "node";
}

backends::Backend& runtime() {
  static const std::unique_ptr<backends::Backend> b = testing::make_test_backend(backend_spec());
  return *b;
}

const model::Profile& runtime_profile() {
  static const model::Profile p = testing::default_profile_of(runtime());
  return p;
}

/// acx fuzz's programs, as the printer writes and the parser reads them back.
rc::Gen<scenario::Scenario> fuzz_programs() {
  fuzz::Mix mix;
  mix.headers = false;
  mix.interleavings = true;
  return rc::gen::map(fuzz::gen_program(mix), [](const scenario::Scenario& s) {
    auto parsed = scenario::parse(scenario::print(s));
    if (!parsed.ok()) throw std::runtime_error(parsed.error().to_string());
    return parsed.scenario();
  });
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_runtime_runs) {
  auto version = runtime().version();
  if (auto* failure = std::get_if<backends::BackendFailure>(&version))
    BOOST_FAIL(backend_spec() + " cannot be run: " + failure->message);
  BOOST_TEST_MESSAGE(backend_spec() << " " << std::get<std::string>(version) << ", profile "
                                    << runtime_profile().name);
}

RC_BOOST_PROP(model_allows_what_the_runtime_does, ()) {
  static auto batch = backends::batched(runtime());
  const scenario::Scenario s = *fuzz_programs();
  judge::Judgement j = judge::judge_random(s, *batch, runtime_profile(), "property");
  // A program that cannot be judged (the model does not finish it, or too many orders) is discarded.
  RC_PRE(j.kind != judge::Judgement::Kind::Invalid && j.kind != judge::Judgement::Kind::Unsupported);
  // As acx fuzz does: what fails in the batch is judged again in a process of its own.
  if (j.kind != judge::Judgement::Kind::Pass)
    j = judge::judge_random(s, runtime(), runtime_profile(), "alone");
  // Allowed only if the runtime stalled beyond the bound (spec/time.md `time.stall`): the machine
  // was too busy for this program to be judged, which shows nothing either way.
  RC_PRE(j.kind != judge::Judgement::Kind::Stalled);
  if (j.kind != judge::Judgement::Kind::Pass) RC_FAIL(j.report);
}
