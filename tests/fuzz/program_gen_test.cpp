// The random programs of acx fuzz stay the same for a seed (tests/fuzz/golden/programs.txt: the
// programs the fuzz regressions were found in, the first ones of a few seeds, and digests of a few
// thousand more; ACX_REBASE=1 rewrites it), and the shrinker drops what the table makes optional.
#define BOOST_TEST_MODULE program_gen
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>

#include "acx/fuzz/program_gen.h"
#include "acx/fuzz/shrink.h"
#include "acx/scenario/parser.h"
#include "acx/scenario/printer.h"
#include "golden.h"

using namespace acx;

namespace {

/// Program `index` of `acx fuzz --seed SEED --depth DEPTH`, first attempt (tools/acx/fuzz_cmd.cpp,
/// generate()).
scenario::Scenario fuzz_program(std::uint64_t seed, std::size_t index, int depth) {
  fuzz::Mix mix;
  mix.max_depth = depth;
  mix.headers = false;
  mix.interleavings = true;
  const rc::Random random(rc::Random::Key{seed, index, 0, 0x61637821});
  return fuzz::gen_program(mix)(random, static_cast<int>(index % 100)).value();
}

/// The property tests' programs (gen_scenario: every construct, with headers).
scenario::Scenario property_program(std::uint64_t seed, std::size_t index) {
  const rc::Random random(rc::Random::Key{seed, index, 0, 0});
  return fuzz::gen_scenario()(random, static_cast<int>(index % 100)).value();
}

/// FNV-1a, 64 bits.
std::uint64_t digest(std::uint64_t hash, const std::string& text) {
  for (const unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
  return hash;
}

scenario::Scenario parsed(const std::string& text) {
  auto r = scenario::parse(text, "shrink.acx");
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().to_string()));
  return r.scenario();
}

}  // namespace

BOOST_AUTO_TEST_CASE(seeds_keep_meaning_the_same_programs) {
  struct Program {
    std::uint64_t seed;
    std::size_t index;
    int depth;
  };
  // Where the regressions of conformance/fuzz-regressions.acx were found, then the first programs
  // of seed 5.
  const Program programs[] = {{0, 5799, 3},    {0, 14288, 3}, {0, 12498, 3},  {3, 15960, 3},
                              {1, 10292, 3},   {4, 19388, 3}, {10, 1993, 3},  {10, 5286, 3},
                              {0, 990, 3},     {4, 8194, 3},  {100, 9288, 4}, {101, 16590, 4},
                              {104, 11985, 3}, {5, 0, 3},     {5, 1, 3},      {5, 2, 3}};
  std::string text;
  for (const auto& p : programs)
    text += fmt::format("// ---- acx fuzz --seed {} --depth {}: program {}\n{}", p.seed, p.depth, p.index,
                        scenario::print(fuzz_program(p.seed, p.index, p.depth)));
  for (const std::uint64_t seed : {0, 5}) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (std::size_t index = 0; index < 3000; ++index)
      hash = digest(hash, scenario::print(fuzz_program(seed, index, 3)));
    text += fmt::format("// ---- acx fuzz --seed {}: programs 0 to 2999, FNV-1a {:016x}\n", seed, hash);
  }
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (std::size_t index = 0; index < 1000; ++index)
    hash = digest(hash, scenario::print(property_program(1, index)));
  text += fmt::format("// ---- gen_scenario, key 1: programs 0 to 999, FNV-1a {:016x}\n", hash);
  acx::testing::check_golden(
      std::filesystem::path(ACX_SOURCE_DIR) / "tests" / "fuzz" / "golden" / "programs.txt", text);
}

BOOST_AUTO_TEST_CASE(shrinker_drops_what_the_table_makes_optional) {
  // Fails while a `then` and observe("target") are left: the blocks of then, the argument of
  // Promise.resolve and the unused names are optional in their rows, a try's second block is not.
  const auto still_fails = [](const scenario::Scenario& s) {
    const std::string text = scenario::print(s);
    return text.find(".then") != std::string::npos && text.find("observe(\"target\")") != std::string::npos &&
           text.find("try {") != std::string::npos;
  };
  fuzz::ShrinkResult stats;
  const scenario::Scenario minimal = fuzz::remove_statements(parsed(R"(let h = createHook(init, before) init {
  h.enable
}
let p = Promise.resolve(1)
let q = p.then {
  observe("x")
} rejected {
  observe("y")
}
try {
  observe("target")
} catch {
  observe("c")
} finally {
  observe("f")
}
)"),
                                                             still_fails, 1000, stats);
  BOOST_TEST(scenario::print(minimal) ==
             "let p = Promise.resolve\np.then\ntry {\n  observe(\"target\")\n} finally {\n}\n");
  BOOST_TEST(stats.steps > 0u);
}
