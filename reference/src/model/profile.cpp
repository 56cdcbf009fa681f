#include "acx/model/profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "acx/model/variation_points.h"
#include "acx/scenario/capabilities.h"

namespace acx::model {

std::string_view level_name(Level level) {
  switch (level) {
    case Level::Full:
      return "full";
    case Level::Partial:
      return "partial";
    case Level::None:
      return "none";
  }
  return "?";
}

namespace {

struct Bad {
  std::string message;
};

/// Reads the value and evidence `points` give variation point `point` into the profile.
void read_point(const nlohmann::json& points, const VariationPoint& point, Profile& p) {
  const std::string id(point.id);
  auto it = points.find(id);
  if (it == points.end()) throw Bad{fmt::format("variation point \"{}\" is missing", id)};
  if (!it->is_object() || !it->contains("value") || !(*it)["value"].is_string())
    throw Bad{fmt::format("variation point \"{}\" must be an object with a string \"value\"", id)};
  if (!it->contains("evidence") || !(*it)["evidence"].is_string() ||
      (*it)["evidence"].get<std::string>().empty())
    throw Bad{fmt::format("variation point \"{}\" must cite its \"evidence\"", id)};
  const std::string value = (*it)["value"];
  const auto known = std::find_if(point.values.begin(), point.values.end(),
                                  [&](const VariationValue& v) { return v.json == value; });
  if (known == point.values.end())
    throw Bad{fmt::format("variation point \"{}\": unknown value \"{}\" (allowed: {})", id, value,
                          point.allowed())};
  point.set(p, static_cast<std::size_t>(known - point.values.begin()));
  p.evidence[id] = (*it)["evidence"];
}

}  // namespace

std::variant<Profile, ProfileError> load_profile(const std::string& name_or_path,
                                                 const std::string& models_dir) {
  const bool is_path = name_or_path.ends_with(".json") || name_or_path.find('/') != std::string::npos;
  const std::string file =
      is_path ? name_or_path : (std::filesystem::path(models_dir) / (name_or_path + ".json")).string();
  std::ifstream in(file);
  if (!in) return ProfileError{file, fmt::format("no such profile (looked for {})", file)};
  try {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw Bad{fmt::format("not JSON: {}", e.what())};
    }
    Profile p;
    p.name = j.value("name", "");
    if (p.name.empty()) throw Bad{"missing \"name\""};
    p.description = j.value("description", "");
    if (!j.contains("variation_points") || !j["variation_points"].is_object())
      throw Bad{"missing \"variation_points\" object"};
    const auto& points = j["variation_points"];
    for (const auto& [key, value] : points.items())
      if (!find_variation_point(key)) throw Bad{fmt::format("unknown variation point \"{}\"", key)};
    for (const auto& point : variation_points()) read_point(points, point, p);
    // The one constraint between points (spec/errors.md, `rejection.context`).
    if (p.rejection_context == ListenerContext::Drain && p.als_model != AlsModel::Frame)
      throw Bad{"rejection.context \"drain\" is defined for the frame model only"};
    if (j.contains("capabilities")) {
      if (!j["capabilities"].is_object()) throw Bad{"\"capabilities\" must be an object"};
      const auto& known_caps = scenario::known_capabilities();
      for (const auto& [key, value] : j["capabilities"].items()) {
        if (std::find(known_caps.begin(), known_caps.end(), key) == known_caps.end())
          throw Bad{fmt::format("unknown capability \"{}\" (spec/capabilities.md lists them)", key)};
        if (!value.is_object() || !value.contains("level") || !value["level"].is_string() ||
            !value.contains("evidence") || !value["evidence"].is_string() ||
            value["evidence"].get<std::string>().empty())
          throw Bad{fmt::format("capability \"{}\" must be an object with \"level\" and \"evidence\"", key)};
        const std::string level = value["level"];
        Capability c;
        if (level == "full")
          c.level = Level::Full;
        else if (level == "partial")
          c.level = Level::Partial;
        else if (level == "none")
          c.level = Level::None;
        else
          throw Bad{fmt::format("capability \"{}\": level must be full, partial or none", key)};
        c.evidence = value["evidence"];
        p.capabilities[key] = c;
      }
    }
    return p;
  } catch (const Bad& bad) {
    return ProfileError{file, bad.message};
  }
}

}  // namespace acx::model
