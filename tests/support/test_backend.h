// Real backends for tests: made from a backend spec with the repository's models, and the profile
// each picks by default. Errors throw, so that a test fails with the reason.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>

#include "acx/backends/backend.h"
#include "acx/model/profile.h"

namespace acx::testing {

inline std::unique_ptr<backends::Backend> make_test_backend(
    const std::string& spec, std::chrono::milliseconds timeout = backends::BackendOptions{}.timeout) {
  backends::BackendOptions options;
  options.timeout = timeout;
  options.models_dir = ACX_SOURCE_DIR "/models";
  auto made = backends::make_backend(spec, options);
  if (auto* error = std::get_if<std::string>(&made)) throw std::runtime_error(*error);
  return std::move(std::get<std::unique_ptr<backends::Backend>>(made));
}

inline model::Profile default_profile_of(backends::Backend& backend) {
  const auto name = backend.default_profile();
  if (!name) throw std::runtime_error("no profile fits backend " + backend.name());
  auto loaded = model::load_profile(*name, ACX_SOURCE_DIR "/models");
  if (auto* error = std::get_if<model::ProfileError>(&loaded)) throw std::runtime_error(error->to_string());
  return std::get<model::Profile>(loaded);
}

}  // namespace acx::testing
