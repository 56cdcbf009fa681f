// acx profiles: the profiles of models/ and the variation points they fix, read through the table of
// variation points (acx/model/variation_points.h).
#pragma once

#include <string>

namespace acx::cli {

/// Lists every profile of `models_dir`, sorted: name, its `als.model` value and description.
int cmd_profiles_list(const std::string& models_dir);

/// Prints a profile's value of every variation point with its meaning and evidence, then its
/// capabilities that are not full. An unknown profile is bad input.
int cmd_profile_show(const std::string& name_or_path);

/// Lists the variation points of the table with their chapters and values.
int cmd_variation_points();

}  // namespace acx::cli
