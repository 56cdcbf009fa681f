#include "open_backend.h"

#include <fmt/format.h>

#include <chrono>

#include "common.h"
#include "exit_codes.h"

namespace acx::cli {

std::string OpenedBackend::runtime() const {
  return fmt::format("{} ({})", backend->name(), version);
}

std::string OpenedBackend::describe() const {
  return fmt::format("backend {}, profile {}", runtime(), profile ? profile->name : "");
}

model::Profile with_backend_capabilities(model::Profile profile, backends::Backend& backend) {
  for (auto& [name, capability] : backend.capabilities()) profile.capabilities[name] = capability;
  return profile;
}

OpenResult open_backend(const std::string& spec, const OpenOptions& options) {
  using Stage = OpenFailure::Stage;
  backends::BackendOptions bo;
  bo.timeout = std::chrono::milliseconds(static_cast<long>(options.timeout_seconds * 1000));
  bo.models_dir = models_dir();
  auto made = backends::make_backend(spec, bo);
  if (auto* error = std::get_if<std::string>(&made))
    return OpenFailure{Stage::Spec, *error, *error, kExitBadInput};
  OpenedBackend opened;
  opened.backend = std::move(std::get<std::unique_ptr<backends::Backend>>(made));
  backends::Backend& backend = *opened.backend;
  if (options.need == OpenOptions::Need::Backend) return opened;

  auto version = backend.version();
  if (auto* failure = std::get_if<backends::BackendFailure>(&version))
    return OpenFailure{Stage::Runtime, failure->message,
                       fmt::format("backend {}: {}", backend.name(), failure->message), kExitBackendFailure};
  opened.version = std::get<std::string>(version);
  if (options.need == OpenOptions::Need::Version) return opened;

  std::string name = options.profile;
  if (name.empty()) {
    auto own = backend.default_profile();
    if (!own)
      return OpenFailure{Stage::NoProfile, "no profile is known for this runtime (models/)",
                         fmt::format("cannot tell which profile fits backend '{}'{}", backend.name(),
                                     options.profile_option ? "; pass --profile" : ""),
                         kExitBadInput, opened.version};
    name = *own;
  }
  auto loaded = model::load_profile(name, models_dir());
  if (auto* error = std::get_if<model::ProfileError>(&loaded))
    return OpenFailure{Stage::ProfileError, error->to_string(), "profile error: " + error->to_string(),
                       kExitBadInput, opened.version};
  opened.profile = with_backend_capabilities(std::get<model::Profile>(std::move(loaded)), backend);
  return opened;
}

void report(const OpenFailure& failure) {
  fmt::print(stderr, "acx: {}\n", failure.report);
}

std::optional<model::Profile> model_profile_or_report(const std::string& requested) {
  return load_profile_or_report(requested.empty() ? "node-20" : requested);
}

}  // namespace acx::cli
