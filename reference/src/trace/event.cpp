#include "acx/trace/event.h"

#include <array>

namespace acx::trace {

namespace {
constexpr std::array<std::pair<EventKind, std::string_view>, 8> kNames = {{
    {EventKind::Init, "init"},
    {EventKind::Before, "before"},
    {EventKind::After, "after"},
    {EventKind::Destroy, "destroy"},
    {EventKind::PromiseResolve, "promiseResolve"},
    {EventKind::Observe, "observe"},
    {EventKind::Exit, "exit"},
    {EventKind::Resource, "resource"},
}};
}  // namespace

std::string_view kind_name(EventKind kind) {
  for (const auto& [k, name] : kNames)
    if (k == kind) return name;
  return "?";
}

std::optional<EventKind> kind_from_name(std::string_view name) {
  for (const auto& [k, n] : kNames)
    if (n == name) return k;
  return std::nullopt;
}

}  // namespace acx::trace
