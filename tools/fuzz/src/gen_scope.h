// What is in scope while a random program is generated (program_gen.cpp): the bound names by
// kind, read through the table of statement kinds (ops.def).
#pragma once

#include <string>
#include <vector>

#include "acx/scenario/ops.h"

namespace acx::fuzz::detail {

/// What is in scope while generating, by kind.
struct Env {
  std::vector<std::string> hooks, als, promises, resolvable, timers, immediates, functions, thenables;
  std::vector<std::string> sync_functions, resources, snapshots, emitters;
  enum class Context { TopLevel, Function, Async } context = Context::TopLevel;
  bool in_catch = false;

  /// The names of a kind (Kind::Function: every function a call may name, plain, async or bound).
  std::vector<std::string>* of(scenario::Kind kind);
  /// The names an argument of this kind may take, or nullptr for a literal.
  std::vector<std::string>* of(scenario::Arg arg);
  /// The names a statement's receiver may be: the kept resolve functions for p.resolve and p.reject.
  std::vector<std::string>& receivers(const scenario::OpSpec& spec) {
    return spec.settles ? resolvable : *of(spec.receiver);
  }
};

/// The first letter of the names of a kind.
const char* prefix(scenario::Kind kind);

}  // namespace acx::fuzz::detail
