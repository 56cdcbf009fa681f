#include "zone.h"

#include <algorithm>

namespace acx::model::detail {

namespace {
std::int64_t add_bounds(std::int64_t a, std::int64_t b) {
  return a >= Zone::kInfinity || b >= Zone::kInfinity ? Zone::kInfinity : a + b;
}
}  // namespace

void Zone::grow() {
  const std::size_t next = capacity_ == 0 ? 8 : capacity_ * 2;
  std::vector<std::int64_t> bounds(next * next, kInfinity);
  for (std::size_t x = 0; x < capacity_; ++x)
    std::copy_n(bounds_.begin() + static_cast<std::ptrdiff_t>(x * capacity_), capacity_,
                bounds.begin() + static_cast<std::ptrdiff_t>(x * next));
  bounds_ = std::move(bounds);
  for (std::size_t v = capacity_; v < next; ++v)
    free_.push_back(static_cast<Var>(next - 1 - (v - capacity_)));
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
    at(x, static_cast<Var>(y)) = kInfinity;
    at(static_cast<Var>(y), x) = kInfinity;
  }
  at(x, x) = 0;
  return x;
}

void Zone::remove(Var x) {
  if (!used_[x]) return;
  used_[x] = 0;
  --live_;
  free_.push_back(x);
  for (std::size_t y = 0; y < capacity_; ++y) {
    at(x, static_cast<Var>(y)) = kInfinity;
    at(static_cast<Var>(y), x) = kInfinity;
  }
}

bool Zone::constrain(Var x, Var y, std::int64_t c) {
  if (c >= at(x, y)) return true;  // already implied
  if (!allows(x, y, c)) return false;
  // Closed before, closed after: every path through the new edge y -> x... is at most this long.
  for (std::size_t a = 0; a < capacity_; ++a) {
    if (!used_[a]) continue;
    const std::int64_t to_x = at(static_cast<Var>(a), x);
    if (to_x >= kInfinity) continue;
    for (std::size_t b = 0; b < capacity_; ++b) {
      if (!used_[b]) continue;
      const std::int64_t through = add_bounds(add_bounds(to_x, c), at(y, static_cast<Var>(b)));
      std::int64_t& current = at(static_cast<Var>(a), static_cast<Var>(b));
      if (through < current) current = through;
    }
  }
  return true;
}

bool Zone::constrain_between(Var x, Var y, std::int64_t lo, std::int64_t hi) {
  // Both or neither: check both before changing anything (a zone is convex, so two bounds that are
  // each possible and do not cross are possible together).
  if (lo > hi) return false;
  if (hi < kInfinity && !allows(x, y, hi)) return false;
  if (lo > -kInfinity && !allows(y, x, -lo)) return false;
  if (hi < kInfinity && !constrain(x, y, hi)) return false;
  if (lo > -kInfinity && !constrain(y, x, -lo)) return false;
  return true;
}

void Zone::hash_into(StateHasher& h) const {
  h.add(live_);
  for (std::size_t x = 0; x < capacity_; ++x) {
    if (!used_[x]) continue;
    h.add(x);
    for (std::size_t y = 0; y < capacity_; ++y)
      if (used_[y]) h.add_signed(at(static_cast<Var>(x), static_cast<Var>(y)));
  }
}

}  // namespace acx::model::detail
