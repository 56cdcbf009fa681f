#include "fuzz_cmd.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "acx/backends/backend.h"
#include "acx/fuzz/program_gen.h"
#include "acx/fuzz/regressions.h"
#include "acx/fuzz/repro.h"
#include "acx/fuzz/shrink.h"
#include "acx/judge/judge.h"
#include "acx/model/comparability.h"
#include "acx/model/search.h"
#include "acx/scenario/ops.h"
#include "acx/scenario/parser.h"
#include "acx/scenario/printer.h"
#include "acx/trace/canonical.h"
#include "acx/trace/compare.h"
#include "acx/trace/jsonl.h"
#include "check.h"
#include "common.h"
#include "exit_codes.h"

namespace acx::cli {

using judge::Judgement;

namespace {

constexpr int kInvalidRetries = 10;

/// The generated program for (seed, index), as the printer writes it and the parser reads it back,
/// so that the minimal .acx written later is exactly what ran. `attempt` picks another program
/// when the model refuses one.
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

std::unique_ptr<backends::Backend> make(const std::string& spec, double timeout) {
  backends::BackendOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long>(timeout * 1000));
  options.models_dir = models_dir();
  auto made = backends::make_backend(spec, options);
  if (auto* error = std::get_if<std::string>(&made)) {
    fmt::print(stderr, "acx: {}\n", *error);
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<backends::Backend>>(made));
}

/// The distinct statement kinds of a program ("then, enterWith, ..."): how divergences are grouped.
std::string constructs(const scenario::Scenario& s) {
  std::set<std::string> names;
  std::function<void(const scenario::Block&)> visit = [&](const scenario::Block& b) {
    for (const auto& st : b) {
      names.insert(std::string(scenario::spec_of(st.op).spelling));
      for (const auto& inner : st.blocks) visit(inner);
    }
  };
  visit(s.body);
  return fmt::format("{}", fmt::join(names, ", "));
}

struct Found {
  std::size_t index;
  std::string kind;  ///< "divergence" or "unstable" or "backend failure"
  std::string folder;
  std::string summary;
};

class Progress {
 public:
  explicit Progress(std::size_t total) : total_(total) {}
  void step() {
    std::lock_guard lock(mutex_);
    if (++done_ % 500 == 0 || done_ == total_) fmt::print(stderr, "\racx: {}/{} programs", done_, total_);
    if (done_ == total_) fmt::print(stderr, "\n");
  }

 private:
  std::mutex mutex_;
  std::size_t done_ = 0, total_;
};

}  // namespace

