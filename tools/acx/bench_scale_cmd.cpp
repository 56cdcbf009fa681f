// acx bench-scale: the cost of prediction and of matching against N, on generated workloads
// (bench_scale.h), as a Markdown table or JSON. Every N is measured in the same run, with the
// repetitions interleaved (one of each N, then again), so that the load of the shared machine
// weighs on all of them alike and their ratios mean something; times are the CPU time of the
// measuring thread (bench_scale.cpp), medians and fastest are printed.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "bench_scale.h"
#include "commands.h"
#include "common.h"
#include "exit_codes.h"
#include "open_backend.h"

namespace acx::cli {

namespace {

struct ScaleOptions {
  std::vector<std::string> workloads{"chain", "timers"};
  std::vector<int> sizes{1, 10, 100, 1000};
  std::string backend, profile;
  int repetitions = 5;
  ScaleSettings settings;
  bool json = false;
  bool match_only = false;
  int emit = 0;
  std::string write_dir;
};

/// "12.3 µs", "4.56 ms", "1.23 s".
std::string format_time(double seconds) {
  if (seconds < 1e-3) return fmt::format("{:.1f} µs", seconds * 1e6);
  if (seconds < 1) return fmt::format("{:.2f} ms", seconds * 1e3);
  return fmt::format("{:.2f} s", seconds);
}

double fastest(const std::vector<double>& values) {
  return values.empty() ? 0 : *std::min_element(values.begin(), values.end());
}

std::string ratio(double value, double base) {
  return base > 0 && value > 0 ? fmt::format("{:.1f}x", value / base) : "–";
}

std::string trace_count(const PredictionCost& p) {
  return p.complete ? fmt::format("{}", p.traces) : fmt::format("at least {}", p.traces);
}

/// The machine's load averages when the run began ("1.20 1.05 0.98"), where Linux tells them, else
/// empty: on a shared machine they say how far to trust the times.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "";
  return fmt::format("{} {} {}", one, five, fifteen);
}

/// The prediction columns: allowed traces, segments, time, time per segment.
std::string prediction_cells(const PredictionCost& p, bool measured) {
  if (!measured) return "– | – | – | –";
  const double m = median(p.seconds);
  return fmt::format("{} | {} | {} ({}) | {}", trace_count(p), p.segments, format_time(m),
                     format_time(fastest(p.seconds)),
                     p.segments ? format_time(m / static_cast<double>(p.segments)) : "–");
}

void print_table(const std::vector<ScaleCase>& cases, const std::string& source,
                 const model::Profile& profile, const ScaleOptions& o, const std::string& load) {
  fmt::print(
      "acx bench-scale: profile {}; observed traces: {}; {} repetitions, interleaved over N; CPU "
      "time of one thread, median (fastest){}\n",
      profile.name, source, o.repetitions,
      load.empty() ? "" : fmt::format("; load average {} at the start", load));
  fmt::print("{}matching: the search for the observed trace (acx check), budget {} segments\n\n",
             o.match_only ? ""
                          : fmt::format("prediction: every allowed trace counted (acx predict --count), "
                                        "budget {} segments; ",
                                        o.settings.prediction_budget),
             o.settings.search_budget);
  fmt::print(
      "| workload | N | events | verdict | match segments | match time | vs N={} | vs previous N | allowed "
      "traces | predict segments | predict time | per segment |\n",
      cases.empty() ? 0 : cases.front().n());
  fmt::print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  const ScaleCase* first = nullptr;
  const ScaleCase* previous = nullptr;
  for (const auto& c : cases) {
    if (!first || first->workload() != c.workload()) first = previous = nullptr;
    const double match_median = median(c.match.seconds);
    const bool matched = !c.match.seconds.empty();
    fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", workload_name(c.workload()), c.n(),
               c.match.events, c.match.verdict, matched ? fmt::format("{}", c.match.segments) : "–",
               matched
                   ? fmt::format("{} ({})", format_time(match_median), format_time(fastest(c.match.seconds)))
                   : "–",
               first ? ratio(match_median, median(first->match.seconds)) : "1.0x",
               previous ? ratio(match_median, median(previous->match.seconds)) : "–",
               prediction_cells(c.prediction, !o.match_only));
    if (!first) first = &c;
    previous = &c;
  }
  for (const auto& c : cases)
    if (!c.match.report.empty())
      fmt::print("\n{} N={}: {}\n", workload_name(c.workload()), c.n(), indented(c.match.report, "  "));
}

void print_json(const std::vector<ScaleCase>& cases, const std::string& source, const model::Profile& profile,
                const ScaleOptions& o, const std::string& load) {
  nlohmann::json j;
  if (!load.empty()) j["load_average"] = load;
  j["profile"] = profile.name;
  j["observed"] = source;
  j["repetitions"] = o.repetitions;
  if (!o.match_only) j["prediction_budget"] = o.settings.prediction_budget;
  j["search_budget"] = o.settings.search_budget;
  j["rows"] = nlohmann::json::array();
  for (const auto& c : cases) {
    nlohmann::json row;
    row["workload"] = workload_name(c.workload());
    row["n"] = c.n();
    row["events"] = c.match.events;
    row["verdict"] = c.match.verdict;
    if (!c.match.report.empty()) row["report"] = c.match.report;
    row["match"] = {{"segments", c.match.segments},
                    {"seconds", c.match.seconds},
                    {"median", median(c.match.seconds)},
                    {"fastest", fastest(c.match.seconds)}};
    if (!o.match_only)
      row["prediction"] = {
          {"traces", c.prediction.traces},          {"complete", c.prediction.complete},
          {"segments", c.prediction.segments},      {"seconds", c.prediction.seconds},
          {"median", median(c.prediction.seconds)}, {"fastest", fastest(c.prediction.seconds)}};
    j["rows"].push_back(std::move(row));
  }
  fmt::print("{}\n", j.dump(2));
}

