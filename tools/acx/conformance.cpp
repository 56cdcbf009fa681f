#include "conformance.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "acx/scenario/parser.h"
#include "common.h"
#include "open_backend.h"

namespace acx::cli {

const char* cell_name(Cell cell) {
  switch (cell) {
    case Cell::Pass:
      return "pass";
    case Cell::Fail:
      return "fail";
    case Cell::Unsupported:
      return "unsupported";
    case Cell::ExpectedFail:
      return "expected-fail";
    case Cell::UnexpectedPass:
      return "unexpected-pass";
    case Cell::Error:
      return "error";
    case Cell::Unstable:
      return "unstable";
    case Cell::Undecided:
      return "undecided";
    case Cell::Stalled:
      return "stalled";
  }
  return "?";
}

namespace {

CaseInfo describe_case(const std::string& file) {
  CaseInfo info{file, file, "", {}};
  auto parsed = scenario::parse_file(file);
  if (!parsed.ok()) return info;
  const auto& h = parsed.scenario().header;
  if (!h.id.empty()) info.id = h.id;
  info.title = h.title;
  info.rules = h.rules;
  return info;
}

struct Column {
  std::unique_ptr<backends::Backend> backend;
  std::optional<model::Profile> profile;
  Expectations expectations;
};

}  // namespace

Cell classify(const CaseOutcome& outcome, bool expected) {
  switch (outcome.kind) {
    case CaseOutcome::Kind::Pass:
      return expected ? Cell::UnexpectedPass : Cell::Pass;
    case CaseOutcome::Kind::Fail:
      return expected ? Cell::ExpectedFail : Cell::Fail;
    case CaseOutcome::Kind::Unstable:
      // An expected failure that also passes on some runs still fails: a flake is no sign that the
      // runtime was fixed (the report keeps the counts; conformance/expectations/README.md).
      return expected ? Cell::ExpectedFail : Cell::Unstable;
    case CaseOutcome::Kind::Undecided:
      // Whether it fails is not known, expected or not.
      return Cell::Undecided;
    case CaseOutcome::Kind::Stalled:
      // Nor here: every run needed a stall beyond the bound, expected to fail or not.
      return Cell::Stalled;
    case CaseOutcome::Kind::Unsupported:
      return Cell::Unsupported;
    case CaseOutcome::Kind::BackendFailure:
      // A runtime that ends without a trace (Deno and Bun skip process 'exit' after an uncaught
      // exception) diverges that way; an expectation may say so.
      return expected ? Cell::ExpectedFail : Cell::Error;
    case CaseOutcome::Kind::BadInput:
      return Cell::Error;
  }
  return Cell::Error;
}

Matrix run_conformance(const ConformanceOptions& options) {
  Matrix m;
  auto collected = collect_cases(options.case_paths);
  if (auto* error = std::get_if<std::string>(&collected)) {
    fmt::print(stderr, "acx: {}\n", *error);
    m.bad_input = true;
    return m;
  }
  const auto& files = std::get<std::vector<std::string>>(collected);
  for (const auto& f : files) m.cases.push_back(describe_case(f));

  // Set every column up first (version, profile, expectations), so that the cells can run in
  // parallel over backends and cases.
  std::vector<Column> columns(options.backends.size());
  for (std::size_t b = 0; b < options.backends.size(); ++b) {
    BackendColumn col;
    col.spec = options.backends[b];
    col.cells.resize(files.size());
    const auto fail_column = [&](std::string why) {
      col.failure = std::move(why);
      fmt::print("acx conformance: {}: {}\n", col.spec, col.failure);
      for (std::size_t c = 0; c < files.size(); ++c) {
        col.cells[c].cell = Cell::Error;
        col.cells[c].outcome = {
            CaseOutcome::Kind::BackendFailure, files[c], m.cases[c].id, col.failure, {}, {}};
      }
    };
    OpenOptions open;
    open.timeout_seconds = options.timeout_seconds;
    auto opened = open_backend(col.spec, open);
    if (auto* failure = std::get_if<OpenFailure>(&opened)) {
      col.runtime = failure->version;
      fail_column(failure->message);
      // A malformed profile is bad input; a backend that cannot run is its column's error.
      m.bad_input |= failure->stage == OpenFailure::Stage::ProfileError;
      m.backends.push_back(std::move(col));
      continue;
    }
    auto& ready = std::get<OpenedBackend>(opened);
    col.runtime = ready.version;
    col.profile = ready.profile->name;
    columns[b].backend = std::move(ready.backend);
    columns[b].profile = std::move(ready.profile);
    auto expectations = load_expectations(options.expectations_dir, col.spec);
    if (auto* error = std::get_if<std::string>(&expectations)) {
      fmt::print(stderr, "acx: {}\n", *error);
      m.bad_input = true;
    } else {
      columns[b].expectations = std::get<Expectations>(expectations);
      for (const auto& [id, e] : columns[b].expectations) {
        if (std::none_of(m.cases.begin(), m.cases.end(), [&](const CaseInfo& c) { return c.id == id; })) {
          fmt::print(stderr, "acx: {}: no case has the id {}\n", e.where, id);
          m.bad_input = true;
        }
      }
    }
    m.backends.push_back(std::move(col));
  }

  std::vector<std::pair<std::size_t, std::size_t>> work;
  for (std::size_t b = 0; b < columns.size(); ++b)
    if (columns[b].backend)
      for (std::size_t c = 0; c < files.size(); ++c) work.emplace_back(b, c);
  model::RunOptions run_options;
  run_options.stall_ms = options.stall_ms;
  std::atomic<std::size_t> next{0};
  std::mutex progress;
  std::size_t done = 0;
  const auto worker = [&] {
    for (std::size_t i; (i = next++) < work.size();) {
      const auto [b, c] = work[i];
      const auto start = std::chrono::steady_clock::now();
      CellResult r;
      if (auto e = columns[b].expectations.find(m.cases[c].id); e != columns[b].expectations.end())
        r.expectation = e->second;
      r.outcome = check_case_runs(files[c], *columns[b].backend, *columns[b].profile, run_options,
                                  options.search_budget, {options.reruns, r.expectation.has_value()});
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      r.cell = classify(r.outcome, r.expectation.has_value());
      m.backends[b].cells[c] = std::move(r);
      std::lock_guard lock(progress);
      if (++done % 100 == 0 || done == work.size()) {
        fmt::print(stderr, "\racx conformance: {}/{} cells", done, work.size());
        if (done == work.size()) fmt::print(stderr, "\n");
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < std::max(1u, options.jobs); ++j) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return m;
}

}  // namespace acx::cli
