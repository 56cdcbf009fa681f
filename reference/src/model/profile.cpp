#include "acx/model/profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

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

/// Reads variation point `id`, which must be present, and maps its value through `choices`.
template <typename Enum>
Enum pick(const nlohmann::json& points, const char* id,
          std::initializer_list<std::pair<const char*, Enum>> choices,
          std::map<std::string, std::string>& evidence) {
  auto it = points.find(id);
  if (it == points.end()) throw Bad{fmt::format("variation point \"{}\" is missing", id)};
  if (!it->is_object() || !it->contains("value") || !(*it)["value"].is_string())
    throw Bad{fmt::format("variation point \"{}\" must be an object with a string \"value\"", id)};
  if (!it->contains("evidence") || !(*it)["evidence"].is_string() ||
      (*it)["evidence"].get<std::string>().empty())
    throw Bad{fmt::format("variation point \"{}\" must cite its \"evidence\"", id)};
  const std::string value = (*it)["value"];
  evidence[id] = (*it)["evidence"];
  std::string allowed;
  for (const auto& [name, e] : choices) {
    if (value == name) return e;
    allowed += fmt::format("{}\"{}\"", allowed.empty() ? "" : ", ", name);
  }
  throw Bad{fmt::format("variation point \"{}\": unknown value \"{}\" (allowed: {})", id, value, allowed)};
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
    static const std::set<std::string> known = {"als.model",
                                                "als.hook.enable",
                                                "microtask.resource",
                                                "als.default-value",
                                                "tick.queue",
                                                "rejection.context",
                                                "promise.multiple-resolves",
                                                "function.await-order",
                                                "function.await-native",
                                                "promise.fast-paths",
                                                "rejection.unhandled-mode",
                                                "rejection.listener-context",
                                                "rejection.processing",
                                                "promise.resolve-early",
                                                "promise.self-resolution",
                                                "uncaught.after-zero",
                                                "uncaught.tick-leftovers",
                                                "promise.hook",
                                                "timer.list-resource",
                                                "loop.check-drain",
                                                "resource.bound-name",
                                                "loop.drain-after",
                                                "loop.main-drain-context",
                                                "tick.destroy",
                                                "uncaught.microtask",
                                                "uncaught.microtask-frame",
                                                "uncaught.last-immediate",
                                                "als.run-resource"};
    for (const auto& [key, value] : points.items())
      if (!known.contains(key)) throw Bad{fmt::format("unknown variation point \"{}\"", key)};
    p.als_model = pick<AlsModel>(points, "als.model", {{"hook", AlsModel::Hook}, {"frame", AlsModel::Frame}},
                                 p.evidence);
    p.als_enable = pick<AlsEnable>(
        points, "als.hook.enable",
        {{"first-run", AlsEnable::FirstRun}, {"construction", AlsEnable::AtConstruction}}, p.evidence);
    p.microtask_resource = pick<MicrotaskResource>(
        points, "microtask.resource",
        {{"always", MicrotaskResource::Always}, {"when-frame-or-hooks", MicrotaskResource::WhenFrameOrHooks}},
        p.evidence);
    p.als_default_value =
        pick<bool>(points, "als.default-value", {{"honoured", true}, {"ignored", false}}, p.evidence);
    p.tick_queue = pick<TickQueue>(points, "tick.queue",
                                   {{"own-queue", TickQueue::OwnQueue}, {"microtask", TickQueue::Microtask}},
                                   p.evidence);
    p.rejection_context = pick<ListenerContext>(
        points, "rejection.context",
        {{"runtime", ListenerContext::Runtime}, {"drain", ListenerContext::Drain}}, p.evidence);
    p.multiple_resolves =
        pick<MultipleResolves>(points, "promise.multiple-resolves",
                               {{"none", MultipleResolves::None},
                                {"tick", MultipleResolves::Tick},
                                {"tick-in-promise-context", MultipleResolves::TickInPromise}},
                               p.evidence);
    p.await_resolve_first = pick<bool>(points, "function.await-order",
                                       {{"resolve-first", true}, {"throwaway-first", false}}, p.evidence);
    p.await_wraps_promises =
        pick<bool>(points, "function.await-native", {{"direct", false}, {"wrapped", true}}, p.evidence);
    p.no_fast_paths =
        pick<bool>(points, "promise.fast-paths", {{"without-hooks", false}, {"never", true}}, p.evidence);
    p.unhandled_mode =
        pick<UnhandledMode>(points, "rejection.unhandled-mode",
                            {{"throw", UnhandledMode::Throw}, {"warn", UnhandledMode::Warn}}, p.evidence);
    p.rejection_ids =
        pick<RejectionIds>(points, "rejection.listener-context",
                           {{"promise", RejectionIds::Promise}, {"drain", RejectionIds::Drain}}, p.evidence);
    p.rejection_snapshot =
        pick<bool>(points, "rejection.processing", {{"one-by-one", false}, {"snapshot", true}}, p.evidence);
    p.resolve_early = pick<bool>(points, "promise.resolve-early",
                                 {{"at-settle", false}, {"at-resolve-and-settle", true}}, p.evidence);
    p.self_resolution_twice =
        pick<bool>(points, "promise.self-resolution",
                   {{"at-rejection", false}, {"at-resolve-and-rejection", true}}, p.evidence);
    p.after_zero = pick<AfterZero>(points, "uncaught.after-zero",
                                   {{"none", AfterZero::None},
                                    {"immediates", AfterZero::Immediates},
                                    {"callbacks", AfterZero::Callbacks}},
                                   p.evidence);
    p.tick_leftovers_first = pick<bool>(points, "uncaught.tick-leftovers",
                                        {{"after-destroys", false}, {"before-destroys", true}}, p.evidence);
    p.microtask_throw_in_scope =
        pick<bool>(points, "uncaught.microtask", {{"after-scope", false}, {"in-scope", true}}, p.evidence);
    p.microtask_throw_frame = pick<MicrotaskThrowFrame>(points, "uncaught.microtask-frame",
                                                        {{"start", MicrotaskThrowFrame::Start},
                                                         {"throw", MicrotaskThrowFrame::Throw},
                                                         {"throw-kept", MicrotaskThrowFrame::ThrowKept}},
                                                        p.evidence);
    p.last_immediate_throw = pick<LastImmediateThrow>(points, "uncaught.last-immediate",
                                                      {{"rerun", LastImmediateThrow::Rerun},
                                                       {"end-phase", LastImmediateThrow::EndPhase},
                                                       {"drain", LastImmediateThrow::Drain}},
                                                      p.evidence);
    p.als_run_resource =
        pick<bool>(points, "als.run-resource", {{"none", false}, {"async-resource", true}}, p.evidence);
    p.promise_hook =
        pick<PromiseHook>(points, "promise.hook",
                          {{"js", PromiseHook::Js}, {"promise-wrap", PromiseHook::PromiseWrap}}, p.evidence);
    p.timer_list =
        pick<TimerList>(points, "timer.list-resource",
                        {{"none", TimerList::None}, {"timerwrap", TimerList::TimerWrap}}, p.evidence);
    p.check_drain = pick<CheckDrain>(points, "loop.check-drain",
                                     {{"always", CheckDrain::Always},
                                      {"native-immediates", CheckDrain::NativeImmediates},
                                      {"never", CheckDrain::Never}},
                                     p.evidence);
    p.bound_name_run_in_scope = pick<bool>(
        points, "resource.bound-name", {{"bound", false}, {"bound-run-in-async-scope", true}}, p.evidence);
    p.drain_per_batch =
        pick<bool>(points, "loop.drain-after", {{"callback", false}, {"batch", true}}, p.evidence);
    p.main_drain_in_root =
        pick<bool>(points, "loop.main-drain-context", {{"empty", false}, {"root", true}}, p.evidence);
    p.tick_destroy_first = pick<bool>(points, "tick.destroy",
                                      {{"after-callback", false}, {"before-callback", true}}, p.evidence);
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
