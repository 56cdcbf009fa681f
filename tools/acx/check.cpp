#include "check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "acx/judge/judge.h"
#include "acx/scenario/capabilities.h"
#include "acx/scenario/parser.h"

namespace acx::cli {

const char* outcome_word(CaseOutcome::Kind kind) {
  switch (kind) {
    case CaseOutcome::Kind::Pass:
      return "PASS";
    case CaseOutcome::Kind::Fail:
      return "FAIL";
    case CaseOutcome::Kind::Undecided:
      return "UNDECIDED";
    case CaseOutcome::Kind::Stalled:
      return "STALLED";
    case CaseOutcome::Kind::Unstable:
      return "UNSTABLE";
    case CaseOutcome::Kind::Unsupported:
      return "UNSUPPORTED";
    case CaseOutcome::Kind::BadInput:
      return "ERROR";
    case CaseOutcome::Kind::BackendFailure:
      return "BACKEND";
  }
  return "?";
}

CaseFile read_case(const std::string& file) {
  CaseFile out{file, std::nullopt, ""};
  auto parsed = scenario::parse_file(file);
  if (!parsed.ok()) {
    out.error = parsed.error().to_string();
    return out;
  }
  const auto& header = parsed.scenario().header;
  if (!header.id.empty()) out.id = header.id;
  const auto& known = scenario::known_capabilities();
  for (const auto& c : header.requires_) {
    if (std::find(known.begin(), known.end(), c) == known.end()) {
      out.error = fmt::format("{}: @requires {}: not a capability of spec/capabilities.md", file, c);
      return out;
    }
  }
  out.scenario = parsed.scenario();
  return out;
}

CaseOutcome check_case(const std::string& file, backends::Backend& backend, const model::Profile& profile,
                       const model::RunOptions& options, std::size_t search_budget) {
  const CaseFile read = read_case(file);
  CaseOutcome out{CaseOutcome::Kind::Pass, file, read.id, ""};
  if (!read.scenario) {
    out.kind = CaseOutcome::Kind::BadInput;
    out.report = read.error;
    return out;
  }
  const scenario::Scenario& s = *read.scenario;
  const judge::Judgement j = judge::judge(s, backend, profile, file, options, std::nullopt, search_budget);
  out.projection = j.projection;
  out.missing = j.missing;
  out.report = j.report;
  switch (j.kind) {
    case judge::Judgement::Kind::Pass:
      out.kind = CaseOutcome::Kind::Pass;
      break;
    case judge::Judgement::Kind::Fail:
      out.kind = CaseOutcome::Kind::Fail;
      break;
    case judge::Judgement::Kind::Undecided:
      out.kind = CaseOutcome::Kind::Undecided;
      break;
    case judge::Judgement::Kind::Stalled:
      out.kind = CaseOutcome::Kind::Stalled;
      break;
    case judge::Judgement::Kind::Unsupported:
      out.kind = CaseOutcome::Kind::Unsupported;
      break;
    case judge::Judgement::Kind::Invalid:
      out.kind = CaseOutcome::Kind::BadInput;
      break;
    case judge::Judgement::Kind::BackendFailure:
      out.kind = CaseOutcome::Kind::BackendFailure;
      out.timed_out = j.failure == backends::BackendFailure::Kind::TimedOut;
      break;
  }
  return out;
}

std::size_t CaseOutcome::passed_runs() const {
  if (runs.empty()) return kind == Kind::Pass ? 1 : 0;
  return static_cast<std::size_t>(
      std::count_if(runs.begin(), runs.end(), [](const Run& r) { return r.kind == Kind::Pass; }));
}

std::size_t CaseOutcome::stalled_runs() const {
  if (runs.empty()) return kind == Kind::Stalled ? 1 : 0;
  return static_cast<std::size_t>(
      std::count_if(runs.begin(), runs.end(), [](const Run& r) { return r.kind == Kind::Stalled; }));
}

bool worth_rerunning(const CaseOutcome& first, bool expected_to_fail) {
  switch (first.kind) {
    case CaseOutcome::Kind::Pass:
      return expected_to_fail;
    case CaseOutcome::Kind::Fail:
    case CaseOutcome::Kind::Undecided:
    case CaseOutcome::Kind::Stalled:  // a quieter moment may give a run that can be judged
      return true;
    case CaseOutcome::Kind::BackendFailure:
      // A crash or garbage is the runtime's answer; a timeout may be the machine's load.
      return first.timed_out;
    case CaseOutcome::Kind::Unstable:
    case CaseOutcome::Kind::Unsupported:
    case CaseOutcome::Kind::BadInput:
      return false;
  }
  return false;
}

CaseOutcome check_case_runs(const std::string& file, backends::Backend& backend,
                            const model::Profile& profile, const model::RunOptions& options,
                            std::size_t search_budget, const Reruns& reruns) {
  std::vector<CaseOutcome> runs{check_case(file, backend, profile, options, search_budget)};
  if (reruns.count == 0 || !worth_rerunning(runs.front(), reruns.expected_to_fail)) return runs.front();
  for (unsigned k = 0; k < reruns.count; ++k)
    runs.push_back(check_case(file, backend, profile, options, search_budget));
  return combine_runs(runs);
}

CaseOutcome combine_runs(const std::vector<CaseOutcome>& runs) {
  using Kind = CaseOutcome::Kind;
  CaseOutcome out = runs.front();
  if (runs.size() == 1) return out;
  std::map<Kind, std::size_t> n;
  for (const auto& r : runs) ++n[r.kind];
  const std::size_t passed = n[Kind::Pass], stalled = n[Kind::Stalled];
  if (passed > 0 && passed + stalled == runs.size())
    out.kind = Kind::Pass;
  else if (passed > 0 && n[Kind::Fail] + n[Kind::BackendFailure] > 0)
    out.kind = Kind::Unstable;
  else if (passed > 0 || n[Kind::Undecided] > 0)
    out.kind = n[Kind::Fail] > 0 ? Kind::Fail : Kind::Undecided;
  else if (n[Kind::Fail] > 0)
    out.kind = Kind::Fail;
  out.runs.clear();
  std::vector<std::string> verdicts;
  for (const auto& r : runs) {
    out.runs.push_back({r.kind, r.report, r.timed_out});
    verdicts.push_back(fmt::format("run {}: {}", verdicts.size() + 1, outcome_word(r.kind)));
  }
  out.report = fmt::format("{} of {} runs passed{} ({})", passed, runs.size(),
                           stalled ? fmt::format(", {} of {} runs stalled", stalled, runs.size()) : "",
                           fmt::join(verdicts, ", "));
  // Each distinct report once: the same divergence on every run is one finding.
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].kind == Kind::Pass || runs[i].report.empty()) continue;
    std::size_t same = i;
    for (std::size_t k = 0; k < i && same == i; ++k)
      if (runs[k].report == runs[i].report) same = k;
    std::string report = runs[i].report;
    while (!report.empty() && report.back() == '\n') report.pop_back();
    out.report += same == i ? fmt::format("\nrun {} ({}):\n{}", i + 1, outcome_word(runs[i].kind), report)
                            : fmt::format("\nrun {}: the same report as run {}", i + 1, same + 1);
  }
  return out;
}

}  // namespace acx::cli
