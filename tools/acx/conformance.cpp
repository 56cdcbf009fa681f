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

Cell classify(const CaseOutcome& outcome, bool expected) {
  switch (outcome.kind) {
    case CaseOutcome::Kind::Pass:
      return expected ? Cell::UnexpectedPass : Cell::Pass;
    case CaseOutcome::Kind::Fail:
      return expected ? Cell::ExpectedFail : Cell::Fail;
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

struct Column {
  std::unique_ptr<backends::Backend> backend;
  std::optional<model::Profile> profile;
  Expectations expectations;
};

}  // namespace

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
    backends::BackendOptions bo;
    bo.timeout = std::chrono::milliseconds(static_cast<long>(options.timeout_seconds * 1000));
    bo.models_dir = models_dir();
    auto made = backends::make_backend(col.spec, bo);
    if (auto* error = std::get_if<std::string>(&made)) {
      fail_column(*error);
      m.backends.push_back(std::move(col));
      continue;
    }
    columns[b].backend = std::move(std::get<std::unique_ptr<backends::Backend>>(made));
    auto& backend = *columns[b].backend;
    auto version = backend.version();
    if (auto* failure = std::get_if<backends::BackendFailure>(&version)) {
      fail_column(failure->message);
      columns[b].backend.reset();
      m.backends.push_back(std::move(col));
      continue;
    }
    col.runtime = std::get<std::string>(version);
    const auto profile_name = backend.default_profile();
    if (!profile_name) {
      fail_column("no profile is known for this runtime (models/)");
      columns[b].backend.reset();
      m.backends.push_back(std::move(col));
      continue;
    }
    auto profile = model::load_profile(*profile_name, models_dir());
    if (auto* error = std::get_if<model::ProfileError>(&profile)) {
      fail_column(error->to_string());
      m.bad_input = true;
      columns[b].backend.reset();
      m.backends.push_back(std::move(col));
      continue;
    }
    columns[b].profile = with_backend_capabilities(std::get<model::Profile>(profile), backend);
    col.profile = columns[b].profile->name;
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
  std::atomic<std::size_t> next{0};
  std::mutex progress;
  std::size_t done = 0;
  const auto worker = [&] {
    for (std::size_t i; (i = next++) < work.size();) {
      const auto [b, c] = work[i];
      const auto start = std::chrono::steady_clock::now();
      CellResult r;
      r.outcome = check_case(files[c], *columns[b].backend, *columns[b].profile, {});
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (auto e = columns[b].expectations.find(m.cases[c].id); e != columns[b].expectations.end())
        r.expectation = e->second;
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
