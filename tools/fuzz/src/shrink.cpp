#include "acx/fuzz/shrink.h"

#include "acx/fuzz/program_gen.h"
#include "acx/scenario/parser.h"

namespace acx::fuzz {

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
      const bool fails = !scenario::check(s) && still_fails(s);
      lock.lock();
      if (fails) {
        current = *candidate;
        ++out.steps;
        progressed = true;
        break;
      }
    }
  }
  std::lock_guard lock(generation_mutex());
  out.minimal = current.value();
  return out;
}

}  // namespace acx::fuzz
