#include "random_programs.h"

#include <fmt/format.h>

#include <stdexcept>

#include "acx/fuzz/program_gen.h"
#include "acx/scenario/parser.h"
#include "acx/scenario/printer.h"

namespace acx::cli {

void add_random_program_flags(CLI::App& cmd, FuzzOptions& o) {
  cmd.add_option("--seed", o.seed, "Seed of the random programs")->capture_default_str();
  cmd.add_option("--count", o.count, "Programs to run")->capture_default_str();
  cmd.add_option("-j,--jobs", o.jobs, "Programs run at once")->capture_default_str();
  cmd.add_option("--depth", o.depth, "Nesting of blocks in a program")->capture_default_str();
  cmd.add_option("--timeout", o.timeout_seconds, "Seconds a backend may take per program")
      ->capture_default_str();
  cmd.add_option("--shrink-max", o.shrink_max, "Divergences shrunk in one run (the others are kept unshrunk)")
      ->capture_default_str();
  cmd.add_option("--shrink-tries", o.shrink_tries, "Candidates tried when shrinking")->capture_default_str();
  cmd.add_option("-o,--output", o.output_dir, "Folder for the minimal programs and repros")
      ->capture_default_str();
  cmd.add_flag("!--no-batch", o.batch, "One runtime process per program instead of a batch driver");
}

std::optional<rc::Shrinkable<scenario::Scenario>> generate(const FuzzOptions& o, std::size_t index,
                                                           int attempt) {
  fuzz::Mix mix;
  mix.max_depth = o.depth;
  mix.headers = false;
  mix.interleavings = true;
  const rc::Random random(rc::Random::Key{o.seed, index, static_cast<std::uint64_t>(attempt), 0x61637821});
  try {
    std::lock_guard lock(fuzz::generation_mutex());
    return fuzz::gen_program(mix)(random, static_cast<int>(index % 100));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

scenario::Scenario normalized(const scenario::Scenario& s) {
  auto parsed = scenario::parse(scenario::print(s));
  if (!parsed.ok())
    throw std::runtime_error("the printer wrote a program the parser refuses: " + parsed.error().to_string());
  return parsed.scenario();
}

void Progress::step() {
  std::lock_guard lock(mutex_);
  if (++done_ % 500 == 0 || done_ == total_) fmt::print(stderr, "\racx: {}/{} programs", done_, total_);
  if (done_ == total_) fmt::print(stderr, "\n");
}

}  // namespace acx::cli
