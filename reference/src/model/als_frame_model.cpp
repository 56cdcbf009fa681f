// `als.model` = frame (spec/async-local-storage.md): Node >= 24 (AsyncContextFrame), Bun, Deno. The
// stores live in an immutable frame; resources capture the current frame when they are made and
// their callbacks run in it (`als.frame.capture`, `als.frame.restore-on-callback`); run and
// enterWith replace the current frame by a new one.
#include <utility>

#include "machine_impl.h"

namespace acx::model::detail {

class FrameStorage final : public StorageModel {
 public:
  explicit FrameStorage(Machine& machine) : m_(&machine) { arena_.emplace_back(); }
  std::unique_ptr<StorageModel> clone() const override { return std::make_unique<FrameStorage>(*this); }
  void attach(Machine& machine) override { m_ = &machine; }
  void hash_into(StateHasher& h) const override {
    h.add(arena_.size());
    for (const Slots& frame : arena_) {
      h.add(frame.size());
      for (const Value* v : frame) h.add(v);
    }
    h.add(current_);
    const auto used = static_cast<std::size_t>(m_->ids_.counter + 1);
    for (std::size_t i = 0; i < used && i < frames_.size(); ++i) h.add(frames_[i]);
  }

  const Value* get(std::size_t als) override {
    const Slots& frame = std::as_const(arena_)[current_];
    return als < frame.size() ? frame[als] : nullptr;
  }
  Frame capture() const override { return current_; }
  Frame swap(Frame context) override { return std::exchange(current_, context); }
  bool has_frame() const override { return current_ != kNoFrame; }

  void on_resource(AsyncId id) override { frames_[static_cast<std::size_t>(id)] = current_; }
  void on_init(AsyncId) override {}
  Frame enter_resource(AsyncId id, bool propagate) override {
    return swap(propagate ? std::as_const(frames_)[static_cast<std::size_t>(id)] : kNoFrame);
  }
  Frame resource_context(AsyncId id) const override { return frames_[static_cast<std::size_t>(id)]; }

  void construct(std::size_t) override {}

  Completion run(std::size_t als, const Value& store, const Body& body) override {
    // `als.run.same-store`: running with the store that is already current just calls the callback.
    if (m_->store_of(als) == store) return body();
    // `als.run`: enterWith(store), the callback, then enterWith(prior) in a finally block: afterwards
    // the frame holds the prior value explicitly.
    const Value* prior = &m_->store_of(als);
    current_ = with(als, &store);
    const Completion c = body();
    current_ = with(als, prior);
    return c;
  }

  // `als.exit`: exit(fn) is run(undefined, fn).
  Completion exit(std::size_t als, const Body& body) override { return run(als, kUndefined, body); }

  // `als.enter-with`: the current frame is replaced.
  void enter_with(std::size_t als, const Value& store) override { current_ = with(als, &store); }

  void disable(std::size_t als) override {
    // `als.disable`: the key is deleted from the current frame, in place (every capture of that
    // frame sees it gone).
    Slots& frame = arena_[current_];
    if (current_ != kNoFrame && als < frame.size()) frame[als] = nullptr;
  }

  void grow(std::size_t ids) override { frames_.resize(ids); }
  void add_instance() override {}

 private:
  /// A new frame: the current one with instance `als` set to `store`.
  Frame with(std::size_t als, const Value* store) {
    Slots next = std::as_const(arena_)[current_];
    if (next.size() < m_->als_.size()) next.resize(m_->als_.size());
    next[als] = store;
    arena_.push_back(std::move(next));
    return static_cast<Frame>(arena_.size() - 1);
  }

  Machine* m_;
  /// Every frame of the run, by Frame (0: no frame, which has no slots).
  CowVector<Slots> arena_;
  Frame current_ = kNoFrame;
  CowVector<Frame> frames_;  ///< By resource id: the frame it captured.
};

std::unique_ptr<StorageModel> make_frame_storage(Machine& machine) {
  return std::make_unique<FrameStorage>(machine);
}

}  // namespace acx::model::detail
