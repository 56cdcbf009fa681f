// acx bench-programs: programs per second on the same random programs, judged three ways: the
// model alone, the backend's batch driver, and one process per program.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "acx/backends/backend.h"
#include "acx/judge/judge.h"
#include "commands.h"
#include "common.h"
#include "exit_codes.h"
#include "open_backend.h"
#include "random_programs.h"

namespace acx::cli {

namespace {

using judge::Judgement;

struct Rate {
  double per_second = 0;
  std::size_t passed = 0, total = 0;
  std::size_t undecided = 0;            ///< Neither passed nor failed: the model's search gave up.
  std::vector<std::string> not_passed;  ///< "program N: kind: report", in the order they ended
};

/// Judges `programs` on `jobs` threads, each with its own runner from `runner_for`.
Rate measure(const std::vector<scenario::Scenario>& programs, unsigned jobs, const model::Profile& profile,
             const std::function<std::unique_ptr<backends::Backend>()>& runner_for) {
  std::atomic<std::size_t> next{0}, passed{0}, undecided{0};
  std::mutex mutex;
  std::vector<std::string> not_passed;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < std::max(1u, jobs); ++t) {
    threads.emplace_back([&] {
      auto runner = runner_for();
      for (std::size_t i; (i = next++) < programs.size();) {
        const Judgement j = judge::judge_random(programs[i], *runner, profile, fmt::format("program {}", i));
        if (j.kind == Judgement::Kind::Pass) {
          ++passed;
        } else {
          if (j.kind == Judgement::Kind::Undecided) ++undecided;
          std::lock_guard lock(mutex);
          not_passed.push_back(fmt::format("program {}: {}: {}", i, judge::verdict_name(j.kind), j.report));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {static_cast<double>(programs.size()) / seconds, passed.load(), programs.size(), undecided.load(),
          std::move(not_passed)};
}

/// "(P of N pass)", with the undecided ones named when there are some.
std::string pass_counts(const Rate& r) {
  return fmt::format("{} of {} pass{}", r.passed, r.total,
                     r.undecided ? fmt::format(", {} undecided", r.undecided) : "");
}

/// The first programs of a measurement that did not pass (acx fuzz judges them one by one).
void print_not_passed(const Rate& r) {
  constexpr std::size_t kShown = 5;
  for (std::size_t k = 0; k < std::min(kShown, r.not_passed.size()); ++k) {
    fmt::print("    not passed: {}\n", indented(r.not_passed[k], "      "));
  }
  if (r.not_passed.size() > kShown) fmt::print("    ... and {} more\n", r.not_passed.size() - kShown);
}

/// Forwards to a backend it does not own.
class Borrowed final : public backends::Backend {
 public:
  explicit Borrowed(backends::Backend& b) : b_(b) {}
  std::string name() const override { return b_.name(); }
  std::variant<std::string, backends::BackendFailure> version() override { return b_.version(); }
  std::optional<std::string> default_profile() override { return b_.default_profile(); }
  backends::BackendResult run(const scenario::Scenario& s, const std::string& source) override {
    return b_.run(s, source);
  }

 private:
  backends::Backend& b_;
};

int cmd_bench_programs(const FuzzOptions& o, std::size_t per_process_count) {
  OpenOptions open;
  open.timeout_seconds = o.timeout_seconds;
  open.profile_option = false;
  auto opened = open_backend(o.backends.front(), open);
  if (auto* failure = std::get_if<OpenFailure>(&opened)) {
    report(*failure);
    return failure->exit_code;
  }
  OpenedBackend& ready = std::get<OpenedBackend>(opened);
  backends::Backend& backend = *ready.backend;
  const model::Profile& profile = *ready.profile;
  // The same programs for every mode: the default mix of acx fuzz, without those the model cannot
  // finish (they would hang a runtime until the time limit).
  open.need = OpenOptions::Need::Backend;
  auto model_opened = open_backend("model:" + profile.name, open);
  if (auto* failure = std::get_if<OpenFailure>(&model_opened)) {
    report(*failure);
    return failure->exit_code;
  }
  const std::unique_ptr<backends::Backend>& model_backend = std::get<OpenedBackend>(model_opened).backend;
  std::vector<scenario::Scenario> programs;
  for (std::size_t index = 0; programs.size() < o.count && index < o.count * 4; ++index) {
    auto shrinkable = generate(o, index, 0);
    if (!shrinkable) continue;
    scenario::Scenario s = normalized(shrinkable->value());
    // What acx fuzz would judge: the program runs on the model within the limits, and it does not
    // end the way no harness can print (`uncaught.handler`: exit 7).
    if (judge::judge_random(s, *model_backend, profile, "selection").kind == Judgement::Kind::Pass)
      programs.push_back(std::move(s));
  }
  const std::vector<scenario::Scenario> few(
      programs.begin(),
      programs.begin() + static_cast<std::ptrdiff_t>(std::min(per_process_count, programs.size())));
  fmt::print("acx bench-programs: {} programs (seed {}, default mix), {}, jobs {}\n", programs.size(), o.seed,
             ready.describe(), o.jobs);
  std::fflush(stdout);
  const Rate model_only =
      measure(programs, o.jobs, profile, [&] { return std::make_unique<Borrowed>(*model_backend); });
  fmt::print("model only:               {:8.1f} programs/s ({})\n", model_only.per_second,
             pass_counts(model_only));
  std::fflush(stdout);
  const Rate batch = measure(programs, o.jobs, profile, [&] { return backends::batched(backend); });
  fmt::print("batch driver:             {:8.1f} programs/s ({})\n", batch.per_second, pass_counts(batch));
  print_not_passed(batch);
  std::fflush(stdout);
  const Rate alone = measure(few, o.jobs, profile, [&] { return std::make_unique<Borrowed>(backend); });
  fmt::print("one process per program:  {:8.1f} programs/s ({}; the first {} programs)\n", alone.per_second,
             pass_counts(alone), few.size());
  print_not_passed(alone);
  fmt::print("batch / one process per program: {:.0f}x; model only / batch: {:.1f}x\n",
             batch.per_second / alone.per_second, model_only.per_second / batch.per_second);
  return kExitOk;
}
}  // namespace

Command add_bench_programs(CLI::App& app) {
  auto o = std::make_shared<FuzzOptions>();
  o->jobs = default_jobs();
  auto per_process_count = std::make_shared<std::size_t>(100);
  auto* bench_programs = app.add_subcommand(
      "bench-programs", "Programs per second: model only, batch driver, one process per program (same run)");
  bench_programs->add_option("--backend", o->backends, "The backend")->required()->expected(1);
  bench_programs->add_option("--per-process-count", *per_process_count, "Programs run one process each")
      ->capture_default_str();
  add_random_program_flags(*bench_programs, *o);
  return {bench_programs, [o, per_process_count] { return cmd_bench_programs(*o, *per_process_count); }};
}

}  // namespace acx::cli
