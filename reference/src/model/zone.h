// Private: difference constraints between the clock reads of a run (spec/time.md `time.zone`), kept as
// a difference-bound matrix over the reads the model still needs, closed (every entry the tightest
// bound), the way timed-automata checkers such as UPPAAL keep their zones. Clocks count whole
// milliseconds, so a strict bound x - y < c is x - y <= c - 1.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "acx/model/state_key.h"

namespace acx::model::detail {

class Zone {
 public:
  using Var = std::uint32_t;
  /// No bound.
  static constexpr std::int64_t kInfinity = std::numeric_limits<std::int64_t>::max() / 4;

  /// A new variable, unconstrained.
  Var add();
  /// Forgets a variable: the constraints it implied between the others stay (the matrix is closed).
  void remove(Var x);
  /// The tightest upper bound of x - y (kInfinity: none).
  std::int64_t upper(Var x, Var y) const { return at(x, y); }
  /// Whether some assignment satisfies the zone and x - y <= c.
  bool allows(Var x, Var y, std::int64_t c) const { return at(y, x) >= kInfinity || at(y, x) + c >= 0; }
  /// Adds x - y <= c; false, and the zone unchanged, when no assignment would satisfy it.
  bool constrain(Var x, Var y, std::int64_t c);
  /// lo <= x - y <= hi (either may be kInfinity / -kInfinity for none).
  bool constrain_between(Var x, Var y, std::int64_t lo, std::int64_t hi);
  std::size_t live() const { return live_; }
  void hash_into(StateHasher& h) const;

 private:
  std::int64_t at(Var x, Var y) const { return bounds_[x * capacity_ + y]; }
  std::int64_t& at(Var x, Var y) { return bounds_[x * capacity_ + y]; }
  void grow();

  std::size_t capacity_ = 0;
  std::vector<std::int64_t> bounds_;  ///< capacity_ x capacity_, row x column y: bound of x - y.
  std::vector<char> used_;
  std::vector<Var> free_;
  std::size_t live_ = 0;
};

}  // namespace acx::model::detail
