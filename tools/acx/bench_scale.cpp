#include "bench_scale.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "acx/judge/judge.h"
#include "acx/model/comparability.h"
#include "acx/model/search.h"
#include "acx/scenario/parser.h"
#include "acx/trace/canonical.h"

namespace acx::cli {

namespace {

/// One chain of the `chain` workload (the hand-written /tmp/chain/chain-12.acx of the timed work).
std::string chain(int i) {
  return fmt::format(
      "als.run(\"r{0}\") {{\n"
      "  setTimeout(1) {{\n"
      "    observe(\"timer{0}\")\n"
      "    nextTick {{\n"
      "      observe(\"tick{0}\")\n"
      "      let p{0} = Promise.resolve({0})\n"
      "      let q{0} = p{0}.then {{\n"
      "        observe(\"then{0}\")\n"
      "      }}\n"
      "      let r{0} = q{0}.then {{\n"
      "        observe(\"then2-{0}\")\n"
      "        setImmediate {{\n"
      "          observe(\"immediate{0}\")\n"
      "        }}\n"
      "      }}\n"
      "      let f{0} = r{0}.finally {{\n"
      "        observe(\"finally{0}\")\n"
      "        queueMicrotask {{\n"
      "          observe(\"micro{0}\")\n"
      "        }}\n"
      "      }}\n"
      "    }}\n"
      "  }}\n"
      "}}\n",
      i);
}

/// One request of the `timers` workload. Durations vary with i so that neighbouring chains use
/// different timer lists: the request arrives after 0, 1, 2, 5 or 10 ms; it polls every 1, 2 or 5
/// ms and stops after exactly k = 2 or 3 polls, counted by listeners that each poll adds to an
/// emitter (the language has no counters); a nested timeout does the work meanwhile (how many polls
/// run before it is up to the clock: the model allows each order some timing allows,
/// spec/time.md), and the response goes through a tick, a promise, an immediate and a last
/// setTimeout(0).
std::string timer_request(int i) {
  constexpr int kArrivals[] = {0, 1, 2, 5, 10};
  constexpr int kPeriods[] = {1, 2, 5};
  const int arrival = kArrivals[i % 5];
  const int period = kPeriods[i % 3];
  const bool three_polls = i % 2 == 1;
  const int work = period * (three_polls ? 3 : 2);
  // Poll n emits "first" to the listeners the polls before it added; with three polls, the
  // listener of poll 1 adds one for "second", which poll 3 emits first thing.
  const std::string stop = fmt::format(
      "clearInterval(iv{0})\n"
      "{1}observe(\"stop{0}\")\n",
      i, three_polls ? "          " : "        ");
  const std::string counting = three_polls ? fmt::format(
                                                 "      e{0}.emit(\"second\")\n"
                                                 "      e{0}.emit(\"first\")\n"
                                                 "      e{0}.on(\"first\") {{\n"
                                                 "        e{0}.on(\"second\") {{\n"
                                                 "          {1}"
                                                 "        }}\n"
                                                 "      }}\n",
                                                 i, stop)
                                           : fmt::format(
                                                 "      e{0}.emit(\"first\")\n"
                                                 "      e{0}.on(\"first\") {{\n"
                                                 "        {1}"
                                                 "      }}\n",
                                                 i, stop);
  return fmt::format(
      "als.run(\"s{0}\") {{\n"
      "  setTimeout({1}) {{\n"
      "    observe(\"request{0}\")\n"
      "    let e{0} = new EventEmitter\n"
      "    let iv{0} = setInterval({2}) {{\n"
      "      observe(\"poll{0}\")\n"
      "{4}"
      "    }}\n"
      "    setTimeout({3}) {{\n"
      "      observe(\"work{0}\")\n"
      "      nextTick {{\n"
      "        observe(\"tick{0}\")\n"
      "      }}\n"
      "      let w{0} = Promise.resolve({0})\n"
      "      let x{0} = w{0}.then {{\n"
      "        observe(\"respond{0}\")\n"
      "        setImmediate {{\n"
      "          observe(\"flush{0}\")\n"
      "          setTimeout(0) {{\n"
      "            observe(\"close{0}\")\n"
      "          }}\n"
      "        }}\n"
      "      }}\n"
      "    }}\n"
      "  }}\n"
      "}}\n",
      i, arrival, period, work, counting);
}

/// The CPU time this thread has used, in seconds. Not wall time: on a shared machine a process
/// waits for a core for as long again as it runs, and a longer measurement is interrupted more
/// often, which would bend the ratios between sizes.
double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

const char* workload_name(ScaleWorkload w) {
  return w == ScaleWorkload::Chain ? "chain" : "timers";
}

std::optional<ScaleWorkload> workload_from_name(const std::string& name) {
  if (name == "chain") return ScaleWorkload::Chain;
  if (name == "timers") return ScaleWorkload::Timers;
  return std::nullopt;
}

std::string scale_scenario(ScaleWorkload w, int n) {
  std::string s = fmt::format("@id bench/{}-{}\n", workload_name(w), n);
  s += w == ScaleWorkload::Chain
           ? fmt::format(
                 "@title {} independent chains: timeout, tick, then, then with an immediate, finally "
                 "with a microtask\n",
                 n)
           : fmt::format(
                 "@title {} requests: timeouts of 0 to 10 ms, an interval cleared after 2 or 3 polls, "
                 "a nested timeout, a tick, a promise, an immediate, a last timeout\n",
                 n);
  s += "let als = new AsyncLocalStorage\n";
  for (int i = 0; i < n; ++i) s += w == ScaleWorkload::Chain ? chain(i) : timer_request(i);
  return s;
}

ScaleCase::ScaleCase(ScaleWorkload w, int n, const model::Profile& profile, const ScaleSettings& settings)
    : workload_(w), n_(n), profile_(&profile), settings_(settings) {
  auto parsed = scenario::parse(scale_scenario(w, n), fmt::format("{}-{}.acx", workload_name(w), n));
  if (!parsed.ok()) throw std::runtime_error(parsed.error().to_string());
  scenario_ = parsed.scenario();
  projection_ = model::comparability(scenario_, profile).projection;
}

void ScaleCase::observe(backends::Backend* backend) {
  const std::string source = fmt::format("bench/{}-{}", workload_name(workload_), n_);
  if (backend) {
    // Judged as acx check judges it, so that the verdict is the one `acx check` gives the file.
    const judge::Judgement j = judge::judge(scenario_, *backend, *profile_, source, settings_.run,
                                            std::nullopt, settings_.search_budget);
    match.verdict = judge::verdict_name(j.kind);
    match.report = j.report;
    projection_ = j.projection;
    if (j.observed) observed_ = trace::project(j.observed->events, projection_);
    match.events = observed_.size();
    return;
  }
  const model::Prediction p = model::predict(scenario_, *profile_, settings_.run);
  if (p.status != model::RunStatus::Completed) {
    match.verdict = "invalid";
    match.report = fmt::format("{}: {}", source, model::describe(p.status));
    return;
  }
  trace::Trace t;
  t.meta = {"model", profile_->name, model::kModelRootId};
  t.events = p.events;
  observed_ = trace::project(trace::canonicalize(t).events, projection_);
  match.verdict = "pass";
  match.events = observed_.size();
}

void ScaleCase::time_prediction() {
  model::SearchLimits limits;
  limits.max_runs = settings_.prediction_budget;
  limits.projection = projection_;
  const double start = thread_seconds();
  const model::Enumeration e =
      model::enumerate(scenario_, *profile_, settings_.run, limits, [](const std::vector<trace::Event>&) {});
  prediction.seconds.push_back(thread_seconds() - start);
  prediction.traces = e.count;
  prediction.complete = e.complete;
  prediction.segments = e.segments;
  prediction.worst = e.worst;
}

void ScaleCase::time_match() {
  if (match.verdict != "pass") return;
  model::SearchLimits limits;
  limits.max_runs = settings_.search_budget;
  limits.projection = projection_;
  const double start = thread_seconds();
  const model::MatchResult m = model::match(scenario_, *profile_, observed_, settings_.run, limits);
  const double seconds = thread_seconds() - start;
  if (m.outcome != model::MatchOutcome::Match) {
    // The judge matched this trace a moment ago; a search that now disagrees is a bug of the model
    // (a nondeterministic search), never a slow repetition.
    match.verdict = "no match";
    match.report = "the search did not match the trace it matched before";
    match.seconds.clear();
    return;
  }
  match.segments = m.runs;
  match.seconds.push_back(seconds);
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace acx::cli
