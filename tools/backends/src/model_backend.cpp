// The reference model as a backend (`model[:PROFILE]`): its first allowed trace, so that `acx diff`
// and `acx conformance` can put the model beside real runtimes.
#include <fmt/format.h>

#include "acx/backends/backend.h"
#include "acx/model/search.h"

namespace acx::backends {

namespace {

class ModelBackend final : public Backend {
 public:
  ModelBackend(std::string spec, std::string profile, BackendOptions options)
      : spec_(std::move(spec)), profile_name_(std::move(profile)), options_(std::move(options)) {}

  std::string name() const override { return spec_; }

  std::variant<std::string, BackendFailure> version() override {
    if (auto* error = std::get_if<model::ProfileError>(&profile())) return unavailable(*error);
    return "model " + profile_name_;
  }

  std::optional<std::string> default_profile() override { return profile_name_; }

  BackendResult run(const scenario::Scenario& scenario, const std::string& source) override {
    const auto& loaded = profile();
    if (auto* error = std::get_if<model::ProfileError>(&loaded)) return unavailable(*error);
    model::Prediction p = model::predict(scenario, std::get<model::Profile>(loaded));
    if (p.status != model::RunStatus::Completed)
      return BackendFailure{BackendFailure::Kind::Crashed,
                            fmt::format("{}: {}: {}", spec_, source, model::describe(p.status)), ""};
    trace::Trace t;
    t.meta = {"model", profile_name_, model::kModelRootId};
    t.events = std::move(p.events);
    return t;
  }

 private:
  const std::variant<model::Profile, model::ProfileError>& profile() {
    if (!profile_) profile_ = model::load_profile(profile_name_, options_.models_dir);
    return *profile_;
  }
  static BackendFailure unavailable(const model::ProfileError& e) {
    return {BackendFailure::Kind::Unavailable, e.to_string(), ""};
  }

  std::string spec_;
  std::string profile_name_;
  BackendOptions options_;
  std::optional<std::variant<model::Profile, model::ProfileError>> profile_;
};

}  // namespace

std::unique_ptr<Backend> make_model_backend(const std::string& spec, const std::string& profile,
                                            const BackendOptions& options) {
  return std::make_unique<ModelBackend>(spec, profile, options);
}

}  // namespace acx::backends
