#include "acx/trace/compare.h"

#include <fmt/format.h>

#include <algorithm>

#include "acx/trace/canonical.h"

namespace acx::trace {

std::string format_divergence(const Divergence& d, std::string_view expected_name,
                              std::string_view observed_name) {
  std::string out = fmt::format("first divergence after {} matching event(s)\n", d.index);
  const std::size_t first_context = d.index - d.context.size();
  for (std::size_t i = 0; i < d.context.size(); ++i)
    out += fmt::format("  {:>4}   {}\n", first_context + i + 1, describe(d.context[i]));
  if (d.expected.empty()) {
    out += fmt::format("  {:>4} {}: (trace ends)\n", d.index + 1, expected_name);
  } else {
    for (std::size_t i = 0; i < d.expected.size(); ++i)
      out += fmt::format(
          "  {:>4} {}{}: {}\n", d.index + 1, expected_name,
          d.expected.size() > 1 ? fmt::format(" (allowed {} of {})", i + 1, d.expected.size()) : "",
          describe(d.expected[i]));
  }
  out += fmt::format("  {:>4} {}: {}\n", d.index + 1, observed_name,
                     d.observed ? describe(*d.observed) : std::string("(trace ends)"));
  return out;
}

std::optional<Divergence> first_divergence(const std::vector<Event>& expected,
                                           const std::vector<Event>& observed, std::size_t context) {
  const std::size_t common = std::min(expected.size(), observed.size());
  std::size_t i = 0;
  while (i < common && expected[i] == observed[i]) ++i;
  if (i == expected.size() && i == observed.size()) return std::nullopt;
  Divergence d;
  d.index = i;
  if (i < expected.size()) d.expected.push_back(expected[i]);
  if (i < observed.size()) d.observed = observed[i];
  const std::size_t from = i > context ? i - context : 0;
  d.context.assign(observed.begin() + static_cast<std::ptrdiff_t>(from),
                   observed.begin() + static_cast<std::ptrdiff_t>(i));
  return d;
}

}  // namespace acx::trace
