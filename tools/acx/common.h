// Helpers shared by the acx subcommands.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "acx/model/profile.h"

namespace acx::cli {

/// Where models/*.json live: $ACX_MODELS_DIR, else the source tree's models/.
std::string models_dir();
/// Where spec/*.md live: $ACX_SPEC_DIR, else the source tree's spec/.
std::string spec_dir();

/// Every *.acx file under the given files and folders, sorted, or an error naming a missing path.
std::variant<std::vector<std::string>, std::string> collect_cases(const std::vector<std::string>& paths);

/// Loads a profile by name or path, printing the error to stderr on failure.
std::optional<model::Profile> load_profile_or_report(const std::string& name);

std::string read_file(const std::string& path, bool& ok);

}  // namespace acx::cli
