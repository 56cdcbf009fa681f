// acx bench: the model's speed in trace events per second on a generated scenario (bench.h), the
// fastest and the median of timed repetitions.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <memory>

#include "bench.h"
#include "commands.h"
#include "exit_codes.h"
#include "open_backend.h"

namespace acx::cli {

namespace {

int cmd_bench(const std::string& profile_name, int units, double seconds, int repetitions) {
  auto profile = model_profile_or_report(profile_name);
  if (!profile) return kExitBadInput;
  const std::string text = generated_benchmark_scenario(units);
  // Several timed repetitions: on a shared machine the fastest shows what the model can do, the
  // median what a run usually gets; both are printed.
  std::vector<double> rates;
  std::size_t per_run = 0;
  for (int i = 0; i < repetitions; ++i) {
    const BenchResult r = bench_model(text, *profile, seconds);
    per_run = r.events / static_cast<std::size_t>(r.runs);
    rates.push_back(static_cast<double>(r.events) / r.seconds / 1e6);
  }
  std::sort(rates.begin(), rates.end());
  fmt::print("acx bench: model, profile {}, generated scenario with {} units ({} events per run)\n",
             profile->name, units, per_run);
  fmt::print("{} repetitions of {:.1f} s on one core: {:.2f} million events/s\n", repetitions, seconds,
             fmt::join(rates, ", "));
  fmt::print("median: {:.2f} million trace events/s\n", rates[rates.size() / 2]);
  fmt::print("throughput: {:.2f} million trace events/s (fastest repetition)\n", rates.back());
  return kExitOk;
}

}  // namespace

Command add_bench(CLI::App& app) {
  struct Options {
    std::string profile;
    int units = 200;
    double seconds = 1;
    int repetitions = 5;
  };
  auto o = std::make_shared<Options>();
  auto* bench = app.add_subcommand(
      "bench", "Measure the model's speed (trace events per second) on a generated scenario");
  bench->add_option("--profile", o->profile, "Profile (default node-20)");
  bench->add_option("--units", o->units, "Size of the generated scenario")->capture_default_str();
  bench->add_option("--seconds", o->seconds, "Minimum measuring time per repetition")->capture_default_str();
  bench->add_option("--repetitions", o->repetitions, "Timed repetitions")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  return {bench, [o] { return cmd_bench(o->profile, o->units, o->seconds, o->repetitions); }};
}

}  // namespace acx::cli
