// The Node emitter's JavaScript against golden files: every statement kind of the table (ops.def),
// from hand-written scenarios (tests/backends/emit/*.acx -> *.js, standalone programs without the
// harness), and random programs of acx fuzz's mix (tests/backends/emit/random-seed-5.txt).
// ACX_REBASE=1 rewrites the golden files.
#define BOOST_TEST_MODULE node_emitter
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "acx/backends/node_emitter.h"
#include "acx/fuzz/program_gen.h"
#include "acx/scenario/ops.h"
#include "acx/scenario/parser.h"
#include "acx/scenario/printer.h"
#include "golden.h"

namespace fs = std::filesystem;
using namespace acx;

namespace {

const fs::path kDir = fs::path(ACX_SOURCE_DIR) / "tests" / "backends" / "emit";

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void collect_ops(const scenario::Block& block, std::set<scenario::Op>& ops) {
  for (const auto& st : block) {
    ops.insert(st.op);
    for (const auto& inner : st.blocks) collect_ops(inner, ops);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_statement_kind_has_its_javascript) {
  // The harness is the same in every program (and has tests of its own): the goldens leave it out.
  const std::string harness = read(fs::path(ACX_SOURCE_DIR) / "tools" / "backends" / "js" / "harness.cjs");
  BOOST_REQUIRE(!harness.empty());
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kDir))
    if (entry.path().extension() == ".acx") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::set<scenario::Op> used;
  for (const auto& file : files) {
    auto parsed = scenario::parse_file(file.string());
    BOOST_REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? std::string() : parsed.error().to_string()));
    collect_ops(parsed.scenario().body, used);
    std::string program = backends::emit_node_program(parsed.scenario(), file.filename().string());
    const auto at = program.find(harness);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, file.string()
                                                       << ": the program does not hold harness.cjs");
    program.replace(at, harness.size(), "// [tools/backends/js/harness.cjs]\n");
    acx::testing::check_golden(fs::path(file).replace_extension(".js"), program);
  }
  for (const auto& spec : scenario::all_ops())
    BOOST_TEST(used.contains(spec.op), "no scenario of tests/backends/emit uses " << spec.name);
}

BOOST_AUTO_TEST_CASE(random_programs_keep_their_javascript) {
  // The first programs of `acx fuzz --seed 5` (tools/acx/fuzz_cmd.cpp, generate()), and what a
  // batch driver runs for each.
  fuzz::Mix mix;
  mix.headers = false;
  mix.interleavings = true;
  std::string text;
  for (std::size_t index = 0; index < 30; ++index) {
    const rc::Random random(rc::Random::Key{5, index, 0, 0x61637821});
    const scenario::Scenario s = fuzz::gen_program(mix)(random, static_cast<int>(index % 100)).value();
    BOOST_REQUIRE(!scenario::check(s));
    text += "// ---- program " + std::to_string(index) + "\n" + scenario::print(s) + "// ---- JavaScript\n" +
            backends::emit_node_batch_body(s);
  }
  acx::testing::check_golden(kDir / "random-seed-5.txt", text);
}
