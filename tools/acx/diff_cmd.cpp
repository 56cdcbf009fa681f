// acx diff: random programs on two backends against each other, without the model. Where they
// disagree (stores first, then ids and events) the program is shrunk keeping that kind, and the
// divergences are grouped by the constructs of their minimal programs.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "acx/backends/backend.h"
#include "acx/fuzz/program_gen.h"
#include "acx/fuzz/repro.h"
#include "acx/fuzz/shrink.h"
#include "acx/judge/judge.h"
#include "acx/model/comparability.h"
#include "acx/model/search.h"
#include "acx/scenario/ops.h"
#include "acx/scenario/printer.h"
#include "acx/trace/canonical.h"
#include "acx/trace/compare.h"
#include "acx/trace/jsonl.h"
#include "commands.h"
#include "common.h"
#include "exit_codes.h"
#include "open_backend.h"
#include "random_programs.h"

namespace acx::cli {

namespace {

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

int cmd_diff(const FuzzOptions& o) {
  // Each backend's own profile says what it can show (its capabilities); no model is run.
  OpenOptions open;
  open.timeout_seconds = o.timeout_seconds;
  open.profile_option = false;
  OpenedBackend sides[2];
  for (int i = 0; i < 2; ++i) {
    auto opened = open_backend(o.backends[i], open);
    if (auto* failure = std::get_if<OpenFailure>(&opened)) {
      report(*failure);
      return failure->exit_code;
    }
    sides[i] = std::move(std::get<OpenedBackend>(opened));
  }
  const std::unique_ptr<backends::Backend>& a = sides[0].backend;
  const std::unique_ptr<backends::Backend>& b = sides[1].backend;
  const model::Profile* profiles[2] = {&*sides[0].profile, &*sides[1].profile};
  const std::string versions[2] = {sides[0].version, sides[1].version};
  fmt::print("acx diff: seed {}, {} programs, {} against {}, jobs {}, depth {}, mix interleavings\n", o.seed,
             o.count, sides[0].runtime(), sides[1].runtime(), o.jobs, o.depth);
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
}  // namespace

Command add_diff(CLI::App& app) {
  auto o = std::make_shared<FuzzOptions>();
  o->jobs = default_jobs();
  auto* diff = app.add_subcommand("diff", "Random programs on two backends against each other (no model)");
  diff->add_option("--backend", o->backends, "The two backends (give --backend twice)")
      ->required()
      ->expected(2);
  add_random_program_flags(*diff, *o);
  return {diff, [o] {
            if (o->backends.size() != 2) {
              fmt::print(stderr, "acx diff: give exactly two backends (--backend A --backend B)\n");
              return kExitBadInput;
            }
            return cmd_diff(*o);
          }};
}

}  // namespace acx::cli
