// Shrinking a failing random program to a minimal one, with RapidCheck's own shrink tree.
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <functional>

#include "acx/scenario/ast.h"

namespace acx::fuzz {

struct ShrinkResult {
  scenario::Scenario minimal;
  std::size_t steps = 0;  ///< Shrinks that kept the failure.
  std::size_t tries = 0;  ///< Candidates tried.
};

/// Greedy descent: takes the first shrink of the current program that still fails, and starts over
/// from its own shrinks, until none fails or `max_tries` candidates were tried; then removes
/// statements one by one (remove_statements).
ShrinkResult shrink(const rc::Shrinkable<scenario::Scenario>& failing,
                    const std::function<bool(const scenario::Scenario&)>& still_fails, std::size_t max_tries);

/// The statement-level pass of shrink(): removes single statements, replaces statements by the
/// statements of their block, and drops the blocks, arguments and `let NAME =` that a statement's
/// row (ops.def) makes optional, while the program still fails.
scenario::Scenario remove_statements(scenario::Scenario s,
                                     const std::function<bool(const scenario::Scenario&)>& still_fails,
                                     std::size_t max_tries, ShrinkResult& stats);

}  // namespace acx::fuzz
