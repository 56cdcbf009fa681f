// The commands on one scenario: acx predict (the model's trace), acx emit (the standalone Node
// program, or a batch for the driver) and acx run (the trace a backend observes).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "acx/backends/node_emitter.h"
#include "acx/model/search.h"
#include "acx/trace/canonical.h"
#include "acx/trace/jsonl.h"
#include "commands.h"
#include "common.h"
#include "exit_codes.h"
#include "open_backend.h"

namespace acx::cli {

namespace {

int cmd_predict(const std::string& file, const std::string& profile_name, bool all, bool count_only,
                bool canonical, std::size_t budget) {
  auto s = parse_or_report(file);
  if (!s) return kExitBadInput;
  auto profile = model_profile_or_report(profile_name);
  if (!profile) return kExitBadInput;
  if (all || count_only) {
    // Streamed: each allowed trace is printed when found and not kept (branches with equal states
    // and equal traces so far are merged), so memory stays bounded by what is being explored.
    model::SearchLimits limits;
    limits.max_runs = budget;
    std::size_t n = 0;
    const model::Enumeration e =
        model::enumerate(*s, *profile, {}, limits, [&](const std::vector<trace::Event>& t) {
          ++n;
          if (count_only) return;
          fmt::print("# allowed trace {}\n", n);
          for (const auto& ev : t) fmt::print("{}\n", trace::to_json_line(ev));
        });
    fmt::print("# {}{} allowed trace(s){}\n", e.complete ? "" : "at least ", e.count,
               e.complete ? "" : fmt::format(" (the budget of {} segments ran out: --budget)", budget));
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

int cmd_run(const std::string& file, const std::string& backend_spec, bool canonical) {
  auto s = parse_or_report(file);
  if (!s) return kExitBadInput;
  // Neither version nor profile: a runtime that does not run shows in the run itself.
  OpenOptions open;
  open.need = OpenOptions::Need::Backend;
  auto opened = open_backend(backend_spec, open);
  if (auto* failure = std::get_if<OpenFailure>(&opened)) {
    report(*failure);
    return failure->exit_code;
  }
  auto observed = run_or_report(*std::get<OpenedBackend>(opened).backend, *s, file);
  if (!observed) return kExitBackendFailure;
  trace::Trace t = std::move(*observed);
  if (canonical) t = trace::canonicalize(t);
  fmt::print("{}", trace::write_jsonl(t));
  return kExitOk;
}

}  // namespace

Command add_predict(CLI::App& app) {
  struct Options {
    std::string file, profile;
    bool all = false, count = false, canonical = false;
    std::size_t budget = 200000;
  };
  auto o = std::make_shared<Options>();
  auto* predict = app.add_subcommand("predict", "Print the trace the model predicts for a scenario");
  predict->add_option("FILE", o->file, "Scenario file (.acx)")->required();
  predict->add_option("--profile", o->profile, "Profile name (models/NAME.json) or path; default node-20");
  predict->add_flag("--all", o->all, "List every trace the spec allows, not just one, then how many");
  predict->add_flag("--count", o->count, "Print only how many traces the spec allows");
  predict->add_option("--budget", o->budget, "Segments of exploration before --all/--count give up")
      ->check(CLI::PositiveNumber);
  predict->add_flag("--canonical", o->canonical, "Rename ids by first appearance");
  return {predict,
          [o] { return cmd_predict(o->file, o->profile, o->all, o->count, o->canonical, o->budget); }};
}

Command add_emit(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    std::string output;
    bool batch = false;
  };
  auto o = std::make_shared<Options>();
  auto* emit = app.add_subcommand("emit", "Write the standalone Node program for a scenario");
  emit->add_option("FILE", o->files, "Scenario file (.acx); with --batch, several")->required();
  emit->add_option("-o,--output", o->output,
                   "Output file (default: standard output); with --batch, a folder");
  emit->add_flag("--batch", o->batch,
                 "Write the batch driver, the scenarios as its input and a replayer: node DIR/replay.cjs");
  return {emit, [o] {
            if (o->batch) return cmd_emit_batch(o->files, o->output);
            if (o->files.size() != 1) {
              fmt::print(stderr, "acx emit: one scenario file (several only with --batch)\n");
              return kExitBadInput;
            }
            return cmd_emit(o->files.front(), o->output);
          }};
}

Command add_run(CLI::App& app) {
  struct Options {
    std::string file, backend = "node";
    bool canonical = false;
  };
  auto o = std::make_shared<Options>();
  auto* run = app.add_subcommand("run", "Run a scenario on a backend and print the observed trace");
  run->add_option("FILE", o->file, "Scenario file (.acx)")->required();
  run->add_option("--backend", o->backend,
                  "node, node@MAJOR, node:/path/to/node, each with :FLAGS (comma-separated)")
      ->capture_default_str();
  run->add_flag("--canonical", o->canonical, "Rename ids by first appearance");
  return {run, [o] { return cmd_run(o->file, o->backend, o->canonical); }};
}

}  // namespace acx::cli
