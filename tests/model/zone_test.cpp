// The zone of clock reads (reference/src/model/zone.h): closure, emptiness, strict bounds, removal,
// and a property against brute force over small assignments.
#define BOOST_TEST_MODULE zone
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>

#include "../../reference/src/model/zone.h"

using acx::model::detail::TimeBound;
using acx::model::detail::Zone;

namespace {
/// lo <= x - y <= hi.
bool between(Zone& z, Zone::Var x, Zone::Var y, std::int64_t lo, std::int64_t hi) {
  return z.constrain(x, y, TimeBound::at_most(hi)) && z.constrain(y, x, TimeBound::at_most(-lo));
}
}  // namespace

BOOST_AUTO_TEST_CASE(bounds_add_and_compare) {
  BOOST_TEST((TimeBound::at_most(2) + TimeBound::at_most(3) == TimeBound::at_most(5)));
  BOOST_TEST((TimeBound::at_most(2) + TimeBound::below(3) == TimeBound::below(5)));
  BOOST_TEST((TimeBound::below(2) + TimeBound::below(3) == TimeBound::below(5)));
  BOOST_TEST((TimeBound::below(5) < TimeBound::at_most(5)));
  BOOST_TEST((TimeBound::at_most(4) < TimeBound::below(5)));
  BOOST_TEST((TimeBound::none() + TimeBound::at_most(1)).is_none());
}

BOOST_AUTO_TEST_CASE(closure_derives_bounds) {
  Zone z;
  const auto a = z.add(), b = z.add(), c = z.add();
  BOOST_TEST(between(z, b, a, 0, 2));
  BOOST_TEST(between(z, c, b, 0, 3));
  BOOST_TEST((z.upper(c, a) == TimeBound::at_most(5)));
  BOOST_TEST((z.upper(a, c) == TimeBound::at_most(0)));
  BOOST_TEST(!z.allows(c, a, TimeBound::at_most(-1)));  // c - a <= -1 is impossible
  BOOST_TEST(z.allows(a, c, TimeBound::at_most(-5)));   // c - a >= 5 is possible
  BOOST_TEST(!z.allows(a, c, TimeBound::below(-5)));    // c - a > 5 is not
}

BOOST_AUTO_TEST_CASE(an_impossible_constraint_leaves_the_zone_unchanged) {
  Zone z;
  const auto a = z.add(), b = z.add();
  BOOST_TEST(between(z, b, a, 1, 1));
  BOOST_TEST(!z.constrain(b, a, TimeBound::at_most(0)));
  BOOST_TEST(!z.constrain(b, a, TimeBound::below(1)));
  BOOST_TEST((z.upper(b, a) == TimeBound::at_most(1)));
  BOOST_TEST((z.upper(a, b) == TimeBound::at_most(-1)));
}

BOOST_AUTO_TEST_CASE(strict_bounds_chain_strictly) {
  // a < b < c and c - a <= 0 cannot hold together; with <= they can (all equal).
  Zone z;
  const auto a = z.add(), b = z.add(), c = z.add();
  BOOST_TEST(z.constrain(a, b, TimeBound::below(0)));
  BOOST_TEST(z.constrain(b, c, TimeBound::at_most(0)));
  BOOST_TEST(!z.allows(c, a, TimeBound::at_most(0)));
  Zone w;
  const auto x = w.add(), y = w.add();
  BOOST_TEST(w.constrain(x, y, TimeBound::at_most(0)));
  BOOST_TEST(w.allows(y, x, TimeBound::at_most(0)));
  BOOST_TEST(!w.allows(y, x, TimeBound::below(0)));
}

BOOST_AUTO_TEST_CASE(removal_keeps_what_the_removed_variable_implied) {
  Zone z;
  const auto a = z.add(), b = z.add(), c = z.add();
  BOOST_TEST(between(z, b, a, 1, 1));
  BOOST_TEST(between(z, c, b, 1, 1));
  z.remove(b);
  BOOST_TEST((z.upper(c, a) == TimeBound::at_most(2)));
  BOOST_TEST((z.upper(a, c) == TimeBound::at_most(-2)));
  const auto d = z.add();  // takes b's slot again, unconstrained
  BOOST_TEST(d == b);
  BOOST_TEST(z.upper(d, a).is_none());
  BOOST_TEST(z.live() == 3u);
}

BOOST_AUTO_TEST_CASE(it_grows_past_its_first_capacity) {
  Zone z;
  std::vector<Zone::Var> vars;
  for (int i = 0; i < 20; ++i) {
    vars.push_back(z.add());
    if (i > 0) BOOST_TEST(between(z, vars[i], vars[i - 1], 0, 1));
  }
  BOOST_TEST((z.upper(vars[19], vars[0]) == TimeBound::at_most(19)));
  BOOST_TEST((z.upper(vars[0], vars[19]) == TimeBound::at_most(0)));
}

// Brute force: difference constraints (strict or not) over 4 variables with bounds in [-3, 3] are
// satisfiable iff some assignment of halves in a small range satisfies them (a system with integer
// bounds and strict constraints has a solution in multiples of 1/2 if it has one at all: shrink a
// strict slack to a half).
RC_BOOST_PROP(matches_brute_force_on_small_systems, ()) {
  struct C {
    int x, y, c;
    bool strict;
  };
  const auto constraints = *rc::gen::container<std::vector<C>>(
      *rc::gen::inRange(1, 8), rc::gen::construct<C>(rc::gen::inRange(0, 4), rc::gen::inRange(0, 4),
                                                     rc::gen::inRange(-3, 4), rc::gen::arbitrary<bool>()));
  Zone z;
  std::vector<Zone::Var> v;
  for (int i = 0; i < 4; ++i) v.push_back(z.add());
  std::vector<C> accepted;
  const auto satisfiable = [](const std::vector<C>& cs) {
    // Values in halves: 0..26 stands for 0, 0.5, ..., 13.
    for (int a = 0; a < 27; ++a)
      for (int b = 0; b < 27; ++b)
        for (int c = 0; c < 27; ++c)
          for (int d = 0; d < 27; ++d) {
            const int val[4] = {a, b, c, d};
            bool ok = true;
            for (const C& q : cs) {
              const int diff = val[q.x] - val[q.y];  // in halves
              ok = ok && (q.strict ? diff < 2 * q.c : diff <= 2 * q.c);
            }
            if (ok) return true;
          }
    return false;
  };
  for (const C& k : constraints) {
    if (k.x == k.y) continue;
    std::vector<C> with = accepted;
    with.push_back(k);
    const bool expected = satisfiable(with);
    const TimeBound b = k.strict ? TimeBound::below(k.c) : TimeBound::at_most(k.c);
    const auto x = v[static_cast<std::size_t>(k.x)], y = v[static_cast<std::size_t>(k.y)];
    RC_ASSERT(z.allows(x, y, b) == expected);
    RC_ASSERT(z.constrain(x, y, b) == expected);
    if (expected) accepted = with;
  }
}
