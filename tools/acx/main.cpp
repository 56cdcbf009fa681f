// acx: the command-line front end (README "Usage").
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "acx/backends/backend.h"
#include "acx/backends/node_emitter.h"
#include "acx/model/search.h"
#include "acx/scenario/parser.h"
#include "acx/scenario/printer.h"
#include "acx/trace/canonical.h"
#include "acx/trace/compare.h"
#include "acx/trace/jsonl.h"
#include "bench.h"
#include "check.h"
#include "common.h"
#include "conformance.h"
#include "exit_codes.h"
#include "fuzz_cmd.h"
#include "graph.h"
#include "profiles.h"
#include "report.h"
#include "rules.h"
#include "runtimes.h"

namespace acx::cli {
namespace {

std::optional<scenario::Scenario> parse_or_report(const std::string& file) {
  auto parsed = scenario::parse_file(file);
  if (!parsed.ok()) {
    fmt::print(stderr, "{}\n", parsed.error().to_string());
    return std::nullopt;
  }
  return std::move(parsed.scenario());
}

std::unique_ptr<backends::Backend> backend_or_report(const std::string& spec, double timeout_seconds = 30) {
  backends::BackendOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));
  options.models_dir = models_dir();
  auto made = backends::make_backend(spec, options);
  if (auto* error = std::get_if<std::string>(&made)) {
    fmt::print(stderr, "acx: {}\n", *error);
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<backends::Backend>>(made));
}

/// The profile named on the command line, or the backend's own (node-20 for Node 20, ...).
std::optional<model::Profile> resolve_profile(const std::string& requested, backends::Backend* backend) {
  if (!requested.empty()) return load_profile_or_report(requested);
  if (backend) {
    if (auto name = backend->default_profile()) return load_profile_or_report(*name);
    fmt::print(stderr, "acx: cannot tell which profile fits backend '{}'; pass --profile\n", backend->name());
    return std::nullopt;
  }
  return load_profile_or_report("node-20");
}

model::RunOptions run_options(const std::vector<std::string>& mutations, bool& ok) {
  model::RunOptions options;
  ok = true;
  for (const auto& m : mutations) {
    if (!model::mutable_rules().contains(m)) {
      std::string known;
      for (const auto& r : model::mutable_rules()) known += " " + r;
      fmt::print(stderr, "acx: --mutate {}: not a mutable rule (known:{})\n", m, known);
      ok = false;
    }
    options.mutations.insert(m);
  }
  return options;
}

int cmd_predict(const std::string& file, const std::string& profile_name, bool all, bool canonical) {
  auto s = parse_or_report(file);
  if (!s) return kExitBadInput;
  auto profile = resolve_profile(profile_name, nullptr);
  if (!profile) return kExitBadInput;
  if (all) {
    const model::Enumeration e = model::enumerate(*s, *profile);
    for (std::size_t i = 0; i < e.traces.size(); ++i) {
      fmt::print("# allowed trace {} of {}{}\n", i + 1, e.traces.size(),
                 e.complete ? "" : " (enumeration cut short)");
      for (const auto& ev : e.traces[i]) fmt::print("{}\n", trace::to_json_line(ev));
    }
    if (e.worst != model::RunStatus::Completed) {
      fmt::print(stderr, "acx: {}: {}\n", file, model::describe(e.worst));
      return kExitBadInput;
    }
    return kExitOk;
  }
  const model::Prediction p = model::predict(*s, *profile);
  trace::Trace t;
  t.meta = {"model", profile->name, model::kModelRootId};
  t.events = p.events;
  if (canonical) t = trace::canonicalize(t);
  fmt::print("{}", trace::write_jsonl(t));
  if (p.choice_points > 0)
    fmt::print(
        stderr,
        "acx: {} choice point(s) where the spec allows several orders; --all lists every allowed trace\n",
        p.choice_points);
  if (p.status != model::RunStatus::Completed) {
    fmt::print(stderr, "acx: {}: {}\n", file, model::describe(p.status));
    return kExitBadInput;
  }
  return kExitOk;
}

int cmd_emit(const std::string& file, const std::string& output) {
  auto s = parse_or_report(file);
  if (!s) return kExitBadInput;
  const std::string program = backends::emit_node_program(*s, file);
  if (output.empty() || output == "-") {
    fmt::print("{}", program);
    return kExitOk;
  }
  std::ofstream out(output);
  out << program;
  if (!out) {
    fmt::print(stderr, "acx: cannot write {}\n", output);
    return kExitBadInput;
  }
  return kExitOk;
}

