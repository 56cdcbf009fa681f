#include "acx/fuzz/repro.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "acx/backends/node_emitter.h"
#include "acx/fuzz/embedded_js.h"  // tools/fuzz/js/repro-check.cjs
#include "acx/trace/canonical.h"

namespace acx::fuzz {

std::string repro_program(const scenario::Scenario& s, const std::vector<std::vector<trace::Event>>& allowed,
                          const std::string& source, const ReproOptions& options) {
  nlohmann::json traces = nlohmann::json::array();
  for (const auto& t : allowed) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& e : t) lines.push_back(trace::describe(e));
    traces.push_back(std::move(lines));
  }
  // Before the scenario, which may end the main script with an uncaught exception.
  std::string program = backends::emit_node_program(s, source);
  const std::string marker = "// ---- scenario ----\n";
  program.insert(program.find(marker),
                 fmt::format("const ALLOWED = {};\nconst REFERENCE = {};\nconst PROJECTION = '{}';\n{}",
                             traces.dump(), nlohmann::json(options.reference).dump(),
                             trace::projection_name(options.projection), js::repro_check));
  return program;
}

}  // namespace acx::fuzz
