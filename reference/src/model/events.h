// Private: the EventEmitters of a run (spec/events.md).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "state.h"

namespace acx::model::detail {

struct Listener {
  const Block* block;                   ///< e.on("x") { ... }
  std::optional<std::size_t> function;  ///< e.on("x", f)
};

/// One emitter's listeners, by event name, in registration order (`emitter.listeners`).
using EmitterState = std::map<std::string, std::vector<Listener>>;

}  // namespace acx::model::detail
