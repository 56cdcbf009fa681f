// Private: difference constraints between the clock reads of a run (spec/time.md `time.zone`), kept as
// a difference-bound matrix over the reads the model still needs, closed (every entry the tightest
// bound), the way timed-automata checkers such as UPPAAL keep their zones. Bounds are strict (<) or
// not (<=): a runtime whose clock is finer than a millisecond (`time.clock`) is compared with real
// numbers, where "not due yet" is a strict bound.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "acx/model/state_key.h"

namespace acx::model::detail {

/// An upper bound `< c` or `<= c` on a difference of two reads, encoded as UPPAAL does: 2c for
/// `< c`, 2c + 1 for `<= c`, so that bounds compare as integers and add with one correction.
class TimeBound {
 public:
  static TimeBound at_most(std::int64_t c) { return TimeBound(2 * c + 1); }
  static TimeBound below(std::int64_t c) { return TimeBound(2 * c); }
  static TimeBound none() { return TimeBound(kNone); }
  bool is_none() const { return raw_ >= kNone; }
  std::int64_t raw() const { return raw_; }
  /// The bound of a sum of two differences.
  friend TimeBound operator+(TimeBound a, TimeBound b) {
    if (a.is_none() || b.is_none()) return none();
    return TimeBound(a.raw_ + b.raw_ - ((a.raw_ | b.raw_) & 1));
  }
  friend auto operator<=>(TimeBound, TimeBound) = default;

 private:
  static constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::max() / 4;
  explicit TimeBound(std::int64_t raw) : raw_(raw) {}
  std::int64_t raw_;
};

class Zone {
 public:
  using Var = std::uint32_t;

  /// A new variable, unconstrained.
  Var add();
  /// Forgets a variable: the constraints it implied between the others stay (the matrix is closed).
  void remove(Var x);
  /// The tightest upper bound of x - y.
  TimeBound upper(Var x, Var y) const { return at(x, y); }
  /// Whether some assignment satisfies the zone and x - y within `bound`.
  bool allows(Var x, Var y, TimeBound bound) const { return (at(y, x) + bound) >= TimeBound::at_most(0); }
  /// Adds x - y within `bound`; false, and the zone unchanged, when no assignment would satisfy it.
  bool constrain(Var x, Var y, TimeBound bound);
  /// Whether every bound between x and each variable of `watched` follows from x's bounds against
  /// `a` (x - a within `x_a`, a - x within `a_x`, which may be looser than the zone's) and against
  /// `b`: then x can leave the zone for those two bounds without losing what it knows against them
  /// (a timer's start kept as a gap, timers.h).
  bool implied_by(Var x, Var a, TimeBound x_a, TimeBound a_x, Var b, std::span<const Var> watched) const;
  std::size_t live() const { return live_; }
  void hash_into(StateHasher& h) const;

 private:
  TimeBound at(Var x, Var y) const { return bounds_[x * capacity_ + y]; }
  TimeBound& at(Var x, Var y) { return bounds_[x * capacity_ + y]; }
  void grow();

  std::size_t capacity_ = 0;
  std::vector<TimeBound> bounds_;  ///< capacity_ x capacity_, row x column y: bound of x - y.
  std::vector<char> used_;
  std::vector<Var> free_;
  std::size_t live_ = 0;
};

}  // namespace acx::model::detail
