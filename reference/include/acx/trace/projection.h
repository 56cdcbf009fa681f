// Which part of a trace is compared (spec/capabilities.md `capabilities.projection`): all of it, or,
// for a runtime whose hooks or ids are partial, only what `observe` saw of the stores.
#pragma once

#include <string_view>
#include <vector>

#include "acx/trace/event.h"

namespace acx::trace {

enum class Projection {
  Full,    ///< Every event, ids included.
  Stores,  ///< observe events without ids (label, stores, error) and the exit event.
};

std::string_view projection_name(Projection p);

/// Applies the projection to one event in place; false when the event is not part of it.
bool project(Event& e, Projection p);

/// The projection of a whole event list.
std::vector<Event> project(const std::vector<Event>& events, Projection p);

}  // namespace acx::trace
