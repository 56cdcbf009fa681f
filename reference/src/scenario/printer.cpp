// The canonical form of a scenario (spec/scenario-language.md, "Canonical printing"), from the
// spellings of the table (ops.def).
#include "acx/scenario/printer.h"

#include <fmt/format.h>

#include "acx/scenario/ops.h"

namespace acx::scenario {

namespace {

void print_block(std::string& out, const Block& block, int depth);

void print_statement(std::string& out, const Statement& st, int depth) {
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  out += indent + print_head(st);
  for (std::size_t i = 0; i < st.blocks.size(); ++i) {
    if (!st.labels[i].empty()) out += fmt::format(" {}", st.labels[i]);
    out += " {\n";
    print_block(out, st.blocks[i], depth + 1);
    out += indent + "}";
  }
  out += "\n";
}

void print_block(std::string& out, const Block& block, int depth) {
  for (const auto& st : block) print_statement(out, st, depth);
}

}  // namespace

std::string print_head(const Statement& st) {
  const OpSpec& spec = spec_of(st.op);
  std::string out;
  if (!st.binding.empty()) out += fmt::format("let {} = ", st.binding);
  // A method follows its receiver after a dot, but a call's spelling is its parentheses: `f()`.
  if (spec.spelling.starts_with('(')) return out + st.receiver + std::string(spec.spelling);
  if (!st.receiver.empty()) out += st.receiver + ".";
  out += spec.spelling;
  if (!st.args.empty()) {
    out += "(";
    for (std::size_t i = 0; i < st.args.size(); ++i) {
      if (i > 0) out += ", ";
      out += to_literal(st.args[i]);
    }
    out += ")";
  }
  return out;
}

std::string print(const Scenario& s) {
  std::string out;
  const Header& h = s.header;
  auto list = [](const std::vector<std::string>& words) {
    std::string joined;
    for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
    return joined;
  };
  if (!h.id.empty()) out += fmt::format("@id {}\n", h.id);
  if (!h.title.empty()) out += fmt::format("@title {}\n", h.title);
  if (!h.rules.empty()) out += fmt::format("@rules {}\n", list(h.rules));
  if (!h.requires_.empty()) out += fmt::format("@requires {}\n", list(h.requires_));
  for (const auto& note : h.notes) out += fmt::format("@note {}\n", note);
  if (h.orders) out += fmt::format("@orders {}\n", *h.orders);
  if (!out.empty()) out += "\n";
  print_block(out, s.body, 0);
  return out;
}

}  // namespace acx::scenario
