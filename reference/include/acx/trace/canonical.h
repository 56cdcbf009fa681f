// Renaming of async ids by first appearance, so that traces compare up to a bijection of ids.
#pragma once

#include <map>
#include <string>

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
  /// The names given so far: raw id -> canonical id.
  const std::map<AsyncId, AsyncId>& names() const { return names_; }

 private:
  AsyncId root_;
  AsyncId root_trigger_;
  std::map<AsyncId, AsyncId> names_;
  AsyncId next_ = 2;
};

/// The trace with every id renamed; meta.root becomes kRootId and meta.root_trigger 0.
Trace canonicalize(const Trace& trace);

/// A canonical id as text: "0", "root" or "#n".
std::string id_name(AsyncId canonical);

/// One event in the readable form used by reports, e.g. `init PROMISE #3 trigger=#2 eid=root [h]`.
std::string describe(const Event& canonical_event);

}  // namespace acx::trace
