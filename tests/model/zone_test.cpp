// The zone of clock reads (reference/src/model/zone.h): closure, emptiness, removal, and a property
// against brute force over small integer assignments.
#define BOOST_TEST_MODULE zone
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>

#include "../../reference/src/model/zone.h"

using acx::model::detail::Zone;

BOOST_AUTO_TEST_CASE(closure_derives_bounds) {
  Zone z;
  const auto a = z.add(), b = z.add(), c = z.add();
  BOOST_TEST(z.constrain_between(b, a, 0, 2));  // b - a in [0, 2]
  BOOST_TEST(z.constrain_between(c, b, 0, 3));  // c - b in [0, 3]
  BOOST_TEST(z.upper(c, a) == 5);
  BOOST_TEST(z.upper(a, c) == 0);
  BOOST_TEST(z.allows(c, a, -1) == false);  // c - a <= -1 is impossible
  BOOST_TEST(z.allows(a, c, -5));           // c - a >= 5 is possible
  BOOST_TEST(!z.allows(a, c, -6));
}

BOOST_AUTO_TEST_CASE(an_impossible_constraint_leaves_the_zone_unchanged) {
  Zone z;
  const auto a = z.add(), b = z.add();
  BOOST_TEST(z.constrain_between(b, a, 1, 1));
  BOOST_TEST(!z.constrain(b, a, 0));
  BOOST_TEST(z.upper(b, a) == 1);
  BOOST_TEST(!z.constrain_between(b, a, 2, 3));
  BOOST_TEST(!z.constrain_between(b, a, 3, 2));
  BOOST_TEST(z.upper(b, a) == 1);
  BOOST_TEST(z.upper(a, b) == -1);
}

BOOST_AUTO_TEST_CASE(removal_keeps_what_the_removed_variable_implied) {
  Zone z;
  const auto a = z.add(), b = z.add(), c = z.add();
  BOOST_TEST(z.constrain_between(b, a, 1, 1));
  BOOST_TEST(z.constrain_between(c, b, 1, 1));
  z.remove(b);
  BOOST_TEST(z.upper(c, a) == 2);
  BOOST_TEST(z.upper(a, c) == -2);
  const auto d = z.add();  // takes b's slot again, unconstrained
  BOOST_TEST(d == b);
  BOOST_TEST(z.upper(d, a) == Zone::kInfinity);
  BOOST_TEST(z.live() == 3u);
}

BOOST_AUTO_TEST_CASE(it_grows_past_its_first_capacity) {
  Zone z;
  std::vector<Zone::Var> vars;
  for (int i = 0; i < 20; ++i) {
    vars.push_back(z.add());
    if (i > 0) BOOST_TEST(z.constrain_between(vars[i], vars[i - 1], 0, 1));
  }
  BOOST_TEST(z.upper(vars[19], vars[0]) == 19);
  BOOST_TEST(z.upper(vars[0], vars[19]) == 0);
}

// Brute force: a set of difference constraints over 4 variables is satisfiable iff some assignment
// in a small range satisfies them (bounds are within [-3, 3], so a range of 0..12 suffices).
RC_BOOST_PROP(matches_brute_force_on_small_systems, ()) {
  struct C {
    int x, y, c;
  };
  const auto constraints = *rc::gen::container<std::vector<C>>(
      *rc::gen::inRange(1, 8),
      rc::gen::construct<C>(rc::gen::inRange(0, 4), rc::gen::inRange(0, 4), rc::gen::inRange(-3, 4)));
  Zone z;
  std::vector<Zone::Var> v;
  for (int i = 0; i < 4; ++i) v.push_back(z.add());
  std::vector<C> accepted;
  for (const C& k : constraints) {
    if (k.x == k.y) continue;
    // Brute force with the constraints accepted so far plus this one.
    auto satisfiable = [&](const std::vector<C>& cs) {
      for (int a = 0; a < 13; ++a)
        for (int b = 0; b < 13; ++b)
          for (int c = 0; c < 13; ++c)
            for (int d = 0; d < 13; ++d) {
              const int val[4] = {a, b, c, d};
              bool ok = true;
              for (const C& q : cs) ok = ok && val[q.x] - val[q.y] <= q.c;
              if (ok) return true;
            }
      return false;
    };
    std::vector<C> with = accepted;
    with.push_back(k);
    const bool expected = satisfiable(with);
    RC_ASSERT(z.allows(v[static_cast<std::size_t>(k.x)], v[static_cast<std::size_t>(k.y)], k.c) == expected);
    RC_ASSERT(z.constrain(v[static_cast<std::size_t>(k.x)], v[static_cast<std::size_t>(k.y)], k.c) ==
              expected);
    if (expected) accepted = with;
  }
}
