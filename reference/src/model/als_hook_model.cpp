// `als.model` = hook (spec/async-local-storage.md): Node 13.10..23 (and 24+ with
// --no-async-context-frame). Each instance, once enabled, keeps its store as a property of the
// resource executionAsyncResource() returns (`als.hook.resource`); an internal init hook copies the
// stores of the current resource onto every new one (`als.hook.copy-at-init`).
#include <algorithm>

#include "machine_impl.h"

namespace acx::model::detail {

class HookStorage final : public StorageModel {
 public:
  explicit HookStorage(Machine& machine) : m_(&machine) {
    arena_ = std::move(run_buffers().arena);
    arena_.clear();
    stride_ = m_->als_.size();
    process_slots_.assign(stride_, nullptr);
    enabled_.assign(m_->als_.size(), 0);
  }
  ~HookStorage() override {
    arena_.clear();
    run_buffers().arena = std::move(arena_);
  }
  HookStorage(const HookStorage&) = default;
  HookStorage& operator=(const HookStorage&) = delete;
  std::unique_ptr<StorageModel> clone() const override { return std::make_unique<HookStorage>(*this); }
  void attach(Machine& machine) override { m_ = &machine; }
  void hash_into(StateHasher& h) const override {
    h.add(stride_);
    const std::size_t used = static_cast<std::size_t>(m_->ids_.counter + 1) * stride_;
    for (std::size_t i = 0; i < used && i < arena_.size(); ++i) h.add(arena_[i]);
    for (const Value* v : process_slots_) h.add(v);
    for (char e : enabled_) h.add(static_cast<std::uint64_t>(e));
  }

  const Value* get(std::size_t als) override {
    // `als.hook.enable`: an instance that was never enabled (or was disabled) has no store.
    if (!enabled_[als]) return nullptr;
    return current_slots()[als];
  }
  // The context follows the execution stack: nothing is captured or swapped.
  Frame capture() const override { return kNoFrame; }
  Frame swap(Frame) override { return kNoFrame; }
  bool has_frame() const override { return false; }
  void on_resource(AsyncId) override {}
  Frame enter_resource(AsyncId, bool) override { return kNoFrame; }
  Frame resource_context(AsyncId) const override { return kNoFrame; }

  void on_init(AsyncId id) override {
    // `als.hook.copy-at-init`: the internal hook copies each store from the current resource; only
    // enabled instances propagate (`_propagate` checks `this.enabled`).
    if (m_->mutated("als.propagation")) return;
    const auto& active = m_->hooks_.active;
    if (std::find(active.begin(), active.end(), m_->hooks_.storage_hook) == active.end()) return;
    const Value** mine = slots_of(id);
    const Value* const* current = current_slots();
    for (std::size_t i = 0; i < m_->als_.size(); ++i) mine[i] = enabled_[i] ? current[i] : nullptr;
  }

  void construct(std::size_t als) override {
    // `als.hook.enable` (variation point): enabled by the constructor (Node 24's fallback), or at the
    // first run/enterWith.
    if (m_->profile_.als_enable == AlsEnable::AtConstruction) enable(als);
  }

  Completion run(std::size_t als, const Value& store, const Body& body) override {
    // `als.run.same-store`: running with the store that is already current just calls the callback,
    // so the internal hook is not enabled.
    if (m_->store_of(als) == store) return body();
    if (m_->profile_.als_run_resource) {
      // `als.run-resource` (variation point): Node 12 creates an AsyncResource('AsyncLocalStorage')
      // (init before the instance is enabled), queues its destroy at once, and in its
      // runInAsyncScope calls enterWith(store) (which enables the instance) and the callback.
      const AsyncId id = m_->init_resource("AsyncLocalStorage", m_->default_trigger());
      m_->queue_destroy(id);
      return m_->run_in_scope(id, [&] {
        enable(als);
        current_slots()[als] = &store;
        return body();
      });
    }
    // `als.run`: the store is written onto the current resource and restored afterwards.
    enable(als);
    const AsyncId resource = m_->ids_.current_resource();
    const Value* old = current_slots()[als];
    current_slots()[als] = &store;
    const Completion c = body();
    // Restored as a value: Node writes `resource[store] = oldStore`, so the key stays (undefined,
    // not the default, once a run has happened; `als.default-value`).
    resource_slots(resource)[als] = old ? old : &kUndefined;
    return c;
  }

  Completion exit(std::size_t als, const Body& body) override {
    // `als.exit`: the instance is disabled around the callback.
    if (!enabled_[als]) return body();
    disable(als);
    const Completion c = body();
    enable(als);
    return c;
  }

  void enter_with(std::size_t als, const Value& store) override {
    // `als.enter-with`: the store is written onto executionAsyncResource(), where it stays for later
    // callbacks of that resource.
    enable(als);
    current_slots()[als] = &store;
  }

  void disable(std::size_t als) override {
    // `als.disable`: the instance stops propagating and, when no instance is left, the internal hook
    // is disabled.
    if (!enabled_[als]) return;
    enabled_[als] = 0;
    if (std::none_of(enabled_.begin(), enabled_.end(), [](char e) { return e != 0; }))
      m_->disable_hook(m_->hooks_.storage_hook);
  }

  void grow(std::size_t ids) override { arena_.resize(ids * stride_, nullptr); }

  void add_instance() override {
    enabled_.push_back(0);
    if (m_->als_.size() <= stride_) return;
    // Lay the slots out again with room for more instances.
    const std::size_t stride = stride_ * 2;
    const std::size_t resources = m_->ids_.resources.size();
    std::vector<const Value*> arena(resources * stride, nullptr);
    for (std::size_t r = 0; r < resources; ++r)
      std::copy_n(arena_.begin() + static_cast<std::ptrdiff_t>(r * stride_), stride_,
                  arena.begin() + static_cast<std::ptrdiff_t>(r * stride));
    arena_ = std::move(arena);
    stride_ = stride;
    process_slots_.resize(stride, nullptr);
  }

 private:
  /// A resource's store slots, in one arena: stride_ (>= the number of instances) slots per id.
  const Value** slots_of(AsyncId id) { return arena_.data() + static_cast<std::size_t>(id) * stride_; }
  /// The slots of executionAsyncResource() (`als.hook.resource`): `topLevelResource` (id 0) when the
  /// stack is empty; the process object's for kProcessResource (`loop.phase-context`).
  const Value** current_slots() { return resource_slots(m_->ids_.current_resource()); }
  const Value** resource_slots(AsyncId id) {
    return id == kProcessResource ? process_slots_.data() : slots_of(id);
  }
  void enable(std::size_t als) {
    // `als.hook.enable`: enabling an instance enables the internal init hook.
    if (enabled_[als]) return;
    enabled_[als] = 1;
    m_->enable_hook(m_->hooks_.storage_hook);
  }

  Machine* m_;
  std::vector<const Value*> arena_;
  std::size_t stride_ = 0;
  std::vector<const Value*> process_slots_;
  std::vector<char> enabled_;  ///< By instance.
};

std::unique_ptr<StorageModel> make_hook_storage(Machine& machine) {
  return std::make_unique<HookStorage>(machine);
}

}  // namespace acx::model::detail
