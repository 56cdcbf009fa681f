// Whether a case can be compared on a runtime, and how much of its trace (spec/capabilities.md).
#pragma once

#include <string>
#include <vector>

#include "acx/model/profile.h"
#include "acx/scenario/ast.h"
#include "acx/trace/projection.h"

namespace acx::model {

struct Comparability {
  /// Capabilities the case needs that the runtime lacks or has only in part; empty when the case
  /// can be compared. A case with missing capabilities is `unsupported`, never a pass or a fail.
  std::vector<std::string> missing;
  /// Full, or Stores when the runtime's hooks or ids are partial but the case's stores can still be
  /// compared (`capabilities.projection`).
  trace::Projection projection = trace::Projection::Full;

  bool supported() const { return missing.empty(); }
};

/// Applies rule `capabilities.projection` and `capabilities.unsupported` to one scenario.
[[nodiscard]] Comparability comparability(const scenario::Scenario& s, const Profile& p);

}  // namespace acx::model
