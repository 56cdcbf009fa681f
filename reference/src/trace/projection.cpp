#include "acx/trace/projection.h"

namespace acx::trace {

std::string_view projection_name(Projection p) {
  return p == Projection::Full ? "full" : "stores";
}

bool project(Event& e, Projection p) {
  if (p == Projection::Full) return true;
  if (e.kind == EventKind::Exit) return true;
  if (e.kind != EventKind::Observe) return false;
  e.eid = 0;
  e.tid = 0;
  e.resource.reset();
  return true;
}

std::vector<Event> project(const std::vector<Event>& events, Projection p) {
  std::vector<Event> out;
  out.reserve(events.size());
  for (Event e : events)
    if (project(e, p)) out.push_back(std::move(e));
  return out;
}

}  // namespace acx::trace
