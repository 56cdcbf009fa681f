// acx bench: the reference model's speed in trace events per second on a large generated scenario.
#pragma once

#include <string>

#include "acx/model/profile.h"

namespace acx::cli {

/// A scenario with `units` copies of a mix of ticks, timers, immediates, promise chains, awaits and
/// AsyncLocalStorage runs, under a hook with every callback.
std::string generated_benchmark_scenario(int units);

struct BenchResult {
  std::size_t events = 0;
  double seconds = 0;
  int runs = 0;
};

/// Runs the model on the scenario until at least `min_seconds` have passed.
BenchResult bench_model(const std::string& scenario_text, const model::Profile& profile, double min_seconds);

}  // namespace acx::cli
