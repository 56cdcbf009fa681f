// Renaming of async ids by first appearance, so that traces compare up to a bijection of ids.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "acx/trace/event.h"

namespace acx::trace {

/// Canonical ids: 0 stays 0 (no JavaScript stack), the root execution context becomes kRootId, and
/// every other id becomes 2, 3, ... in order of first appearance (fields visited id, trigger, eid, tid).
inline constexpr AsyncId kRootId = 1;

class Renamer {
 public:
  explicit Renamer(AsyncId root, AsyncId root_trigger = 0) : root_(root), root_trigger_(root_trigger) {}
  AsyncId operator()(AsyncId raw);
  Event apply(Event event);
  /// Calls f(raw, canonical) for each name given so far, in increasing raw order.
  template <typename F>
  void for_each(F&& f) const {
    for (std::size_t raw = 0; raw < dense_.size(); ++raw)
      if (dense_[raw] != 0) f(static_cast<AsyncId>(raw), dense_[raw]);
    for (const auto& [raw, name] : sparse_) f(raw, name);
  }
  /// The same names given (whatever room each keeps).
  friend bool operator==(const Renamer& a, const Renamer& b);

 private:
  /// Small raw ids (the model's, a runtime's) by index, so that copying a renamer (the search copies
  /// it with every branch) is one copy of memory; others in a map.
  static constexpr AsyncId kDenseLimit = 1 << 20;
  AsyncId root_;
  AsyncId root_trigger_;
  std::vector<AsyncId> dense_;
  std::map<AsyncId, AsyncId> sparse_;
  AsyncId next_ = 2;
};

/// The trace with every id renamed; meta.root becomes kRootId and meta.root_trigger 0.
Trace canonicalize(const Trace& trace);

/// A canonical id as text: "0", "root" or "#n".
std::string id_name(AsyncId canonical);

/// One event in the readable form used by reports, e.g. `init PROMISE #3 trigger=#2 eid=root [h]`.
std::string describe(const Event& canonical_event);

}  // namespace acx::trace
