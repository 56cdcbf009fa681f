#include "profiles.h"

#include <memory>

#include "commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <vector>

#include "acx/model/variation_points.h"
#include "common.h"
#include "exit_codes.h"

namespace acx::cli {

namespace {

/// The spelling of the value `point` has in `profile` ("?" for a value the table lacks, which a
/// profile read by load_profile cannot have).
std::string_view value_of(const model::VariationPoint& point, const model::Profile& profile) {
  const auto index = point.get(profile);
  return index ? point.values[*index].json : std::string_view("?");
}

std::size_t longest_id() {
  std::size_t width = 0;
  for (const auto& point : model::variation_points()) width = std::max(width, point.id.size());
  return width;
}

std::size_t longest_value() {
  std::size_t width = 0;
  for (const auto& point : model::variation_points())
    for (const auto& v : point.values) width = std::max(width, v.json.size());
  return width;
}

}  // namespace

int cmd_profiles_list(const std::string& models_dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(models_dir, ec))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  if (ec) {
    fmt::print(stderr, "acx: {}: {}\n", models_dir, ec.message());
    return kExitBadInput;
  }
  const model::VariationPoint* als_model = model::find_variation_point("als.model");
  std::vector<model::Profile> profiles;
  int status = kExitOk;
  for (const auto& file : files) {
    auto loaded = model::load_profile(file.string(), models_dir);
    if (auto* error = std::get_if<model::ProfileError>(&loaded)) {
      fmt::print(stderr, "acx: profile error: {}\n", error->to_string());
      status = kExitBadInput;
      continue;
    }
    profiles.push_back(std::get<model::Profile>(std::move(loaded)));
  }
  std::sort(profiles.begin(), profiles.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::size_t width = 0;
  for (const auto& p : profiles) width = std::max(width, p.name.size());
  for (const auto& p : profiles)
    fmt::print("{:<{}}  {}={:<5}  {}\n", p.name, width, als_model->id, value_of(*als_model, p),
               p.description);
  return status;
}

int cmd_profile_show(const std::string& name_or_path) {
  const auto profile = load_profile_or_report(name_or_path);
  if (!profile) {
    fmt::print(stderr, "acx: `acx profiles` lists the profiles of {}\n", models_dir());
    return kExitBadInput;
  }
  fmt::print("{}: {}\n", profile->name, profile->description);
  const std::size_t id_width = longest_id(), value_width = longest_value();
  for (const auto& point : model::variation_points()) {
    const auto index = point.get(*profile);
    fmt::print("{:<{}}  {:<{}}  {}\n", point.id, id_width, value_of(point, *profile), value_width,
               index ? point.values[*index].meaning : "");
    const auto evidence = profile->evidence.find(std::string(point.id));
    fmt::print("{:<{}}  evidence: {}\n", "", id_width,
               evidence == profile->evidence.end() ? "" : evidence->second);
  }
  if (profile->capabilities.empty()) fmt::print("capabilities: all full\n");
  for (const auto& [name, capability] : profile->capabilities)
    fmt::print("capability {}: {}\n{:<{}}  evidence: {}\n", name, model::level_name(capability.level), "",
               id_width, capability.evidence);
  return kExitOk;
}

int cmd_variation_points() {
  const std::size_t value_width = longest_value();
  for (const auto& point : model::variation_points()) {
    fmt::print("{} ({}): {}\n", point.id, point.chapter, point.doc);
    for (const auto& v : point.values) fmt::print("    {:<{}}  {}\n", v.json, value_width, v.meaning);
  }
  fmt::print("{} variation points (spec/variation-points.md)\n", model::variation_points().size());
  return kExitOk;
}

Command add_profiles(CLI::App& app) {
  auto* command = app.add_subcommand(
      "profiles", "List the profiles of models/, show one's variation points, or list the points");
  auto name = std::make_shared<std::string>();
  auto points = std::make_shared<bool>(false);
  auto* option = command->add_option("NAME", *name, "A profile (models/NAME.json) or a path to one");
  command->add_flag("--points", *points, "List the variation points and their values")->excludes(option);
  return {command, [name, points] {
            if (*points) return cmd_variation_points();
            if (!name->empty()) return cmd_profile_show(*name);
            return cmd_profiles_list(models_dir());
          }};
}

}  // namespace acx::cli
