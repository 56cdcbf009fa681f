#include "zone.h"

#include <algorithm>

namespace acx::model::detail {

void Zone::grow() {
  const std::size_t next = capacity_ == 0 ? 8 : capacity_ * 2;
  std::vector<TimeBound> bounds(next * next, TimeBound::none());
  for (std::size_t x = 0; x < capacity_; ++x)
    std::copy_n(bounds_.begin() + static_cast<std::ptrdiff_t>(x * capacity_), capacity_,
                bounds.begin() + static_cast<std::ptrdiff_t>(x * next));
  bounds_ = std::move(bounds);
  for (std::size_t v = capacity_; v < next; ++v) free_.push_back(static_cast<Var>(v));
  used_.resize(next, 0);
  capacity_ = next;
}

Zone::Var Zone::add() {
  if (free_.empty()) grow();
  // The lowest free slot, so that equal histories give equal layouts.
  const auto lowest = std::min_element(free_.begin(), free_.end());
  const Var x = *lowest;
  free_.erase(lowest);
  used_[x] = 1;
  ++live_;
  for (std::size_t y = 0; y < capacity_; ++y) {
    at(x, static_cast<Var>(y)) = TimeBound::none();
    at(static_cast<Var>(y), x) = TimeBound::none();
  }
  at(x, x) = TimeBound::at_most(0);
  return x;
}

void Zone::remove(Var x) {
  if (!used_[x]) return;
  used_[x] = 0;
  --live_;
  free_.push_back(x);
  for (std::size_t y = 0; y < capacity_; ++y) {
    at(x, static_cast<Var>(y)) = TimeBound::none();
    at(static_cast<Var>(y), x) = TimeBound::none();
  }
}

bool Zone::implied_by(Var x, Var a, TimeBound x_a, TimeBound a_x, Var b, std::span<const Var> watched) const {
  for (const Var y : watched) {
    if (!used_[y] || y == x || y == b) continue;
    const TimeBound via_a_up = y == a ? x_a : x_a + at(a, y), via_b_up = at(x, b) + at(b, y);
    const TimeBound via_a_down = y == a ? a_x : at(y, a) + a_x, via_b_down = at(y, b) + at(b, x);
    if (at(x, y) < std::min(via_a_up, via_b_up) || at(y, x) < std::min(via_a_down, via_b_down)) return false;
  }
  return true;
}

bool Zone::constrain(Var x, Var y, TimeBound bound) {
  if (bound >= at(x, y)) return true;  // already implied
  if (!allows(x, y, bound)) return false;
  // Closed before, closed after: every path a -> x -> y -> b gets at most this long.
  for (std::size_t a = 0; a < capacity_; ++a) {
    if (!used_[a]) continue;
    const TimeBound to_x = at(static_cast<Var>(a), x);
    if (to_x.is_none()) continue;
    const TimeBound through_edge = to_x + bound;
    for (std::size_t b = 0; b < capacity_; ++b) {
      if (!used_[b]) continue;
      const TimeBound through = through_edge + at(y, static_cast<Var>(b));
      TimeBound& current = at(static_cast<Var>(a), static_cast<Var>(b));
      if (through < current) current = through;
    }
  }
  return true;
}

void Zone::hash_into(StateHasher& h) const {
  h.add(live_);
  for (std::size_t x = 0; x < capacity_; ++x) {
    if (!used_[x]) continue;
    h.add(x);
    for (std::size_t y = 0; y < capacity_; ++y)
      if (used_[y]) h.add_signed(at(static_cast<Var>(x), static_cast<Var>(y)).raw());
  }
}

}  // namespace acx::model::detail
