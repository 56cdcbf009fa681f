// acx graph: the causal graph (graph.h) of a scenario's trace, from the model or a backend, as DOT
// or rendered by Graphviz.
#include <fmt/format.h>

#include <fstream>
#include <memory>

#include "acx/model/search.h"
#include "acx/trace/canonical.h"
#include "commands.h"
#include "common.h"
#include "exit_codes.h"
#include "graph.h"
#include "open_backend.h"

namespace acx::cli {

namespace {

int cmd_graph(const std::string& file, const std::string& backend_spec, const std::string& profile_name,
              const std::string& output) {
  auto s = parse_or_report(file);
  if (!s) return kExitBadInput;
  trace::Trace t;
  if (backend_spec == "model") {
    auto profile = model_profile_or_report(profile_name);
    if (!profile) return kExitBadInput;
    const model::Prediction p = model::predict(*s, *profile);
    t.meta = {"model", profile->name, model::kModelRootId};
    t.events = p.events;
  } else {
    OpenOptions open;
    open.need = OpenOptions::Need::Backend;
    auto opened = open_backend(backend_spec, open);
    if (auto* failure = std::get_if<OpenFailure>(&opened)) {
      report(*failure);
      return failure->exit_code;
    }
    auto observed = run_or_report(*std::get<OpenedBackend>(opened).backend, *s, file);
    if (!observed) return kExitBackendFailure;
    t = std::move(*observed);
  }
  const std::string title = fmt::format("{} on {}", s->header.id.empty() ? file : s->header.id,
                                        backend_spec == "model" ? "the model" : backend_spec);
  const std::string dot = causal_graph_dot(trace::canonicalize(t), title);
  if (output.empty() || output == "-") {
    fmt::print("{}", dot);
    return kExitOk;
  }
  if (output.ends_with(".dot")) {
    std::ofstream(output) << dot;
    return kExitOk;
  }
  if (auto error = render_dot(dot, output)) {
    fmt::print(stderr, "acx: {}\n", *error);
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

Command add_graph(CLI::App& app) {
  struct Options {
    std::string file, backend = "node", profile, output;
  };
  auto o = std::make_shared<Options>();
  auto* graph = app.add_subcommand("graph", "Draw the causal graph of a scenario's trace (Graphviz)");
  graph->add_option("FILE", o->file, "Scenario file (.acx)")->required();
  graph
      ->add_option("--backend", o->backend,
                   "model, or a backend: node, node@MAJOR, node:/path/to/node[:FLAGS]")
      ->capture_default_str();
  graph->add_option("--profile", o->profile, "Profile for the model (default node-20)");
  graph->add_option("-o,--output", o->output,
                    "Output: .dot, .svg, .png, .pdf (default: DOT on standard output)");
  return {graph, [o] { return cmd_graph(o->file, o->backend, o->profile, o->output); }};
}

}  // namespace acx::cli
