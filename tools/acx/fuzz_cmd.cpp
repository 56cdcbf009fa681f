// acx fuzz: random programs on a backend against the model. Regressions are replayed first; each
// divergence is confirmed in a process of its own, run again, shrunk and written out with a repro.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "acx/backends/backend.h"
#include "acx/fuzz/program_gen.h"
#include "acx/fuzz/regressions.h"
#include "acx/fuzz/repro.h"
#include "acx/fuzz/shrink.h"
#include "acx/fuzz/signature.h"
#include "acx/judge/judge.h"
#include "acx/model/search.h"
#include "acx/scenario/printer.h"
#include "acx/trace/canonical.h"
#include "acx/trace/jsonl.h"
#include "commands.h"
#include "common.h"
#include "exit_codes.h"
#include "expectations.h"
#include "known_divergences.h"
#include "open_backend.h"
#include "random_programs.h"

namespace acx::cli {

namespace {

using judge::Judgement;

constexpr int kInvalidRetries = 10;

/// What became of a divergence once it was confirmed and shrunk.
enum class Recorded {
  New,     ///< A new divergence: reported, written out, counted as failed.
  Passed,  ///< It passed alone: a gap of the batch driver (the program counts as passed).
  Known,   ///< Its signature is an expected failure's (conformance/expectations).
};

/// The folder of the cases an expectations folder names: `cases` beside it.
std::string cases_beside(const std::string& expectations_dir) {
  std::filesystem::path dir(expectations_dir);
  if (dir.filename().empty()) dir = dir.parent_path();
  return (dir.parent_path() / "cases").string();
}

/// "a 3, b 1": the known divergences counted by the expected failure they match.
std::string by_expectation(const std::map<std::string, std::size_t>& counts) {
  std::string out;
  for (const auto& [id, n] : counts) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", id, n);
  return out;
}

int cmd_fuzz(const FuzzOptions& o) {
  OpenOptions open;
  open.timeout_seconds = o.timeout_seconds;
  open.profile = o.profile;
  auto opened = open_backend(o.backends.front(), open);
  if (auto* failure = std::get_if<OpenFailure>(&opened)) {
    report(*failure);
    return failure->exit_code;
  }
  OpenedBackend& ready = std::get<OpenedBackend>(opened);
  backends::Backend& backend = *ready.backend;
  const model::Profile& profile = *ready.profile;
  const bool batch = o.batch && backend.batch() != nullptr;
  fmt::print("acx fuzz: seed {}, {} programs, {}, jobs {}, depth {}, mix interleavings, {}\n", o.seed,
             o.count, ready.describe(), o.jobs, o.depth, batch ? "batch driver" : "one process per program");
  std::fflush(stdout);

  // Known divergences: the signatures of the backend's expected failures, each case run once.
  KnownDivergences known;
  if (!o.expectations.empty()) {
    auto learnt = learn_known_divergences(o.expectations, cases_beside(o.expectations), o.backends.front(),
                                          backend, profile);
    if (auto* error = std::get_if<std::string>(&learnt)) {
      fmt::print(stderr, "acx fuzz: {}\n", *error);
      return kExitBadInput;
    }
    auto& l = std::get<LearntDivergences>(learnt);
    known = std::move(l.known);
    const std::string file = fmt::format("{}/{}", o.expectations, expectations_key(o.backends.front()));
    if (l.cases == 0)
      fmt::print("known divergences: none (no expected failures in {})\n", file);
    else
      fmt::print("known divergences: {} signature(s) from {} expected failure(s) of {}\n", known.size(),
                 l.cases, file);
    for (const auto& note : l.notes) fmt::print("    {}\n", note);
    std::fflush(stdout);
  }
  std::mutex known_mutex;
  std::map<std::string, std::size_t> known_counts;  // expected failure -> programs that matched it
  // The expected failure whose signature a failed judgement of `s` has; nullopt for a new divergence.
  const auto known_as = [&](const scenario::Scenario& s, const Judgement& j) -> std::optional<std::string> {
    if (known.size() == 0) return std::nullopt;
    const auto signature = fuzz::divergence_signature(s, j, profile);
    if (!signature) return std::nullopt;
    return known.match(*signature);
  };
  // The same for a random program, counted by expected failure.
  const auto match_known = [&](const scenario::Scenario& s,
                               const Judgement& j) -> std::optional<std::string> {
    auto id = known_as(s, j);
    if (id) {
      std::lock_guard lock(known_mutex);
      ++known_counts[*id];
    }
    return id;
  };

  // Regressions first: every minimal divergence found before must still be judged.
  std::size_t regression_failures = 0, regressions_undecided = 0, regressions_stalled = 0,
              regressions_known = 0;
  if (!o.regressions.empty()) {
    const fuzz::Regressions read = fuzz::read_regressions(o.regressions);
    // A malformed entry counts as a failed regression; the others are still replayed.
    for (const auto& error : read.errors) fmt::print("regression not read: {}\n", error);
    regression_failures += read.errors.size();
    const auto& regressions = read.entries;
    for (const auto& r : regressions) {
      const Judgement j = judge::judge(r.scenario, backend, profile, r.where);
      const bool ok = j.kind == Judgement::Kind::Pass || j.kind == Judgement::Kind::Unsupported;
      if (j.kind == Judgement::Kind::Undecided) {
        ++regressions_undecided;
        fmt::print("regression {} ({}) is undecided:\n{}\n", r.scenario.header.id, r.where, j.report);
      } else if (j.kind == Judgement::Kind::Stalled) {
        ++regressions_stalled;
        fmt::print("regression {} ({}) stalled:\n{}\n", r.scenario.header.id, r.where, j.report);
      } else if (!ok) {
        if (const auto id = known_as(r.scenario, j)) {
          ++regressions_known;
          fmt::print("regression {} ({}) diverges as the expected failure {} does\n", r.scenario.header.id,
                     r.where, *id);
          continue;
        }
        ++regression_failures;
        fmt::print("regression {} ({}) fails:\n{}\n", r.scenario.header.id, r.where, j.report);
      }
    }
    fmt::print("regressions: {} replayed from {}, {} failed{}{}{}\n", regressions.size() + read.errors.size(),
               o.regressions, regression_failures,
               regressions_undecided ? fmt::format(", {} undecided", regressions_undecided) : "",
               regressions_stalled ? fmt::format(", {} stalled", regressions_stalled) : "",
               regressions_known ? fmt::format(", {} known", regressions_known) : "");
  }

  std::atomic<std::size_t> next{0}, passed{0}, failed{0}, undecided{0}, stalled{0}, unsupported{0},
      skipped{0};
  std::mutex found_mutex;
  std::vector<Found> found;
  Progress progress(o.count);
  const auto start = std::chrono::steady_clock::now();

  std::atomic<std::size_t> fuzz_shrinks{0};
  const auto record = [&](backends::Backend& runner, std::size_t index,
                          const rc::Shrinkable<scenario::Scenario>& shrinkable, const scenario::Scenario& s,
                          const Judgement& first) -> Recorded {
    const auto still_fails = [&](const scenario::Scenario& candidate) {
      return judge::judge_random(normalized(candidate), runner, profile, "shrink").kind ==
             Judgement::Kind::Fail;
    };
    // Confirm, in a process of its own (the ground truth: no batch driver around it): a program
    // that passes there diverged only in the batch (an isolation gap of the driver, reported and
    // kept for study, the program counted by its own process's trace); one that passes on one of
    // two more runs is unstable; one that fails on all is shrunk.
    if (&runner != &backend) {
      const Judgement alone = judge::judge_random(s, backend, profile, "alone");
      if (alone.kind == Judgement::Kind::Pass) {
        const OutputFolder dir(o.output_dir, fmt::format("batch-only-{}-{}", o.seed, index));
        dir.write("program.acx", scenario::print(s));
        dir.write("divergence.txt", first.report);
        if (first.observed) dir.write("batch.jsonl", trace::write_jsonl(*first.observed));
        if (const std::string driver = runner.last_stderr(); !driver.empty())
          dir.write("driver-stderr.txt", driver);
        if (alone.observed) dir.write("alone.jsonl", trace::write_jsonl(*alone.observed));
        std::lock_guard lock(found_mutex);
        found.push_back({index, "batch only", dir.path(), first.report});
        return Recorded::Passed;
      }
    }
    for (int again = 0; again < 2; ++again) {
      const Judgement j = judge::judge_random(s, backend, profile, "confirm");
      // An undecided or stalled run passes no more than a failing one.
      if (j.kind != Judgement::Kind::Fail && j.kind != Judgement::Kind::Undecided &&
          j.kind != Judgement::Kind::Stalled) {
        std::lock_guard lock(found_mutex);
        found.push_back({index, "unstable", "", first.report});
        return Recorded::New;
      }
    }
    if (fuzz_shrinks++ >= o.shrink_max) {
      // Over the budget: kept as found.
      const OutputFolder dir(o.output_dir, fmt::format("unshrunk-{}-{}", o.seed, index));
      dir.write("program.acx", scenario::print(s));
      dir.write("divergence.txt", first.report);
      std::lock_guard lock(found_mutex);
      found.push_back({index, fmt::format("divergence (not shrunk: --shrink-max {})", o.shrink_max),
                       dir.path(), first.report});
      return Recorded::New;
    }
    const fuzz::ShrinkResult shrunk = fuzz::shrink(shrinkable, still_fails, o.shrink_tries);
    // Shrunk on the batch driver; the result must still fail in a process of its own, else the
    // shrinking followed a batch artifact and the program itself is the repro.
    scenario::Scenario minimal = normalized(shrunk.minimal);
    Judgement last = judge::judge_random(minimal, backend, profile, "minimal");
    if (last.kind != Judgement::Kind::Fail) {
      minimal = s;
      last = judge::judge_random(minimal, backend, profile, "minimal");
    }
    // The shrunk repro may diverge as an expected failure does, where the whole program's first
    // divergence did not show it.
    if (match_known(minimal, last)) return Recorded::Known;
    const std::string id = fmt::format("{}-{}", o.seed, index);
    minimal.header.id = "fuzz/" + id;
    minimal.header.title = "Found by acx fuzz";
    minimal.header.notes = {
        fmt::format("acx fuzz --seed {} --backend {} (program {}, profile {}); {} shrink steps", o.seed,
                    backend.name(), index, profile.name, shrunk.steps)};
    const OutputFolder dir(o.output_dir, id);
    const auto write = [&](const char* name, const std::string& text) { dir.write(name, text); };
    write("program.acx", scenario::print(s));
    write("minimal.acx", scenario::print(minimal));
    write("divergence.txt", last.report.empty() ? first.report : last.report);
    if (last.observed) write("observed.jsonl", trace::write_jsonl(*last.observed));
    const model::Prediction predicted = model::predict(minimal, profile);
    write("expected.jsonl", trace::write_jsonl(trace::canonicalize(trace::Trace{
                                {"model", profile.name, model::kModelRootId}, predicted.events})));
    model::SearchLimits limits;
    limits.max_runs = 200;
    const model::Enumeration allowed = model::enumerate(minimal, profile, {}, limits);
    // The repro compares what the judgement compared: the whole trace, or its stores.
    std::vector<std::vector<trace::Event>> allowed_traces;
    for (const auto& t : allowed.traces) {
      auto projected = trace::project(t, last.projection);
      if (std::find(allowed_traces.begin(), allowed_traces.end(), projected) == allowed_traces.end())
        allowed_traces.push_back(std::move(projected));
    }
    write("repro.js", fuzz::repro_program(minimal, allowed_traces, dir.path() + "/minimal.acx",
                                          {"model " + profile.name, last.projection}));
    std::lock_guard lock(found_mutex);
    found.push_back({index, last.kind == Judgement::Kind::Fail ? "divergence" : "unstable after shrinking",
                     dir.path(), last.report.empty() ? first.report : last.report});
    if (!o.regressions.empty()) fuzz::append_regression(o.regressions, minimal);
    return Recorded::New;
  };

  const auto worker = [&] {
    // One batch driver per worker (spec/harness.md `trace.batch`), unless --no-batch.
    std::unique_ptr<backends::Backend> local = o.batch ? backends::batched(backend) : nullptr;
    backends::Backend& runner = local ? *local : backend;
    const auto one = [&](std::size_t index) {
      Judgement j;
      std::optional<rc::Shrinkable<scenario::Scenario>> shrinkable;
      scenario::Scenario s;
      bool judged = false;
      for (int attempt = 0; attempt < kInvalidRetries && !judged; ++attempt) {
        shrinkable = generate(o, index, attempt);
        if (!shrinkable) continue;
        {
          std::lock_guard lock(fuzz::generation_mutex());
          s = shrinkable->value();
        }
        s = normalized(s);
        j = judge::judge_random(s, runner, profile, fmt::format("program {}", index));
        judged = j.kind != Judgement::Kind::Invalid;
      }
      if (!judged) {
        ++skipped;
      } else if (j.kind == Judgement::Kind::Pass) {
        ++passed;
      } else if (j.kind == Judgement::Kind::Unsupported) {
        ++unsupported;
      } else if (j.kind == Judgement::Kind::Undecided) {
        // Neither a pass nor a failure: the search gave up. Kept for study.
        ++undecided;
        const OutputFolder dir(o.output_dir, fmt::format("undecided-{}-{}", o.seed, index));
        dir.write("program.acx", scenario::print(s));
        dir.write("undecided.txt", j.report + "\n");
        std::lock_guard lock(found_mutex);
        found.push_back({index, "undecided", dir.path(), j.report});
      } else if (j.kind == Judgement::Kind::Stalled) {
        // Neither a pass nor a failure either: allowed only if the runtime stalled beyond the bound
        // (the judge's Stalled), the machine too busy for the program to be judged. Kept for study.
        ++stalled;
        const OutputFolder dir(o.output_dir, fmt::format("stalled-{}-{}", o.seed, index));
        dir.write("program.acx", scenario::print(s));
        dir.write("stalled.txt", j.report + "\n");
        if (j.observed) dir.write("observed.jsonl", trace::write_jsonl(*j.observed));
        std::lock_guard lock(found_mutex);
        found.push_back({index, "stalled", dir.path(), j.report});
      } else if ((j.kind == Judgement::Kind::Fail || j.kind == Judgement::Kind::BackendFailure) &&
                 match_known(s, j)) {
        // A known divergence (an expected failure's signature): counted, not confirmed or shrunk.
      } else if (j.kind == Judgement::Kind::BackendFailure) {
        ++failed;
        // Kept for study: a runtime that crashed or hung on a program the model finishes.
        const OutputFolder dir(o.output_dir, fmt::format("failure-{}-{}", o.seed, index));
        dir.write("program.acx", scenario::print(s));
        dir.write("failure.txt", j.report + "\n");
        std::lock_guard lock(found_mutex);
        found.push_back({index, "backend failure", dir.path(), j.report});
      } else {
        switch (record(runner, index, *shrinkable, s, j)) {
          case Recorded::New:
            ++failed;
            break;
          case Recorded::Passed:
            ++passed;
            break;
          case Recorded::Known:
            break;
        }
      }
    };
    for (std::size_t index; (index = next++) < o.count;) {
      try {
        one(index);
      } catch (const std::exception& e) {
        // A bug of acx itself (the generator, the printer): reported with the program's number,
        // and the run goes on.
        ++failed;
        std::lock_guard lock(found_mutex);
        found.push_back({index, "internal error", "", e.what()});
      }
      progress.step();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < std::max(1u, o.jobs); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.index < b.index; });
  for (const auto& f : found) {
    fmt::print("{} in program {}{}\n", f.kind, f.index,
               f.folder.empty() ? "" : fmt::format(" -> {}/", f.folder));
    std::string report = f.summary;
    while (!report.empty() && report.back() == '\n') report.pop_back();
    fmt::print("    {}\n", indented(report, "    "));
  }
  if (skipped > 0)
    fmt::print("skipped: {} program(s) the model refuses ({} tries each)\n", skipped.load(), kInvalidRetries);
  if (unsupported > 0)
    fmt::print("unsupported: {} program(s) need capabilities the profile lacks\n", unsupported.load());
  std::size_t known_total = 0;
  for (const auto& [id, n] : known_counts) known_total += n;
  if (known_total > 0)
    fmt::print("known: {} program(s) diverged as expected failures do: {}\n", known_total,
               by_expectation(known_counts));
  fmt::print("throughput: {:.1f} programs/s\n", static_cast<double>(o.count) / seconds);
  // "N passed, M failed" as before; undecided, stalled and known programs are neither, and named only
  // when there are some. Failed programs are the new divergences.
  fmt::print("{} passed, {} failed{}{}{}\n", passed.load(), failed.load(),
             undecided > 0 ? fmt::format(", {} undecided", undecided.load()) : "",
             stalled > 0 ? fmt::format(", {} stalled", stalled.load()) : "",
             known_total > 0 ? fmt::format(", {} known", known_total) : "");
  if (failed > 0 || regression_failures > 0) return kExitDivergence;
  if (undecided > 0 || regressions_undecided > 0) return kExitUndecided;
  if (stalled > 0 || regressions_stalled > 0) return kExitStalled;
  return kExitOk;
}
}  // namespace

Command add_fuzz(CLI::App& app) {
  auto o = std::make_shared<FuzzOptions>();
  o->jobs = default_jobs();
  o->regressions = ACX_SOURCE_DIR "/conformance/fuzz-regressions.acx";
  auto* fuzz =
      app.add_subcommand("fuzz", "Random programs on a backend against the model; shrink divergences");
  fuzz->add_option("--backend", o->backends, "The backend")->required()->expected(1);
  fuzz->add_option("--profile", o->profile, "Profile (default: the backend's own)");
  fuzz->add_option("--regressions", o->regressions,
                   "Minimal divergences found before: replayed first, appended to (\"\" for none)")
      ->capture_default_str();
  o->expectations = ACX_SOURCE_DIR "/conformance/expectations";
  auto* expectations =
      fuzz->add_option("--expectations", o->expectations,
                       "Known divergences (on by default): the backend's expected failures in this folder "
                       "(their cases in the folder cases/ beside it) run once first, and a divergence whose "
                       "first difference has the signature of one is counted as known, not failed (nor "
                       "shrunk or written out)")
          ->capture_default_str();
  fuzz->add_flag_callback(
          "--no-expectations", [o] { o->expectations.clear(); },
          "Count every divergence as new (failed), as without expectations")
      ->excludes(expectations);
  add_random_program_flags(*fuzz, *o);
  return {fuzz, [o] { return cmd_fuzz(*o); }};
}

}  // namespace acx::cli
