// acx profiles: the profiles of models/ and the variation points they fix, read through the table of
// variation points (acx/model/variation_points.h).
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace acx::cli {

/// Lists every profile of `models_dir`, sorted: name, its `als.model` value and description.
int cmd_profiles_list(const std::string& models_dir);

/// Prints a profile's value of every variation point with its meaning and evidence, then its
/// capabilities that are not full. An unknown profile is bad input.
int cmd_profile_show(const std::string& name_or_path);

/// Lists the variation points of the table with their chapters and values.
int cmd_variation_points();

/// `acx profiles [NAME] [--points]`, registered on the app by its constructor (so that main.cpp
/// needs one line to add it and one to run it).
class ProfilesCommand {
 public:
  explicit ProfilesCommand(CLI::App& app);
  ProfilesCommand(const ProfilesCommand&) = delete;
  ProfilesCommand& operator=(const ProfilesCommand&) = delete;

  /// Whether the command line chose `acx profiles` (after parsing).
  bool chosen() const;
  int run() const;

 private:
  CLI::App* command_;  ///< Owned by the app.
  std::string name_;
  bool points_ = false;
};

}  // namespace acx::cli
