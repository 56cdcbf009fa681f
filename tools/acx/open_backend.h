// Opening a backend for a command: making it from its spec (the runtime cache looked up), asking
// its version, choosing the profile to judge against (--profile, or the backend's own) with the
// backend's declared capabilities laid over it. Every command that runs a backend (run, graph,
// check, conformance, fuzz, diff, bench-programs, runtimes) opens it here, so that a backend that
// cannot be opened is reported the same way, with the same exit code, everywhere.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "acx/backends/backend.h"
#include "acx/model/profile.h"

namespace acx::cli {

struct OpenOptions {
  double timeout_seconds = 30;  ///< Per scenario run.
  /// How far to open: the backend only (acx run, graph: a failing runtime shows in the run), its
  /// version too (printed before a run), or also the profile (to judge against the model).
  enum class Need { Backend, Version, Profile } need = Need::Profile;
  std::string profile;         ///< --profile; empty for the backend's own.
  bool profile_option = true;  ///< The command takes --profile (the error then suggests it).
};

struct OpenedBackend {
  std::unique_ptr<backends::Backend> backend;
  std::string version;                    ///< With Need::Version or Need::Profile.
  std::optional<model::Profile> profile;  ///< With Need::Profile: capabilities laid over.

  /// "NAME (VERSION)", as the preamble of a run names a backend.
  std::string runtime() const;
  /// "backend NAME (VERSION), profile PROFILE".
  std::string describe() const;
};

struct OpenFailure {
  enum class Stage {
    Spec,          ///< No backend could be made from the spec (unknown, not installed, malformed).
    Runtime,       ///< The runtime does not run (its version cannot be asked).
    NoProfile,     ///< No profile is known for this runtime's version.
    ProfileError,  ///< The profile is missing or malformed (models/).
  } stage;
  std::string message;  ///< Without the "acx: " of a report (a conformance column shows it).
  std::string report;   ///< The line a command prints to stderr.
  int exit_code;        ///< kExitBadInput, or kExitBackendFailure for a runtime that does not run.
  std::string version;  ///< The runtime's version, when the failure came after it was known.
};

using OpenResult = std::variant<OpenedBackend, OpenFailure>;

OpenResult open_backend(const std::string& spec, const OpenOptions& options = {});

/// Prints the failure as every command does: "acx: " and its report, on stderr.
void report(const OpenFailure& failure);

/// The profile with the backend's own declared capabilities laid over it.
model::Profile with_backend_capabilities(model::Profile profile, backends::Backend& backend);

/// The profile of the commands that use the model alone (predict, verify, bench, graph --backend
/// model): the one asked for, else node-20; an error is printed.
std::optional<model::Profile> model_profile_or_report(const std::string& requested);

}  // namespace acx::cli
