#include "acx/fuzz/shrink.h"

#include <algorithm>
#include <array>
#include <optional>
#include <ranges>

#include "acx/fuzz/program_gen.h"
#include "acx/scenario/ops.h"
#include "acx/scenario/parser.h"

namespace acx::fuzz {

namespace {

/// An edit of the statement at `i` of a block: whether it applied. `variant` picks one of several
/// edits of the same kind (which block to drop).
using Edit = bool (*)(scenario::Block& block, std::size_t i, std::size_t variant);

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
bool remove_at(scenario::Block& block, std::size_t i, std::size_t) {
  block.erase(block.begin() + static_cast<std::ptrdiff_t>(i));
  return true;
}

/// Replaces a statement by the statements of its first block (`run { a } -> a`).
bool unwrap_at(scenario::Block& block, std::size_t i, std::size_t) {
  if (block[i].blocks.empty()) return false;
  scenario::Block inner = block[i].blocks.front();
  block.erase(block.begin() + static_cast<std::ptrdiff_t>(i));
  block.insert(block.begin() + static_cast<std::ptrdiff_t>(i), inner.begin(), inner.end());
  return true;
}

/// Drops one of a statement's blocks where its row has more than it requires (`p.then { a }` ->
/// `p.then`, a createHook callback body, the catch of a try that also has a finally).
bool drop_block_at(scenario::Block& block, std::size_t i, std::size_t variant) {
  scenario::Statement& st = block[i];
  if (variant >= st.blocks.size() || st.blocks.size() <= spec_of(st.op).required_blocks) return false;
  st.blocks.erase(st.blocks.begin() + static_cast<std::ptrdiff_t>(variant));
  st.labels.erase(st.labels.begin() + static_cast<std::ptrdiff_t>(variant));
  return true;
}

/// Drops a statement's last argument where its row does not require it (`Promise.resolve(1)` ->
/// `Promise.resolve`).
bool drop_argument_at(scenario::Block& block, std::size_t i, std::size_t) {
  scenario::Statement& st = block[i];
  if (st.args.size() <= spec_of(st.op).required_args) return false;
  st.args.pop_back();
  return true;
}

/// Drops a `let NAME =` that its row does not require (the name must be unused: check() decides).
bool unbind_at(scenario::Block& block, std::size_t i, std::size_t) {
  scenario::Statement& st = block[i];
  if (st.binding.empty() || spec_of(st.op).must_bind) return false;
  st.binding.clear();
  return true;
}

/// The edits, tried in this order (the first that keeps the failure wins, then all start over), and
/// how many variants each has: a statement has at most as many blocks as createHook.
struct EditKind {
  Edit apply;
  std::size_t variants;
};
const std::array<EditKind, 5>& edits() {
  static const std::size_t most_blocks =
      std::ranges::max(scenario::all_ops() |
                       std::views::transform([](const scenario::OpSpec& op) { return op.blocks.size(); }));
  static const std::array<EditKind, 5> all = {EditKind{remove_at, 1}, EditKind{unwrap_at, 1},
                                              EditKind{drop_block_at, most_blocks},
                                              EditKind{drop_argument_at, 1}, EditKind{unbind_at, 1}};
  return all;
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
    for (const EditKind& edit : edits()) {
      for (std::size_t k = 0; k < total * edit.variants && budget > 0 && !progressed; ++k) {
        scenario::Scenario candidate = s;
        std::size_t n = k / edit.variants;
        const auto apply = [&](scenario::Block& b, std::size_t i) {
          return edit.apply(b, i, k % edit.variants);
        };
        if (!edit_nth(candidate.body, n, apply).value_or(false)) continue;
        if (scenario::check(candidate)) continue;  // a name it removed is still used
        --budget;
        ++stats.tries;
        if (still_fails(candidate)) {
          s = std::move(candidate);
          ++stats.steps;
          progressed = true;
        }
      }
      if (progressed) break;
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
