// Checking one conformance case: the model against a backend (acx check).
#pragma once

#include <string>
#include <vector>

#include "acx/backends/backend.h"
#include "acx/model/machine.h"
#include "acx/model/profile.h"
#include "acx/trace/projection.h"

namespace acx::cli {

struct CaseOutcome {
  /// Unsupported: the case needs a capability the runtime lacks (spec/capabilities.md); it is neither
  /// a pass nor a fail.
  enum class Kind { Pass, Fail, Unsupported, BadInput, BackendFailure } kind;
  std::string file;
  std::string id;      ///< The case's @id (or the file name when the case did not parse).
  std::string report;  ///< Empty for a pass; otherwise the first-divergence report or the error.
  std::vector<std::string> missing;                        ///< Unsupported: the capabilities it lacks.
  trace::Projection projection = trace::Projection::Full;  ///< What part of the trace was compared.
};

/// Parses `file`, checks its header, and has the judge (acx/judge/judge.h) run it on `backend` and
/// search the model (under `profile`) for an execution with the same canonical trace, or with the
/// same stores where the profile's hooks or ids are partial. A case that needs a capability the
/// profile lacks is not run.
CaseOutcome check_case(const std::string& file, backends::Backend& backend, const model::Profile& profile,
                       const model::RunOptions& options);

const char* outcome_word(CaseOutcome::Kind kind);

}  // namespace acx::cli
