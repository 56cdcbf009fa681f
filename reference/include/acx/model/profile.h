// A profile fixes every variation point of the spec for one runtime version (models/*.json).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>

namespace acx::model {

/// spec/async-local-storage.md, variation point `als.model`.
enum class AlsModel {
  Hook,   ///< Stores are copied onto each resource at init by an internal init hook (Node 13.10..23).
  Frame,  ///< Stores live in an immutable frame captured by resources and reactions (Node >= 24).
};

/// spec/async-local-storage.md, variation point `als.hook.enable`: when the hook model's internal
/// init hook (and with it promise tracking) is switched on.
enum class AlsEnable {
  FirstRun,        ///< At the first run/enterWith (Node 13.10..23).
  AtConstruction,  ///< In the constructor (Node 24 with --no-async-context-frame).
};

/// spec/event-loop.md, variation point `microtask.resource`.
enum class MicrotaskResource {
  Always,            ///< queueMicrotask always creates a `Microtask` AsyncResource (Node 20).
  WhenFrameOrHooks,  ///< Only when a context frame exists or a hook is enabled; otherwise a bare
                     ///< V8 microtask whose callback sees eid 0 (Node 24).
};

/// spec/capabilities.md: how much of one capability a runtime has. A capability a profile does not
/// list is full.
enum class Level { Full, Partial, None };

struct Capability {
  Level level = Level::Full;
  std::string evidence;  ///< A case run here, or a source file, that shows the level.
};

/// spec/event-loop.md, variation point `tick.queue`: where process.nextTick callbacks wait.
enum class TickQueue {
  OwnQueue,   ///< Node's nextTick queue, drained before the microtasks (Node, Bun, Deno).
  Microtask,  ///< A microtask, in FIFO order with promise jobs (workerd).
};

/// spec/errors.md, variation point `rejection.context`: the stores an 'unhandledRejection' listener
/// sees.
enum class ListenerContext {
  Runtime,  ///< Node's: the rejection's context (per the ALS model).
  Empty,    ///< No store at all (Bun).
};

struct Profile {
  std::string name;
  std::string description;
  AlsModel als_model = AlsModel::Hook;
  AlsEnable als_enable = AlsEnable::FirstRun;
  /// spec/async-local-storage.md, variation point `als.default-value`: whether the constructor's
  /// { name, defaultValue } options are honoured (Node >= 24) or ignored (Node 20).
  bool als_default_value = false;
  MicrotaskResource microtask_resource = MicrotaskResource::Always;
  TickQueue tick_queue = TickQueue::OwnQueue;
  ListenerContext rejection_context = ListenerContext::Runtime;
  /// Variation point id -> evidence (a case observed here, or a source file).
  std::map<std::string, std::string> evidence;
  /// Capabilities that are partial or missing (spec/capabilities.md); all others are full.
  std::map<std::string, Capability> capabilities;

  Level level(const std::string& capability) const {
    auto it = capabilities.find(capability);
    return it == capabilities.end() ? Level::Full : it->second.level;
  }
};

struct ProfileError {
  std::string file;
  std::string message;
  std::string to_string() const { return file + ": " + message; }
};

std::string_view level_name(Level level);

/// Loads models/NAME.json (or a path ending in .json).
std::variant<Profile, ProfileError> load_profile(const std::string& name_or_path,
                                                 const std::string& models_dir);

}  // namespace acx::model