/// The exit code of the verdicts: the worst one wins (exit_codes.h). A stalled observation (the
/// machine too busy for it to be judged, as in acx check) is worth the least.
int exit_code(const std::vector<ScaleCase>& cases) {
  int code = kExitOk;
  const auto nothing_worse = [&code] { return code == kExitOk || code == kExitStalled; };
  for (const auto& c : cases) {
    const std::string& v = c.match.verdict;
    if (v == "fail" || v == "no match") return kExitDivergence;
    if (v == "backend failure")
      code = kExitBackendFailure;
    else if (v == "undecided" && nothing_worse())
      code = kExitUndecided;
    else if (v == "stalled" && code == kExitOk)
      code = kExitStalled;
    else if (v != "pass" && v != "stalled" && nothing_worse())
      code = kExitBadInput;
    if (c.prediction.worst != model::RunStatus::Completed && nothing_worse()) code = kExitBadInput;
  }
  return code;
}

int write_scenarios(const std::vector<ScaleWorkload>& workloads, const ScaleOptions& o) {
  std::error_code ec;
  std::filesystem::create_directories(o.write_dir, ec);
  for (ScaleWorkload w : workloads) {
    for (int n : o.sizes) {
      const auto path = std::filesystem::path(o.write_dir) / fmt::format("{}-{}.acx", workload_name(w), n);
      std::ofstream out(path);
      out << scale_scenario(w, n);
      if (!out) {
        fmt::print(stderr, "acx: cannot write {}\n", path.string());
        return kExitBadInput;
      }
    }
  }
  return kExitOk;
}

int cmd_bench_scale(const ScaleOptions& o) {
  std::vector<ScaleWorkload> workloads;
  for (const auto& name : o.workloads) {
    auto w = workload_from_name(name);
    if (!w) {
      fmt::print(stderr, "acx bench-scale: unknown workload '{}' (chain, timers)\n", name);
      return kExitBadInput;
    }
    workloads.push_back(*w);
  }
  if (o.emit > 0) {
    fmt::print("{}", scale_scenario(workloads.front(), o.emit));
    return kExitOk;
  }
  if (!o.write_dir.empty()) return write_scenarios(workloads, o);

  std::unique_ptr<backends::Backend> backend;
  std::optional<model::Profile> profile;
  std::string source = "the model's own first trace";
  if (!o.backend.empty()) {
    OpenOptions open;
    open.profile = o.profile;
    auto opened = open_backend(o.backend, open);
    if (auto* failure = std::get_if<OpenFailure>(&opened)) {
      report(*failure);
      return failure->exit_code;
    }
    auto& ready = std::get<OpenedBackend>(opened);
    source = fmt::format("one run of each program on {}, judged as acx check does", ready.runtime());
    backend = std::move(ready.backend);
    profile = std::move(ready.profile);
  } else {
    profile = model_profile_or_report(o.profile);
    if (!profile) return kExitBadInput;
  }

  const std::string load = load_average();
  std::vector<ScaleCase> cases;
  for (ScaleWorkload w : workloads) {
    std::vector<ScaleCase> of_workload;
    for (int n : o.sizes) of_workload.emplace_back(w, n, *profile, o.settings);
    for (auto& c : of_workload) c.observe(backend.get());
    for (int r = 0; r < o.repetitions; ++r)
      for (auto& c : of_workload) c.time_match();
    for (int r = 0; r < o.repetitions && !o.match_only; ++r)
      for (auto& c : of_workload) c.time_prediction();
    for (auto& c : of_workload) cases.push_back(std::move(c));
  }
  if (o.json)
    print_json(cases, source, *profile, o, load);
  else
    print_table(cases, source, *profile, o, load);
  return exit_code(cases);
}

}  // namespace

Command add_bench_scale(CLI::App& app) {
  auto o = std::make_shared<ScaleOptions>();
  auto* cmd = app.add_subcommand(
      "bench-scale", "Prediction and matching cost against N, on generated workloads of N chains (a table)");
  cmd->add_option("--workload", o->workloads, "chain, timers (repeatable; default both)")->delimiter(',');
  cmd->add_option("--n", o->sizes, "The sizes N, comma-separated")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--backend", o->backend,
                  "Match a trace this backend observes (one run of each program); default: the model's own");
  cmd->add_option("--profile", o->profile, "Profile (default: the backend's, else node-20)");
  cmd->add_option("--repetitions", o->repetitions, "Timed repetitions of each measurement")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--budget", o->settings.prediction_budget,
                  "Segments of exploration before counting gives up")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  add_search_budget_option(*cmd, o->settings.search_budget);
  cmd->add_flag("--json", o->json, "JSON instead of the Markdown table");
  cmd->add_flag("--match-only", o->match_only, "Measure matching only (no prediction)");
  cmd->add_option("--emit", o->emit, "Print the scenario of the (first) workload with N chains, and stop")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--write", o->write_dir, "Write every workload's scenario for every N to DIR, and stop");
  return {cmd, [o] { return cmd_bench_scale(*o); }};
}

}  // namespace acx::cli