int cmd_fuzz(const FuzzOptions& o) {
  auto backend = make(o.backends.front(), o.timeout_seconds);
  if (!backend) return kExitBadInput;
  auto version = backend->version();
  if (auto* failure = std::get_if<backends::BackendFailure>(&version)) {
    fmt::print(stderr, "acx: backend {}: {}\n", backend->name(), failure->message);
    return kExitBackendFailure;
  }
  std::optional<model::Profile> profile;
  if (!o.profile.empty()) {
    profile = load_profile_or_report(o.profile);
  } else if (auto name = backend->default_profile()) {
    profile = load_profile_or_report(*name);
  } else {
    fmt::print(stderr, "acx: cannot tell which profile fits backend '{}'; pass --profile\n", backend->name());
  }
  if (!profile) return kExitBadInput;
  *profile = with_backend_capabilities(std::move(*profile), *backend);
  const bool batch = o.batch && backend->batch() != nullptr;
  fmt::print(
      "acx fuzz: seed {}, {} programs, backend {} ({}), profile {}, jobs {}, depth {}, mix interleavings, "
      "{}\n",
      o.seed, o.count, backend->name(), std::get<std::string>(version), profile->name, o.jobs, o.depth,
      batch ? "batch driver" : "one process per program");
  std::fflush(stdout);

  // Regressions first: every minimal divergence found before must still be judged.
  std::size_t regression_failures = 0;
  if (!o.regressions.empty()) {
    const fuzz::Regressions read = fuzz::read_regressions(o.regressions);
    // A malformed entry counts as a failed regression; the others are still replayed.
    for (const auto& error : read.errors) fmt::print("regression not read: {}\n", error);
    regression_failures += read.errors.size();
    const auto& regressions = read.entries;
    for (const auto& r : regressions) {
      const Judgement j = judge::judge(r.scenario, *backend, *profile, r.where);
      const bool ok = j.kind == Judgement::Kind::Pass || j.kind == Judgement::Kind::Unsupported;
      if (!ok) {
        ++regression_failures;
        fmt::print("regression {} ({}) fails:\n{}\n", r.scenario.header.id, r.where, j.report);
      }
    }
    fmt::print("regressions: {} replayed from {}, {} failed\n", regressions.size() + read.errors.size(),
               o.regressions, regression_failures);
  }

  std::atomic<std::size_t> next{0}, passed{0}, failed{0}, unsupported{0}, skipped{0};
  std::mutex found_mutex;
  std::vector<Found> found;
  Progress progress(o.count);
  const auto start = std::chrono::steady_clock::now();

  std::atomic<std::size_t> fuzz_shrinks{0};
  // Returns whether the program counts as failed.
  const auto record = [&](backends::Backend& runner, std::size_t index,
                          const rc::Shrinkable<scenario::Scenario>& shrinkable, const scenario::Scenario& s,
                          const Judgement& first) -> bool {
    const auto still_fails = [&](const scenario::Scenario& candidate) {
      return judge::judge_random(normalized(candidate), runner, *profile, "shrink").kind ==
             Judgement::Kind::Fail;
    };
    // Confirm, in a process of its own (the ground truth: no batch driver around it): a program
    // that passes there diverged only in the batch (an isolation gap of the driver, reported and
    // kept for study, the program counted by its own process's trace); one that passes on one of
    // two more runs is unstable; one that fails on all is shrunk.
    if (&runner != backend.get()) {
      const Judgement alone = judge::judge_random(s, *backend, *profile, "alone");
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
        return false;
      }
    }
    for (int again = 0; again < 2; ++again) {
      const Judgement j = judge::judge_random(s, *backend, *profile, "confirm");
      if (j.kind != Judgement::Kind::Fail) {
        std::lock_guard lock(found_mutex);
        found.push_back({index, "unstable", "", first.report});
        return true;
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
      return true;
    }
    const fuzz::ShrinkResult shrunk = fuzz::shrink(shrinkable, still_fails, o.shrink_tries);
    // Shrunk on the batch driver; the result must still fail in a process of its own, else the
    // shrinking followed a batch artifact and the program itself is the repro.
    scenario::Scenario minimal = normalized(shrunk.minimal);
    Judgement last = judge::judge_random(minimal, *backend, *profile, "minimal");
    if (last.kind != Judgement::Kind::Fail) {
      minimal = s;
      last = judge::judge_random(minimal, *backend, *profile, "minimal");
    }
    const std::string id = fmt::format("{}-{}", o.seed, index);
    minimal.header.id = "fuzz/" + id;
    minimal.header.title = "Found by acx fuzz";
    minimal.header.notes = {
        fmt::format("acx fuzz --seed {} --backend {} (program {}, profile {}); {} shrink steps", o.seed,
                    backend->name(), index, profile->name, shrunk.steps)};
    const OutputFolder dir(o.output_dir, id);
    const auto write = [&](const char* name, const std::string& text) { dir.write(name, text); };
    write("program.acx", scenario::print(s));
    write("minimal.acx", scenario::print(minimal));
    write("divergence.txt", last.report.empty() ? first.report : last.report);
    if (last.observed) write("observed.jsonl", trace::write_jsonl(*last.observed));
    const model::Prediction predicted = model::predict(minimal, *profile);
    write("expected.jsonl", trace::write_jsonl(trace::canonicalize(trace::Trace{
                                {"model", profile->name, model::kModelRootId}, predicted.events})));
    model::SearchLimits limits;
    limits.max_runs = 200;
    const model::Enumeration allowed = model::enumerate(minimal, *profile, {}, limits);
    // The repro compares what the judgement compared: the whole trace, or its stores.
    std::vector<std::vector<trace::Event>> allowed_traces;
    for (const auto& t : allowed.traces) {
      auto projected = trace::project(t, last.projection);
      if (std::find(allowed_traces.begin(), allowed_traces.end(), projected) == allowed_traces.end())
        allowed_traces.push_back(std::move(projected));
    }
    write("repro.js", fuzz::repro_program(minimal, allowed_traces, dir.path() + "/minimal.acx",
                                          {"model " + profile->name, last.projection}));
    std::lock_guard lock(found_mutex);
    found.push_back({index, last.kind == Judgement::Kind::Fail ? "divergence" : "unstable after shrinking",
                     dir.path(), last.report.empty() ? first.report : last.report});
    if (!o.regressions.empty()) fuzz::append_regression(o.regressions, minimal);
    return true;
  };

  const auto worker = [&] {
    // One batch driver per worker (spec/harness.md `trace.batch`), unless --no-batch.
    std::unique_ptr<backends::Backend> local = o.batch ? backends::batched(*backend) : nullptr;
    backends::Backend& runner = local ? *local : *backend;
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
        j = judge::judge_random(s, runner, *profile, fmt::format("program {}", index));
        judged = j.kind != Judgement::Kind::Invalid;
      }
      if (!judged) {
        ++skipped;
      } else if (j.kind == Judgement::Kind::Pass) {
        ++passed;
      } else if (j.kind == Judgement::Kind::Unsupported) {
        ++unsupported;
      } else if (j.kind == Judgement::Kind::BackendFailure) {
        ++failed;
        // Kept for study: a runtime that crashed or hung on a program the model finishes.
        const OutputFolder dir(o.output_dir, fmt::format("failure-{}-{}", o.seed, index));
        dir.write("program.acx", scenario::print(s));
        dir.write("failure.txt", j.report + "\n");
        std::lock_guard lock(found_mutex);
        found.push_back({index, "backend failure", dir.path(), j.report});
      } else if (record(runner, index, *shrinkable, s, j)) {
        ++failed;
      } else {
        ++passed;
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
  fmt::print("throughput: {:.1f} programs/s\n", static_cast<double>(o.count) / seconds);
  fmt::print("{} passed, {} failed\n", passed.load(), failed.load());
  return failed > 0 || regression_failures > 0 ? kExitDivergence : kExitOk;
}

namespace {

/// One backend's view of a program in `acx diff`: its canonical trace, projected.
struct Seen {
  bool ok = false;
  std::vector<trace::Event> events;
  std::string failure;
};

Seen observe_on(backends::Backend& b, const scenario::Scenario& s, trace::Projection projection) {
  Seen out;
  auto result = b.run(s, "diff");
  if (auto* failure = std::get_if<backends::BackendFailure>(&result)) {
    out.failure = failure->message;
    return out;
  }
  out.ok = true;
  out.events = trace::project(trace::canonicalize(std::get<trace::Trace>(result)).events, projection);
  return out;
}

/// True when A and B disagree on the program, also after re-running both: a trace either runtime
/// gives on some run (an order the spec leaves open) does not count as a divergence.
bool differs(backends::Backend& a, backends::Backend& b, const scenario::Scenario& s,
             trace::Projection projection, int runs) {
  std::vector<std::vector<trace::Event>> seen_a, seen_b;
  for (int r = 0; r < runs; ++r) {
    const Seen x = observe_on(a, s, projection), y = observe_on(b, s, projection);
    if (!x.ok || !y.ok) return false;  // a crash is not a difference between semantics
    if (x.events == y.events) return false;
    seen_a.push_back(x.events);
    seen_b.push_back(y.events);
    for (const auto& t : seen_a)
      if (std::find(seen_b.begin(), seen_b.end(), t) != seen_b.end()) return false;
  }
  return true;
}

}  // namespace

int cmd_diff(const FuzzOptions& o) {
  auto a = make(o.backends[0], o.timeout_seconds), b = make(o.backends[1], o.timeout_seconds);
  if (!a || !b) return kExitBadInput;
  std::optional<model::Profile> profiles[2];
  std::string versions[2];
  backends::Backend* sides[2] = {a.get(), b.get()};
  for (int i = 0; i < 2; ++i) {
    auto version = sides[i]->version();
    if (auto* failure = std::get_if<backends::BackendFailure>(&version)) {
      fmt::print(stderr, "acx: backend {}: {}\n", sides[i]->name(), failure->message);
      return kExitBackendFailure;
    }
    versions[i] = std::get<std::string>(version);
    auto name = sides[i]->default_profile();
    if (!name) {
      fmt::print(stderr, "acx: cannot tell which profile (capabilities) fits backend '{}'\n",
                 sides[i]->name());
      return kExitBadInput;
    }
    profiles[i] = load_profile_or_report(*name);
    if (!profiles[i]) return kExitBadInput;
    *profiles[i] = with_backend_capabilities(std::move(*profiles[i]), *sides[i]);
  }
  fmt::print(
      "acx diff: seed {}, {} programs, {} ({}) against {} ({}), jobs {}, depth {}, mix interleavings\n",
      o.seed, o.count, a->name(), versions[0], b->name(), versions[1], o.jobs, o.depth);
  std::fflush(stdout);

  std::atomic<std::size_t> next{0}, same{0}, different{0}, unsupported{0}, skipped{0}, shrinks{0};
  std::map<std::string, std::size_t> unshrunk;  // by kind, past --shrink-max
  std::mutex found_mutex;
  // (what differs: "stores" first, then "ids and events"; constructs of the minimal program) ->
  // divergences
  std::map<std::pair<std::string, std::string>, std::vector<Found>, std::greater<>> groups;
  Progress progress(o.count);
  const auto start = std::chrono::steady_clock::now();
  const auto worker = [&] {
    std::unique_ptr<backends::Backend> local_a = o.batch ? backends::batched(*a) : nullptr;
    std::unique_ptr<backends::Backend> local_b = o.batch ? backends::batched(*b) : nullptr;
    backends::Backend& ra = local_a ? *local_a : *a;
    backends::Backend& rb = local_b ? *local_b : *b;
    for (std::size_t index; (index = next++) < o.count;) {
      progress.step();
      auto shrinkable = generate(o, index, 0);
      if (!shrinkable) {
        ++skipped;
        continue;
      }
      scenario::Scenario s;
      {
        std::lock_guard lock(fuzz::generation_mutex());
        s = shrinkable->value();
      }
      s = normalized(s);
      // Only programs the model can finish (others may hang a runtime) and both runtimes support.
      if (model::predict(s, *profiles[0], judge::random_program_options()).status !=
          model::RunStatus::Completed) {
        ++skipped;
        continue;
      }
      const auto ca = model::comparability(s, *profiles[0]), cb = model::comparability(s, *profiles[1]);
      if (!ca.supported() || !cb.supported()) {
        ++unsupported;
        continue;
      }
      // Stores first: where the two differ in what getStore() returns (the divergences between the
      // hook and frame models of AsyncLocalStorage), whatever else differs too; then the rest (ids,
      // events), where both backends report them. Each is shrunk keeping its own kind.
      const bool full = ca.projection == trace::Projection::Full && cb.projection == trace::Projection::Full;
      trace::Projection projection = trace::Projection::Stores;
      if (!differs(ra, rb, s, projection, 3)) {
        projection = trace::Projection::Full;
        if (!full || !differs(ra, rb, s, projection, 3)) {
          ++same;
          continue;
        }
      }
      ++different;
      const std::string kind = projection == trace::Projection::Stores ? "stores" : "ids and events";
      if (shrinks++ >= o.shrink_max) {
        // Over the budget: kept as found, counted by kind.
        OutputFolder(o.output_dir, fmt::format("diff-unshrunk-{}-{}", o.seed, index))
            .write("program.acx", scenario::print(s));
        std::lock_guard lock(found_mutex);
        ++unshrunk[kind];
        continue;
      }
      const fuzz::ShrinkResult shrunk = fuzz::shrink(
          *shrinkable,
          [&](const scenario::Scenario& c) {
            const scenario::Scenario n = normalized(c);
            return model::predict(n, *profiles[0], judge::random_program_options()).status ==
                       model::RunStatus::Completed &&
                   differs(ra, rb, n, projection, 2);
          },
          o.shrink_tries);
      scenario::Scenario minimal = normalized(shrunk.minimal);
      const std::string id = fmt::format("{}-{}", o.seed, index);
      minimal.header.id = "diff/" + id;
      minimal.header.title = fmt::format("{} and {} disagree", a->name(), b->name());
      minimal.header.notes = {
          fmt::format("acx diff --seed {} --backend {} --backend {} (program {}); {} shrink steps", o.seed,
                      a->name(), b->name(), index, shrunk.steps)};
      const Seen x = observe_on(ra, minimal, projection), y = observe_on(rb, minimal, projection);
      const OutputFolder dir(o.output_dir, "diff-" + id);
      const auto write = [&](const char* name, const std::string& text) { dir.write(name, text); };
      write("minimal.acx", scenario::print(minimal));
      std::string report;
      if (x.ok && y.ok) {
        write("a.jsonl",
              trace::write_jsonl(trace::Trace{{a->name(), versions[0], trace::kRootId}, x.events}));
        write("b.jsonl",
              trace::write_jsonl(trace::Trace{{b->name(), versions[1], trace::kRootId}, y.events}));
        if (auto d = trace::first_divergence(y.events, x.events))
          report = trace::format_divergence(*d, b->name(), a->name());
        // Run under A, the repro shows A's trace against B's.
        write("repro.js",
              fuzz::repro_program(minimal, {y.events}, dir.path() + "/minimal.acx", {b->name(), projection}));
      } else {
        report = "the minimal program no longer runs on both: " + x.failure + y.failure;
      }
      write("divergence.txt", report);
      std::lock_guard lock(found_mutex);
      groups[{kind, constructs(minimal)}].push_back({index, kind, dir.path(), report});
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < std::max(1u, o.jobs); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto& [key, list] : groups) {
    std::sort(list.begin(), list.end(), [](const Found& x, const Found& y) { return x.index < y.index; });
    fmt::print("{} divergence(s) in {}, with constructs: {}\n", list.size(), key.first, key.second);
    const Found& smallest = list.front();
    fmt::print("  minimal repro: {}/minimal.acx (node {}/repro.js)\n", smallest.folder, smallest.folder);
    fmt::print("    {}\n", indented(smallest.summary, "    "));
    for (std::size_t k = 1; k < list.size(); ++k) fmt::print("  also: {}/minimal.acx\n", list[k].folder);
  }
  for (const auto& [kind, n] : unshrunk)
    fmt::print("{} more divergence(s) in {}, not shrunk (--shrink-max {}): {}/diff-unshrunk-*/program.acx\n",
               n, kind, o.shrink_max, o.output_dir);
  if (skipped > 0) fmt::print("skipped: {} program(s) the model cannot finish\n", skipped.load());
  if (unsupported > 0) fmt::print("unsupported: {} program(s) one backend cannot run\n", unsupported.load());
  fmt::print("throughput: {:.1f} programs/s\n", static_cast<double>(o.count) / seconds);
  fmt::print("{} same, {} different\n", same.load(), different.load());
  return different > 0 ? kExitDivergence : kExitOk;
}

namespace {

struct Rate {
  double per_second = 0;
  std::size_t passed = 0, total = 0;
  std::vector<std::string> not_passed;  ///< "program N: kind: report", in the order they ended
};

/// Judges `programs` on `jobs` threads, each with its own runner from `runner_for`.
Rate measure(const std::vector<scenario::Scenario>& programs, unsigned jobs, const model::Profile& profile,
             const std::function<std::unique_ptr<backends::Backend>()>& runner_for) {
  std::atomic<std::size_t> next{0}, passed{0};
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
          std::lock_guard lock(mutex);
          not_passed.push_back(fmt::format("program {}: {}", i, j.report));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {static_cast<double>(programs.size()) / seconds, passed.load(), programs.size(),
          std::move(not_passed)};
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

}  // namespace

int cmd_bench_programs(const FuzzOptions& o, std::size_t per_process_count) {
  auto backend = make(o.backends.front(), o.timeout_seconds);
  if (!backend) return kExitBadInput;
  auto version = backend->version();
  if (auto* failure = std::get_if<backends::BackendFailure>(&version)) {
    fmt::print(stderr, "acx: backend {}: {}\n", backend->name(), failure->message);
    return kExitBackendFailure;
  }
  auto name = backend->default_profile();
  std::optional<model::Profile> profile = name ? load_profile_or_report(*name) : std::nullopt;
  if (!profile) return kExitBadInput;
  // The same programs for every mode: the default mix of acx fuzz, without those the model cannot
  // finish (they would hang a runtime until the time limit).
  auto model_backend = make("model:" + profile->name, o.timeout_seconds);
  std::vector<scenario::Scenario> programs;
  for (std::size_t index = 0; programs.size() < o.count && index < o.count * 4; ++index) {
    auto shrinkable = generate(o, index, 0);
    if (!shrinkable) continue;
    scenario::Scenario s = normalized(shrinkable->value());
    // What acx fuzz would judge: the program runs on the model within the limits, and it does not
    // end the way no harness can print (`uncaught.handler`: exit 7).
    if (judge::judge_random(s, *model_backend, *profile, "selection").kind == Judgement::Kind::Pass)
      programs.push_back(std::move(s));
  }
  const std::vector<scenario::Scenario> few(
      programs.begin(),
      programs.begin() + static_cast<std::ptrdiff_t>(std::min(per_process_count, programs.size())));
  fmt::print("acx bench-programs: {} programs (seed {}, default mix), backend {} ({}), profile {}, jobs {}\n",
             programs.size(), o.seed, backend->name(), std::get<std::string>(version), profile->name, o.jobs);
  std::fflush(stdout);
  const Rate model_only =
      measure(programs, o.jobs, *profile, [&] { return std::make_unique<Borrowed>(*model_backend); });
  fmt::print("model only:               {:8.1f} programs/s ({} of {} pass)\n", model_only.per_second,
             model_only.passed, model_only.total);
  std::fflush(stdout);
  const Rate batch = measure(programs, o.jobs, *profile, [&] { return backends::batched(*backend); });
  fmt::print("batch driver:             {:8.1f} programs/s ({} of {} pass)\n", batch.per_second, batch.passed,
             batch.total);
  print_not_passed(batch);
  std::fflush(stdout);
  const Rate alone = measure(few, o.jobs, *profile, [&] { return std::make_unique<Borrowed>(*backend); });
  fmt::print("one process per program:  {:8.1f} programs/s ({} of {} pass; the first {} programs)\n",
             alone.per_second, alone.passed, alone.total, few.size());
  print_not_passed(alone);
  fmt::print("batch / one process per program: {:.0f}x; model only / batch: {:.1f}x\n",
             batch.per_second / alone.per_second, model_only.per_second / batch.per_second);
  return kExitOk;
}

}  // namespace acx::cli
