// Checking one conformance case: the model against a backend (acx check).
#pragma once

#include <string>

#include "acx/backends/backend.h"
#include "acx/model/machine.h"
#include "acx/model/profile.h"

namespace acx::cli {

struct CaseOutcome {
  enum class Kind { Pass, Fail, BadInput, BackendFailure } kind;
  std::string file;
  std::string id;      ///< The case's @id (or the file name when the case did not parse).
  std::string report;  ///< Empty for a pass; otherwise the first-divergence report or the error.
};

/// Parses `file`, runs it on `backend` and searches the model (under `profile`) for an execution
/// with the same canonical trace.
CaseOutcome check_case(const std::string& file, backends::Backend& backend, const model::Profile& profile,
                       const model::RunOptions& options);

const char* outcome_word(CaseOutcome::Kind kind);

}  // namespace acx::cli
