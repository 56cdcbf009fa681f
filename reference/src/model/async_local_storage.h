// Private: AsyncLocalStorage (spec/async-local-storage.md). Where stores live and how they propagate is
// the variation point `als.model`, with two implementations of one interface, picked once per run
// from the profile: the hook model (stores copied onto each resource by an internal init hook: Node
// 13.10..23, and 24+ with --no-async-context-frame) and the frame model (stores in an
// AsyncContextFrame that resources and reactions capture: Node >= 24, Bun, Deno).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "state.h"

namespace acx::model::detail {

class Machine;

/// One AsyncLocalStorage instance (`als.instances`): each run of a `new AsyncLocalStorage` statement
/// makes one.
struct AlsState {
  std::string name;
  bool created = false;
  const Value* default_value = nullptr;  ///< `als.default-value` (variation point).
  /// `als.switch` = instance (Deno): the instance's switch is off (disable, or inside exit), so
  /// getStore() gives the default wherever it is called.
  bool switched_off = false;
};

using Body = std::function<Completion()>;

class StorageModel {
 public:
  virtual ~StorageModel() = default;
  /// A copy for a copy of the machine (the search forks machines), which attach() then binds to it.
  virtual std::unique_ptr<StorageModel> clone() const = 0;
  virtual void attach(Machine& machine) = 0;
  /// Feeds the model's state into a state key (state_key.cpp).
  virtual void hash_into(StateHasher& h) const = 0;

  // ---- the current context ----
  /// getStore() of a created instance: its store in the current context, nullptr if none is set
  /// there (the caller then answers the instance's default value).
  virtual const Value* get(std::size_t als) = 0;
  /// The context a reaction, a job or a pending rejection captures now (`als.frame.capture`).
  virtual Frame capture() const = 0;
  /// Makes a captured context current; returns the one it replaces (to restore it afterwards).
  virtual Frame swap(Frame context) = 0;
  /// Whether an AsyncContextFrame is current (`microtask.resource`).
  virtual bool has_frame() const = 0;

  // ---- resources ----
  /// A resource other than a promise is made: it captures the current context (`als.frame.capture`).
  virtual void on_resource(AsyncId id) = 0;
  /// Init hooks are emitted for a resource: the internal init hook copies the stores onto it
  /// (`als.hook.copy-at-init`).
  virtual void on_init(AsyncId id) = 0;
  /// A callback of resource `id` starts: its context becomes current (`als.frame.restore-on-callback`;
  /// with `propagate` false, none: the mutation of `als.propagation`). Returns the replaced context.
  virtual Frame enter_resource(AsyncId id, bool propagate) = 0;
  /// The context resource `id` captured.
  virtual Frame resource_context(AsyncId id) const = 0;

  // ---- the API (`als.run`, `als.exit`, `als.enter-with`, `als.disable`) ----
  virtual void construct(std::size_t als) = 0;
  virtual Completion run(std::size_t als, const Value& store, const Body& body) = 0;
  virtual Completion exit(std::size_t als, const Body& body) = 0;
  virtual void enter_with(std::size_t als, const Value& store) = 0;
  virtual void disable(std::size_t als) = 0;

  // ---- tables ----
  /// Ids up to `ids` exist.
  virtual void grow(std::size_t ids) = 0;
  /// A new instance was added (instance numbers are dense).
  virtual void add_instance() = 0;
};

/// A StorageModel that a copy of the machine copies (clone, then attach to the copy).
class StoragePtr {
 public:
  StoragePtr() = default;
  explicit StoragePtr(std::unique_ptr<StorageModel> model) : model_(std::move(model)) {}
  StoragePtr(const StoragePtr& other) : model_(other.model_ ? other.model_->clone() : nullptr) {}
  StoragePtr& operator=(const StoragePtr&) = delete;
  StorageModel* operator->() const { return model_.get(); }
  StorageModel& operator*() const { return *model_; }
  void reset(std::unique_ptr<StorageModel> model = nullptr) { model_ = std::move(model); }

 private:
  std::unique_ptr<StorageModel> model_;
};

/// The implementation the profile's `als.model` names.
std::unique_ptr<StorageModel> make_storage_model(Machine& machine, AlsModel model);

/// Restores the context that was current when the scope began (a callback or job ends).
class ContextScope {
 public:
  ContextScope(StorageModel& model, Frame replaced) : model_(model), saved_(replaced) {}
  /// Saves the current context, to restore it at the end of the scope.
  explicit ContextScope(StorageModel& model) : model_(model), saved_(model.capture()) {}
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;
  ~ContextScope() { model_.swap(saved_); }

 private:
  StorageModel& model_;
  Frame saved_;
};

}  // namespace acx::model::detail
