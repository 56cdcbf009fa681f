#include "acx/model/comparability.h"

#include "acx/scenario/capabilities.h"

namespace acx::model {

namespace {

/// Capabilities whose absence only hides ids and hook events: the stores stay comparable.
bool only_shows_ids(const std::string& capability) {
  return capability == "async-hooks.create-hook" || capability == "async-hooks.promise" ||
         capability == "async-hooks.execution-async-id";
}

}  // namespace

Comparability comparability(const scenario::Scenario& s, const Profile& p) {
  // `capabilities.unsupported`: a case that needs a capability the profile lacks is not judged;
  // `capabilities.projection`: where only ids are missing, the stores are still compared.
  Comparability out;
  std::vector<std::string> id_gaps;
  for (const auto& c : scenario::required_capabilities(s)) {
    if (p.level(c) == Level::Full) continue;
    if (only_shows_ids(c))
      id_gaps.push_back(c);
    else
      out.missing.push_back(c);
  }
  if (id_gaps.empty()) return out;
  // Hook bodies, observeResource and observeExecution make ids matter beyond the dropped events; a
  // case without observations would compare nothing but its exit code.
  if (scenario::needs_ids_beyond_events(s) || !scenario::has_observations(s))
    out.missing.insert(out.missing.end(), id_gaps.begin(), id_gaps.end());
  else
    out.projection = trace::Projection::Stores;
  return out;
}

}  // namespace acx::model
