// Private: the timers of a run (spec/event-loop.md `loop.timers.*`, `timer.*`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "state.h"

namespace acx::model::detail {

struct Timer {
  AsyncId id;
  std::int64_t duration;  ///< Effective duration (`loop.timers.minimum`).
  const Block* block;
  std::uint64_t created;  ///< Creation order, for `loop.timers.fifo` and eligibility.
  bool interval = false;
};

struct Timers {
  std::vector<Timer> pending;
  std::unordered_map<AsyncId, bool> running;  ///< Timers whose callback runs -> cleared meanwhile.
  std::map<std::int64_t, AsyncId> lists;      ///< `timer.list-resource`: duration -> its TIMERWRAP.
  std::optional<std::int64_t> running_list;   ///< The list whose timers run now.
  std::vector<AsyncId> closing;               ///< Closed TIMERWRAPs: destroyed in the close phase.
  std::uint64_t created = 0;                  ///< Timers created so far (the next one's order).

  /// The oldest timer of `duration` created before `phase_start` (index in `pending`), if any.
  std::optional<std::size_t> oldest_due(std::int64_t duration, std::uint64_t phase_start) const {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const Timer& t = pending[i];
      if (t.duration != duration || t.created >= phase_start) continue;
      if (!best || pending[*best].created > t.created) best = i;
    }
    return best;
  }
};

}  // namespace acx::model::detail