/// `emit --batch`: the batch driver, one input stream for the scenarios (spec/harness.md
/// `trace.batch`) and the replayer that feeds it as acx does: `node DIR/replay.cjs`.
int cmd_emit_batch(const std::vector<std::string>& files, const std::string& dir) {
  if (dir.empty() || dir == "-") {
    fmt::print(stderr, "acx emit --batch: give the output folder with -o DIR\n");
    return kExitBadInput;
  }
  std::string input;
  for (const auto& file : files) {
    auto s = parse_or_report(file);
    if (!s) return kExitBadInput;
    const std::string body = backends::emit_node_batch_body(*s);
    input += fmt::format("{}\n{}", body.size(), body);
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::ofstream(std::filesystem::path(dir) / "driver.cjs") << backends::node_batch_driver();
  std::ofstream(std::filesystem::path(dir) / "replay.cjs") << backends::node_batch_replay();
  std::ofstream out(std::filesystem::path(dir) / "input", std::ios::binary);
  out << input;
  if (!out) {
    fmt::print(stderr, "acx: cannot write {}/input\n", dir);
    return kExitBadInput;
  }
  fmt::print(stderr, "acx: {} program(s): node {}/replay.cjs\n", files.size(), dir);
  return kExitOk;
}

/// Runs a scenario on a backend; a failure is printed and nullopt returned.
std::optional<trace::Trace> run_or_report(backends::Backend& backend, const scenario::Scenario& s,
                                          const std::string& file) {
  auto result = backend.run(s, file);
  if (auto* failure = std::get_if<backends::BackendFailure>(&result)) {
    fmt::print(stderr, "acx: {}\n{}\n", failure->message, failure->detail);
    return std::nullopt;
  }
  return std::get<trace::Trace>(std::move(result));
}

int cmd_run(const std::string& file, const std::string& backend_spec, bool canonical) {
  auto s = parse_or_report(file);
  if (!s) return kExitBadInput;
  auto backend = backend_or_report(backend_spec);
  if (!backend) return kExitBadInput;
  auto observed = run_or_report(*backend, *s, file);
  if (!observed) return kExitBackendFailure;
  trace::Trace t = std::move(*observed);
  if (canonical) t = trace::canonicalize(t);
  fmt::print("{}", trace::write_jsonl(t));
  return kExitOk;
}

int cmd_check(const std::vector<std::string>& paths, const std::string& backend_spec,
              const std::string& profile_name, const std::vector<std::string>& mutations, bool quiet,
              double timeout) {
  bool ok = true;
  const model::RunOptions options = run_options(mutations, ok);
  if (!ok) return kExitBadInput;
  auto collected = collect_cases(paths);
  if (auto* error = std::get_if<std::string>(&collected)) {
    fmt::print(stderr, "acx: {}\n", *error);
    return kExitBadInput;
  }
  const auto& files = std::get<std::vector<std::string>>(collected);
  auto backend = backend_or_report(backend_spec, timeout);
  if (!backend) return kExitBadInput;
  auto version = backend->version();
  if (auto* failure = std::get_if<backends::BackendFailure>(&version)) {
    fmt::print(stderr, "acx: backend {}: {}\n", backend->name(), failure->message);
    fmt::print("0 passed, {} failed\n", files.size());
    return kExitBackendFailure;
  }
  auto profile = resolve_profile(profile_name, backend.get());
  if (!profile) return kExitBadInput;
  profile = with_backend_capabilities(std::move(*profile), *backend);
  fmt::print("acx check: {} case(s), backend {} ({}), profile {}{}\n", files.size(), backend->name(),
             std::get<std::string>(version), profile->name,
             mutations.empty() ? "" : fmt::format(", mutated rules: {}", fmt::join(mutations, " ")));
  std::map<CaseOutcome::Kind, std::size_t> counts;
  for (const auto& file : files) {
    const CaseOutcome outcome = check_case(file, *backend, *profile, options);
    ++counts[outcome.kind];
    if (outcome.kind != CaseOutcome::Kind::Pass || !quiet)
      fmt::print(
          "{:<7} {}{}{}\n", outcome_word(outcome.kind), outcome.id,
          outcome.id == outcome.file ? "" : fmt::format("  ({})", outcome.file),
          outcome.projection == trace::Projection::Full || outcome.kind == CaseOutcome::Kind::Unsupported
              ? ""
              : "  [stores only]");
    if (!outcome.report.empty()) {
      std::string report = outcome.report;
      while (!report.empty() && report.back() == '\n') report.pop_back();
      fmt::print("    {}\n", indented(report, "    "));
    }
    std::fflush(stdout);
  }
  const std::size_t passed = counts[CaseOutcome::Kind::Pass];
  const std::size_t bad = counts[CaseOutcome::Kind::BadInput];
  const std::size_t backend_failures = counts[CaseOutcome::Kind::BackendFailure];
  const std::size_t diverged = counts[CaseOutcome::Kind::Fail];
  if (bad + backend_failures > 0)
    fmt::print("{} diverged, {} bad input, {} backend failure(s)\n", diverged, bad, backend_failures);
  const std::size_t unsupported = counts[CaseOutcome::Kind::Unsupported];
  fmt::print("{} passed, {} failed{}\n", passed, files.size() - passed - unsupported,
             unsupported ? fmt::format(", {} unsupported", unsupported) : "");
  if (bad > 0) return kExitBadInput;
  if (backend_failures > 0) return kExitBackendFailure;
  if (diverged > 0) return kExitDivergence;
  return kExitOk;
}

int cmd_conformance(const ConformanceOptions& options, const std::string& report_dir,
                    const std::string& readme, bool quiet) {
  const Matrix m = run_conformance(options);
  bool failed = false, errors = false;
  for (const auto& col : m.backends) {
    for (std::size_t i = 0; i < col.cells.size(); ++i) {
      const auto& r = col.cells[i];
      failed |= r.cell == Cell::Fail || r.cell == Cell::UnexpectedPass;
      errors |= r.cell == Cell::Error;
      const bool attention = r.cell == Cell::Fail || r.cell == Cell::UnexpectedPass || r.cell == Cell::Error;
      if (!attention && (quiet || r.cell == Cell::Pass)) continue;
      fmt::print("{:<15} {:<34} {}\n", cell_name(r.cell), col.spec, m.cases[i].id);
      if (r.cell == Cell::UnexpectedPass)
        fmt::print("    the expectation at {} is stale: {}\n", r.expectation->where, r.expectation->reason);
      else if (attention)
        fmt::print("    {}\n", fmt::join(std::vector{r.outcome.report}, ""));
    }
  }
  fmt::print("{:<36} {:>5} {:>5} {:>11} {:>13} {:>15} {:>5}\n", "backend (runtime, profile)", "pass", "fail",
             "unsupported", "expected-fail", "unexpected-pass", "error");
  for (const auto& col : m.backends) {
    const auto c = column_counts(col);
    fmt::print(
        "{:<36} {:>5} {:>5} {:>11} {:>13} {:>15} {:>5}\n",
        fmt::format("{} ({}, {})", col.spec, col.runtime.empty() ? "unavailable" : col.runtime, col.profile),
        c.at("pass"), c.at("fail"), c.at("unsupported"), c.at("expected-fail"), c.at("unexpected-pass"),
        c.at("error"));
  }
  if (!report_dir.empty()) {
    if (auto error = write_report(m, report_dir)) {
      fmt::print(stderr, "acx: {}\n", *error);
      return kExitBadInput;
    }
    fmt::print("report: {}/index.html, report.json, junit.xml\n", report_dir);
  }
  if (!readme.empty()) {
    if (auto error = write_readme_summary(m, readme)) {
      fmt::print(stderr, "acx: {}\n", *error);
      return kExitBadInput;
    }
    fmt::print("summary table rewritten in {}\n", readme);
  }
  if (m.bad_input) return kExitBadInput;
  if (errors) return kExitBackendFailure;
  if (failed) return kExitDivergence;
  return kExitOk;
}

int cmd_compare(const std::string& expected_file, const std::string& observed_file) {
  trace::Trace traces[2];
  const std::string files[2] = {expected_file, observed_file};
  for (int i = 0; i < 2; ++i) {
    bool ok = false;
    const std::string text = read_file(files[i], ok);
    if (!ok) {
      fmt::print(stderr, "acx: cannot read {}\n", files[i]);
      return kExitBadInput;
    }
    auto parsed = trace::read_jsonl(text, files[i]);
    if (!parsed.ok()) {
      fmt::print(stderr, "{}\n", parsed.error().to_string());
      return kExitBadInput;
    }
    traces[i] = trace::canonicalize(parsed.trace());
  }
  if (auto d = trace::first_divergence(traces[0].events, traces[1].events)) {
    fmt::print("{}", trace::format_divergence(*d, expected_file, observed_file));
    return kExitDivergence;
  }
  fmt::print("traces are equal up to renaming of ids ({} events)\n", traces[0].events.size());
  return kExitOk;
}

int cmd_verify(const std::string& file, const std::string& trace_file, const std::string& profile_name) {
  auto s = parse_or_report(file);
  if (!s) return kExitBadInput;
  auto profile = resolve_profile(profile_name, nullptr);
  if (!profile) return kExitBadInput;
  bool ok = false;
  const std::string text = read_file(trace_file, ok);
  if (!ok) {
    fmt::print(stderr, "acx: cannot read {}\n", trace_file);
    return kExitBadInput;
  }
  auto parsed = trace::read_jsonl(text, trace_file);
  if (!parsed.ok()) {
    fmt::print(stderr, "{}\n", parsed.error().to_string());
    return kExitBadInput;
  }
  const auto observed = trace::canonicalize(parsed.trace());
  const model::MatchResult m = model::match(*s, *profile, observed.events);
  switch (m.outcome) {
    case model::MatchOutcome::Match:
      fmt::print("{}: the trace is one the model allows ({} events, profile {})\n", trace_file,
                 observed.events.size(), profile->name);
      return kExitOk;
    case model::MatchOutcome::BadScenario:
      fmt::print(stderr, "acx: {}: {}\n", file, model::describe(m.status));
      return kExitBadInput;
    default:
      if (m.divergence)
        fmt::print("{}", trace::format_divergence(*m.divergence, "model " + profile->name, trace_file));
      return kExitDivergence;
  }
}

int cmd_graph(const std::string& file, const std::string& backend_spec, const std::string& profile_name,
              const std::string& output) {
  auto s = parse_or_report(file);
  if (!s) return kExitBadInput;
  trace::Trace t;
  if (backend_spec == "model") {
    auto profile = resolve_profile(profile_name, nullptr);
    if (!profile) return kExitBadInput;
    const model::Prediction p = model::predict(*s, *profile);
    t.meta = {"model", profile->name, model::kModelRootId};
    t.events = p.events;
  } else {
    auto backend = backend_or_report(backend_spec);
    if (!backend) return kExitBadInput;
    auto observed = run_or_report(*backend, *s, file);
    if (!observed) return kExitBackendFailure;
    t = std::move(*observed);
  }
  const std::string title = fmt::format("{} on {}", s->header.id.empty() ? file : s->header.id,
                                        backend_spec == "model" ? "the model" : backend_spec);
  const std::string dot = causal_graph_dot(trace::canonicalize(t), title);
  if (output.empty() || output == "-") {
    fmt::print("{}", dot);
    return kExitOk;
  }
  if (output.ends_with(".dot")) {
    std::ofstream(output) << dot;
    return kExitOk;
  }
  if (auto error = render_dot(dot, output)) {
    fmt::print(stderr, "acx: {}\n", *error);
    return kExitBadInput;
  }
  return kExitOk;
}

int cmd_bench(const std::string& profile_name, int units, double seconds, int repetitions) {
  auto profile = resolve_profile(profile_name, nullptr);
  if (!profile) return kExitBadInput;
  const std::string text = generated_benchmark_scenario(units);
  // Several timed repetitions: on a shared machine the fastest shows what the model can do, the
  // median what a run usually gets; both are printed.
  std::vector<double> rates;
  std::size_t per_run = 0;
  for (int i = 0; i < repetitions; ++i) {
    const BenchResult r = bench_model(text, *profile, seconds);
    per_run = r.events / static_cast<std::size_t>(r.runs);
    rates.push_back(static_cast<double>(r.events) / r.seconds / 1e6);
  }
  std::sort(rates.begin(), rates.end());
  fmt::print("acx bench: model, profile {}, generated scenario with {} units ({} events per run)\n",
             profile->name, units, per_run);
  fmt::print("{} repetitions of {:.1f} s on one core: {:.2f} million events/s\n", repetitions, seconds,
             fmt::join(rates, ", "));
  fmt::print("median: {:.2f} million trace events/s\n", rates[rates.size() / 2]);
  fmt::print("throughput: {:.2f} million trace events/s (fastest repetition)\n", rates.back());
  return kExitOk;
}

int cmd_rules(const std::vector<std::string>& case_paths, bool update_spec) {
  const auto rules = read_rules(spec_dir());
  auto collected = collect_cases(case_paths);
  if (auto* error = std::get_if<std::string>(&collected)) {
    fmt::print(stderr, "acx: {}\n", *error);
    return kExitBadInput;
  }
  std::map<std::string, std::vector<std::string>> cited;
  int status = kExitOk;
  for (const auto& file : std::get<std::vector<std::string>>(collected)) {
    auto parsed = scenario::parse_file(file);
    if (!parsed.ok()) {
      fmt::print(stderr, "{}\n", parsed.error().to_string());
      status = kExitBadInput;
      continue;
    }
    for (const auto& r : parsed.scenario().header.rules) cited[r].push_back(parsed.scenario().header.id);
  }
  std::map<std::string, const RuleDefinition*> defined;
  for (const auto& r : rules) {
    if (defined.contains(r.id)) {
      fmt::print(stderr, "acx: rule {} defined twice ({}:{})\n", r.id, r.file, r.line);
      status = kExitBadInput;
    }
    defined[r.id] = &r;
  }
  std::size_t uncovered = 0;
  for (const auto& r : rules) {
    const auto& cases = cited[r.id];
    fmt::print("{:<34} {:<28} {:>3} case(s){}\n", r.id, fmt::format("{}:{}", r.file, r.line), cases.size(),
               cases.empty() ? "  <- no case" : "");
    if (cases.empty()) ++uncovered;
  }
  for (const auto& [id, cases] : cited) {
    if (!defined.contains(id)) {
      fmt::print(stderr, "acx: case {} cites unknown rule {}\n", cases.front(), id);
      status = kExitBadInput;
    }
  }
  const auto stale = sync_spec_lines(spec_dir(), cited, rule_citations(ACX_SOURCE_DIR), update_spec);
  if (!stale.empty() && !update_spec) {
    fmt::print(stderr,
               "acx: {} rule(s) list other cases or code files in spec/ than cite them ({}...); run acx "
               "rules --update-spec\n",
               stale.size(), stale.front());
    status = kExitBadInput;
  } else if (!stale.empty()) {
    fmt::print("updated the Model and Cases lines of {} rule(s) in spec/\n", stale.size());
  }
  fmt::print("{} rules, {} covered, {} without a case\n", rules.size(), rules.size() - uncovered, uncovered);
  if (status == kExitOk && uncovered > 0) status = kExitDivergence;
  return status;
}

}  // namespace
}  // namespace acx::cli

