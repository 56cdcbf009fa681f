// Comparing an observed trace against what the model allows, and the first-divergence report.
#pragma once

#include <string>
#include <vector>

#include "acx/trace/event.h"

namespace acx::trace {

/// Where two canonical traces part. `expected` holds every event the model allowed at that point
/// (several when the spec leaves the order open); empty means the model's trace had ended.
struct Divergence {
  std::size_t index = 0;          ///< Number of events that matched before the divergence.
  std::vector<Event> expected;    ///< Allowed next events (canonical).
  std::optional<Event> observed;  ///< Observed next event; nullopt when the observed trace ended.
  std::vector<Event> context;     ///< The matched events just before the divergence.
};

/// A readable report: the matched context, then `expected` against `observed`.
std::string format_divergence(const Divergence& d, std::string_view expected_name = "model",
                              std::string_view observed_name = "observed");

/// Compares two canonical traces exactly; nullopt when equal.
std::optional<Divergence> first_divergence(const std::vector<Event>& expected,
                                           const std::vector<Event>& observed, std::size_t context = 4);

}  // namespace acx::trace
