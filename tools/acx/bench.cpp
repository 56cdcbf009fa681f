#include "bench.h"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>

#include "acx/model/machine.h"
#include "acx/scenario/parser.h"

namespace acx::cli {

std::string generated_benchmark_scenario(int units) {
  std::string s =
      "@id bench/generated\nlet h = createHook(init, before, after, destroy, promiseResolve)\nh.enable\n"
      "let als = new AsyncLocalStorage\n";
  for (int i = 0; i < units; ++i) {
    s += fmt::format(
        "als.run({0}) {{\n"
        "  nextTick {{\n    observe(\"tick\")\n    queueMicrotask {{\n      observe(\"micro\")\n    }}\n  "
        "}}\n"
        "  setImmediate {{\n    observe(\"immediate\")\n  }}\n"
        "  let p{0} = Promise.resolve({0})\n"
        "  let q{0} = p{0}.then {{\n    observe(\"then\")\n  }}\n"
        "  q{0}.then\n"
        "  let f{0} = async function {{\n    await(null)\n    observe(\"after await\")\n  }}\n"
        "  f{0}()\n"
        "}}\n",
        i);
  }
  s += "setTimeout(1) {\n  observe(\"timer\")\n}\n";
  return s;
}

namespace {
class CountingSink final : public model::EventSink {
 public:
  std::size_t count = 0;
  bool accept(const trace::Event&) override {
    ++count;
    return true;
  }
};
}  // namespace

BenchResult bench_model(const std::string& text, const model::Profile& profile, double min_seconds) {
  auto parsed = scenario::parse(text, "bench");
  if (!parsed.ok()) throw std::runtime_error(parsed.error().to_string());
  model::RunOptions options;
  options.step_limit = 100'000'000;
  BenchResult result;
  const auto start = std::chrono::steady_clock::now();
  do {
    model::FirstChoice chooser;
    CountingSink sink;
    if (model::run(parsed.scenario(), profile, chooser, sink, options) != model::RunStatus::Completed)
      throw std::runtime_error("the benchmark scenario did not complete");
    result.events += sink.count;
    ++result.runs;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (result.seconds < min_seconds);
  return result;
}

}  // namespace acx::cli
