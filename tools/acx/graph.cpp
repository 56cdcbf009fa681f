#include "graph.h"

#include <fmt/format.h>
#include <graphviz/gvc.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "acx/trace/canonical.h"

namespace acx::cli {

namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string node(trace::AsyncId id) {
  return id == trace::kNaNId ? "nan" : fmt::format("n{}", id);
}

}  // namespace

std::string causal_graph_dot(const trace::Trace& t, const std::string& title) {
  std::string out = fmt::format(
      "digraph causality {{\n  label=\"{}\";\n  labelloc=t;\n  rankdir=TB;\n"
      "  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=rounded];\n"
      "  edge [fontname=\"Helvetica\", fontsize=9];\n",
      escape(title));
  std::set<trace::AsyncId> declared;
  auto declare = [&](trace::AsyncId id, const std::string& label, const char* extra = "") {
    if (!declared.insert(id).second) return;
    out += fmt::format("  {} [label=\"{}\"{}];\n", node(id), escape(label), extra);
  };
  declare(trace::kRootId, "root", ", shape=ellipse");
  std::map<trace::AsyncId, bool> ran;  // resources whose callback ran (before seen)
  int observations = 0;
  for (const auto& e : t.events) {
    switch (e.kind) {
      case trace::EventKind::Init: {
        if (declared.contains(e.id)) break;
        declare(e.id, fmt::format("{} {}", e.type, trace::id_name(e.id)));
        if (e.trigger != 0) declare(e.trigger, trace::id_name(e.trigger), ", style=dashed");
        out += fmt::format("  {} -> {} [label=\"trigger\"];\n",
                           node(e.trigger == 0 ? trace::kRootId : e.trigger), node(e.id));
        if (e.eid != e.trigger && e.eid != 0) {
          declare(e.eid, trace::id_name(e.eid), ", style=dashed");
          out += fmt::format("  {} -> {} [style=dashed, color=gray40, label=\"created in\"];\n", node(e.eid),
                             node(e.id));
        }
        break;
      }
      case trace::EventKind::Before:
        ran[e.id] = true;
        break;
      case trace::EventKind::Observe: {
        const std::string id = fmt::format("o{}", observations++);
        std::string stores;
        for (const auto& [name, literal] : e.stores) stores += fmt::format("\\n{}={}", name, escape(literal));
        out +=
            fmt::format("  {} [shape=note, style=filled, fillcolor=lightyellow, label=\"{}\\ntid={}{}\"];\n",
                        id, escape(e.label), trace::id_name(e.tid), stores);
        declare(e.eid, e.eid == 0 ? "0 (no resource)" : trace::id_name(e.eid), ", style=dashed");
        out += fmt::format("  {} -> {} [style=dotted, arrowhead=none];\n", node(e.eid), id);
        break;
      }
      default:
        break;
    }
  }
  for (const auto& [id, yes] : ran)
    if (declared.contains(id)) out += fmt::format("  {} [penwidth=2];\n", node(id));
  out += "}\n";
  return out;
}

std::optional<std::string> render_dot(const std::string& dot, const std::string& path) {
  const std::string format = std::filesystem::path(path).extension().string().substr(1);
  std::unique_ptr<GVC_t, int (*)(GVC_t*)> gvc(gvContext(), gvFreeContext);
  if (!gvc) return std::string("graphviz: cannot create a context");
  Agraph_t* graph = agmemread(dot.c_str());
  if (!graph) return std::string("graphviz: the generated DOT did not parse");
  std::optional<std::string> error;
  if (gvLayout(gvc.get(), graph, "dot") != 0) {
    error = "graphviz: layout failed";
  } else {
    if (gvRenderFilename(gvc.get(), graph, format.c_str(), path.c_str()) != 0)
      error = fmt::format("graphviz: cannot render format '{}' to {}", format, path);
    gvFreeLayout(gvc.get(), graph);
  }
  agclose(graph);
  return error;
}

}  // namespace acx::cli
