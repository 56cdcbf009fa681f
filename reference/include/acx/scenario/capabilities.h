// What a scenario needs from a runtime (spec/capabilities.md): derived from the statements it uses,
// so that a case can never forget to declare one.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "acx/scenario/ast.h"

namespace acx::scenario {

/// Every capability name acx knows, in the order of spec/capabilities.md.
const std::vector<std::string_view>& known_capabilities();

/// The capability one statement needs (its row in ops.def; for `process.on`, its event's), or an
/// empty view for plain JavaScript.
std::string_view capability_of(const Statement& st);

/// What the scenario needs: the capability of each statement it contains (e.g. `createHook` needs
/// `async-hooks.create-hook`), plus the header's `@requires` names. `observe` needs
/// `async-hooks.execution-async-id` because its event records executionAsyncId/triggerAsyncId.
std::set<std::string> required_capabilities(const Scenario& s);

/// True when some hook callback has a body (its effects show outside the hook's own events), or the
/// scenario reads ids (`observeResource`) or `executionAsyncResource()`: such a scenario cannot be
/// compared on its store values alone when a runtime's hooks or ids are partial.
bool needs_ids_beyond_events(const Scenario& s);

/// True when the scenario has an `observe` or `observeError` statement: only then does the stores
/// projection of its trace say anything.
bool has_observations(const Scenario& s);

}  // namespace acx::scenario
