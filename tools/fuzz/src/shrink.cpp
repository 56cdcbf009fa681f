#include "acx/fuzz/shrink.h"

#include <optional>

#include "acx/fuzz/program_gen.h"
#include "acx/scenario/parser.h"

namespace acx::fuzz {

namespace {

/// Finds the n-th statement in pre-order (n counts down) and applies `edit` to the block holding
/// it and its index there: nullopt when there is no n-th statement, else whether the edit applied.
std::optional<bool> edit_nth(scenario::Block& block, std::size_t& n,
                             const std::function<bool(scenario::Block&, std::size_t)>& edit) {
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (n == 0) return edit(block, i);
    --n;
    for (auto& inner : block[i].blocks)
      if (auto done = edit_nth(inner, n, edit)) return done;
  }
  return std::nullopt;
}

/// Removes a statement.
bool remove_at(scenario::Block& block, std::size_t i) {
  block.erase(block.begin() + static_cast<std::ptrdiff_t>(i));
  return true;
}

/// Replaces a statement by the statements of its first block (`run { a } -> a`).
bool unwrap_at(scenario::Block& block, std::size_t i) {
  if (block[i].blocks.empty()) return false;
  scenario::Block inner = block[i].blocks.front();
  block.erase(block.begin() + static_cast<std::ptrdiff_t>(i));
  block.insert(block.begin() + static_cast<std::ptrdiff_t>(i), inner.begin(), inner.end());
  return true;
}

std::size_t count_statements(const scenario::Block& block) {
  std::size_t n = block.size();
  for (const auto& st : block)
    for (const auto& inner : st.blocks) n += count_statements(inner);
  return n;
}

}  // namespace

scenario::Scenario remove_statements(scenario::Scenario s,
                                     const std::function<bool(const scenario::Scenario&)>& still_fails,
                                     std::size_t max_tries, ShrinkResult& stats) {
  std::size_t budget = max_tries;
  for (bool progressed = true; progressed && budget > 0;) {
    progressed = false;
    const std::size_t total = count_statements(s.body);
    for (int edit = 0; edit < 2 && !progressed; ++edit) {
      for (std::size_t k = 0; k < total && budget > 0; ++k) {
        scenario::Scenario candidate = s;
        std::size_t n = k;
        if (!edit_nth(candidate.body, n, edit == 0 ? remove_at : unwrap_at).value_or(false)) continue;
        if (scenario::check(candidate)) continue;  // a name it removed is still used
        --budget;
        ++stats.tries;
        if (still_fails(candidate)) {
          s = std::move(candidate);
          ++stats.steps;
          progressed = true;
          break;
        }
      }
    }
  }
  return s;
}

ShrinkResult shrink(const rc::Shrinkable<scenario::Scenario>& failing,
                    const std::function<bool(const scenario::Scenario&)>& still_fails,
                    std::size_t max_tries) {
  ShrinkResult out;
  rc::Shrinkable<scenario::Scenario> current = failing;
  bool progressed = true;
  while (progressed && out.tries < max_tries) {
    progressed = false;
    std::unique_lock lock(generation_mutex());
    auto candidates = current.shrinks();
    while (auto candidate = candidates.next()) {
      if (out.tries >= max_tries) break;
      ++out.tries;
      scenario::Scenario s = candidate->value();
      lock.unlock();
      const bool valid = !scenario::check(s);
      const bool fails = valid && still_fails(s);
      lock.lock();
      if (fails) {
        current = *candidate;
        ++out.steps;
        progressed = true;
        break;
      }
    }
  }
  {
    std::lock_guard lock(generation_mutex());
    out.minimal = current.value();
  }
  // RapidCheck shrinks each choice of the generator, which cannot take a statement out of the
  // middle of a block: a statement-level pass (delta debugging on the AST) finishes the job.
  out.minimal = remove_statements(std::move(out.minimal), still_fails, max_tries, out);
  return out;
}

}  // namespace acx::fuzz