int main(int argc, char** argv) {
  using namespace acx::cli;
  CLI::App app{"acx: reference model and conformance suite for JavaScript async context tracking"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every subcommand");

  std::string file, backend = "node", profile, output;
  std::vector<std::string> paths, mutations;
  bool all = false, canonical = false, quiet = false;

  auto* predict = app.add_subcommand("predict", "Print the trace the model predicts for a scenario");
  predict->add_option("FILE", file, "Scenario file (.acx)")->required();
  predict->add_option("--profile", profile, "Profile name (models/NAME.json) or path; default node-20");
  predict->add_flag("--all", all, "List every trace the spec allows, not just one");
  predict->add_flag("--canonical", canonical, "Rename ids by first appearance");

  auto* emit = app.add_subcommand("emit", "Write the standalone Node program for a scenario");
  std::vector<std::string> emit_files;
  bool emit_batch = false;
  emit->add_option("FILE", emit_files, "Scenario file (.acx); with --batch, several")->required();
  emit->add_option("-o,--output", output, "Output file (default: standard output); with --batch, a folder");
  emit->add_flag("--batch", emit_batch,
                 "Write the batch driver, the scenarios as its input and a replayer: node DIR/replay.cjs");

  auto* run = app.add_subcommand("run", "Run a scenario on a backend and print the observed trace");
  run->add_option("FILE", file, "Scenario file (.acx)")->required();
  run->add_option("--backend", backend,
                  "node, node@MAJOR, node:/path/to/node, each with :FLAGS (comma-separated)")
      ->capture_default_str();
  run->add_flag("--canonical", canonical, "Rename ids by first appearance");

  auto* check = app.add_subcommand("check", "Check the model against a backend for every case");
  check->add_option("PATH", paths, "Case files or folders")->required();
  check
      ->add_option("--backend", backend,
                   "node, node@MAJOR, node:/path/to/node, each with :FLAGS (comma-separated)")
      ->capture_default_str();
  check->add_option("--profile", profile, "Profile (default: the backend's own, e.g. node-20 for Node 20)");
  check->add_option("--mutate", mutations, "Break a model rule on purpose (mutation testing of the suite)");
  check->add_flag("-q,--quiet", quiet, "Print only cases that do not pass");
  double timeout = 30;
  check->add_option("--timeout", timeout, "Seconds a backend may take per case")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  auto* compare = app.add_subcommand("compare", "Compare two trace files up to renaming of ids");
  std::string expected_file, observed_file;
  compare->add_option("EXPECTED", expected_file, "Expected trace (JSON Lines)")->required();
  compare->add_option("OBSERVED", observed_file, "Observed trace (JSON Lines)")->required();

  auto* verify =
      app.add_subcommand("verify", "Check a trace file (e.g. from a program made by emit) against the model");
  std::string trace_file;
  verify->add_option("FILE", file, "Scenario file (.acx)")->required();
  verify->add_option("TRACE", trace_file, "Observed trace (JSON Lines)")->required();
  verify->add_option("--profile", profile, "Profile name or path; default node-20");

  auto* graph = app.add_subcommand("graph", "Draw the causal graph of a scenario's trace (Graphviz)");
  graph->add_option("FILE", file, "Scenario file (.acx)")->required();
  graph->add_option("--backend", backend, "model, or a backend: node, node@MAJOR, node:/path/to/node[:FLAGS]")
      ->capture_default_str();
  graph->add_option("--profile", profile, "Profile for the model (default node-20)");
  graph->add_option("-o,--output", output,
                    "Output: .dot, .svg, .png, .pdf (default: DOT on standard output)");

  auto* bench = app.add_subcommand(
      "bench", "Measure the model's speed (trace events per second) on a generated scenario");
  int units = 200;
  double seconds = 1;
  bench->add_option("--profile", profile, "Profile (default node-20)");
  bench->add_option("--units", units, "Size of the generated scenario")->capture_default_str();
  bench->add_option("--seconds", seconds, "Minimum measuring time per repetition")->capture_default_str();
  int repetitions = 5;
  bench->add_option("--repetitions", repetitions, "Timed repetitions")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  auto* rules = app.add_subcommand("rules", "List spec rules and the cases that cover them");
  std::vector<std::string> rule_case_paths = {ACX_SOURCE_DIR "/conformance/cases"};
  rules->add_option("PATH", rule_case_paths, "Case files or folders")->capture_default_str();
  bool update_spec = false;
  rules->add_flag("--update-spec", update_spec, "Rewrite the Cases lines of spec/ from the cases' @rules");

  auto* conformance = app.add_subcommand(
      "conformance", "Run every case on each backend against its profile; write the matrix report");
  std::vector<std::string> backend_specs;
  std::vector<std::string> conformance_paths = {ACX_SOURCE_DIR "/conformance/cases"};
  std::string report_dir, expectations_dir = ACX_SOURCE_DIR "/conformance/expectations";
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  conformance->add_option("PATH", conformance_paths, "Case files or folders")->capture_default_str();
  conformance->add_option("--backend", backend_specs, "A backend (repeat for several); see acx run --help")
      ->required();
  conformance->add_option("--report", report_dir,
                          "Write report.json, junit.xml and index.html into this folder");
  conformance
      ->add_option("--expectations", expectations_dir, "Folder of known divergences, one file per backend")
      ->capture_default_str();
  conformance->add_option("--timeout", timeout, "Seconds a backend may take per case")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  conformance->add_option("-j,--jobs", jobs, "Cases run at once")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  conformance->add_flag("-q,--quiet", quiet, "Print only the summary and the cells that need attention");
  std::string readme;
  conformance->add_option("--readme", readme, "Rewrite the summary table of this Markdown file (README.md)");

  auto* runtimes =
      app.add_subcommand("runtimes", "Install real runtimes from the npm registry, or list them");
  runtimes->require_subcommand(1);
  auto* runtimes_install =
      runtimes->add_subcommand("install", "Install runtimes into the cache (idempotent)");
  std::vector<std::string> runtime_specs;
  runtimes_install->add_option("SPEC", runtime_specs, "node@MAJOR, bun, deno, workerd (optionally @VERSION)")
      ->required();
  auto* runtimes_list = runtimes->add_subcommand("list", "List installed runtimes");

  FuzzOptions fuzz_options;
  fuzz_options.jobs = jobs;
  fuzz_options.regressions = ACX_SOURCE_DIR "/conformance/fuzz-regressions.acx";
  const auto fuzz_flags = [&](CLI::App* cmd) {
    cmd->add_option("--seed", fuzz_options.seed, "Seed of the random programs")->capture_default_str();
    cmd->add_option("--count", fuzz_options.count, "Programs to run")->capture_default_str();
    cmd->add_option("-j,--jobs", fuzz_options.jobs, "Programs run at once")->capture_default_str();
    cmd->add_option("--depth", fuzz_options.depth, "Nesting of blocks in a program")->capture_default_str();
    cmd->add_option("--timeout", fuzz_options.timeout_seconds, "Seconds a backend may take per program")
        ->capture_default_str();
    cmd->add_option("--shrink-max", fuzz_options.shrink_max,
                    "Divergences shrunk in one run (the others are kept unshrunk)")
        ->capture_default_str();
    cmd->add_option("--shrink-tries", fuzz_options.shrink_tries, "Candidates tried when shrinking")
        ->capture_default_str();
    cmd->add_option("-o,--output", fuzz_options.output_dir, "Folder for the minimal programs and repros")
        ->capture_default_str();
    cmd->add_flag("!--no-batch", fuzz_options.batch,
                  "One runtime process per program instead of a batch driver");
  };
  auto* fuzz =
      app.add_subcommand("fuzz", "Random programs on a backend against the model; shrink divergences");
  fuzz->add_option("--backend", fuzz_options.backends, "The backend")->required()->expected(1);
  fuzz->add_option("--profile", fuzz_options.profile, "Profile (default: the backend's own)");
  fuzz->add_option("--regressions", fuzz_options.regressions,
                   "Minimal divergences found before: replayed first, appended to (\"\" for none)")
      ->capture_default_str();
  fuzz_flags(fuzz);
  auto* diff = app.add_subcommand("diff", "Random programs on two backends against each other (no model)");
  diff->add_option("--backend", fuzz_options.backends, "The two backends (give --backend twice)")
      ->required()
      ->expected(2);
  fuzz_flags(diff);
  auto* bench_programs = app.add_subcommand(
      "bench-programs", "Programs per second: model only, batch driver, one process per program (same run)");
  bench_programs->add_option("--backend", fuzz_options.backends, "The backend")->required()->expected(1);
  std::size_t per_process_count = 100;
  bench_programs->add_option("--per-process-count", per_process_count, "Programs run one process each")
      ->capture_default_str();
  fuzz_flags(bench_programs);
  const ProfilesCommand profiles(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  if (*predict) return cmd_predict(file, profile, all, canonical);
  if (*emit) {
    if (emit_batch) return cmd_emit_batch(emit_files, output);
    if (emit_files.size() != 1) {
      fmt::print(stderr, "acx emit: one scenario file (several only with --batch)\n");
      return kExitBadInput;
    }
    return cmd_emit(emit_files.front(), output);
  }
  if (*run) return cmd_run(file, backend, canonical);
  if (*check) return cmd_check(paths, backend, profile, mutations, quiet, timeout);
  if (*compare) return cmd_compare(expected_file, observed_file);
  if (*graph) return cmd_graph(file, backend, profile, output);
  if (*verify) return cmd_verify(file, trace_file, profile);
  if (*bench) return cmd_bench(profile, units, seconds, repetitions);
  if (*rules) return cmd_rules(rule_case_paths, update_spec);
  if (*conformance)
    return cmd_conformance({conformance_paths, backend_specs, expectations_dir, timeout, jobs}, report_dir,
                           readme, quiet);
  if (*fuzz) return cmd_fuzz(fuzz_options);
  if (*bench_programs) return cmd_bench_programs(fuzz_options, per_process_count);
  if (*diff) {
    if (fuzz_options.backends.size() != 2) {
      fmt::print(stderr, "acx diff: give exactly two backends (--backend A --backend B)\n");
      return kExitBadInput;
    }
    return cmd_diff(fuzz_options);
  }
  if (*runtimes_install) return cmd_runtimes_install(runtime_specs);
  if (*runtimes_list) return cmd_runtimes_list();
  if (profiles.chosen()) return profiles.run();
  return kExitBadInput;
}
