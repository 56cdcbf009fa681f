// Causal graphs of a trace (acx graph): resources, what triggered them, where they were created,
// and the observations made inside them, as Graphviz DOT or rendered by libgvc.
#pragma once

#include <optional>
#include <string>

#include "acx/trace/event.h"

namespace acx::cli {

/// The DOT text of a canonical trace's causal graph.
std::string causal_graph_dot(const trace::Trace& canonical, const std::string& title);

/// Renders DOT to `path` in the format its extension names (svg, png, pdf, ...); returns an error
/// message on failure.
std::optional<std::string> render_dot(const std::string& dot, const std::string& path);

}  // namespace acx::cli
