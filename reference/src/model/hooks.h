// Private: the hooks of a run (spec/hooks.md) and the V8 promise hook Node installs for them
// (spec/promises.md `promise.tracking`).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "state.h"

namespace acx::model::detail {

/// One hook made by createHook (`hooks.create`); the last hook of a run is the hook model's internal
/// init hook of AsyncLocalStorage (`als.hook.enable`).
struct HookState {
  std::string name;
  bool init = false, before = false, after = false, destroy = false, promise_resolve = false;
  /// Callback bodies (`hooks.callback-body`), by callback: init, before, after, destroy, promiseResolve.
  std::array<const Block*, 5> bodies{};
};

/// The V8 promise hook Node installs (`promise.tracking`).
struct PromiseHookState {
  bool installed = false;  ///< A promise hook is installed now.
  bool init = false;       ///< It gives promises ids at creation.
  bool settled = false;    ///< It reports settlement (promiseResolve).
  bool wanted = false;     ///< Not to be removed by a pending DisablePromiseHook job.
};

struct Hooks {
  std::vector<HookState> all;       ///< Every hook instance; the last declared one is ALS's internal hook.
  std::size_t storage_hook = 0;     ///< Index of the hook model's internal init hook.
  std::vector<std::size_t> active;  ///< Enabled hooks, in enable order (`hooks.order`).
  int emit_depth = 0;               ///< > 0 while hook callbacks run (`hooks.enable-during-emit`).
  std::optional<std::vector<std::size_t>> next_active;  ///< The set an emit's callbacks changed.
  PromiseHookState promise_hook;
  /// Declarations, in textual order: the first instance of each (its index in `all`).
  std::unordered_map<std::string, std::size_t> index;
  std::vector<char> made;                 ///< By declaration: its first instance exists.
  std::vector<trace::Event> events;       ///< One prepared event per hook (name set once).
  std::vector<trace::Event> init_events;  ///< Likewise for init events.

  /// Whether some enabled hook has the callback.
  bool has(bool HookState::*callback) const {
    for (std::size_t h : active)
      if (all[h].*callback) return true;
    return false;
  }
};

}  // namespace acx::model::detail
