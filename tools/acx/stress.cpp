#include "stress.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <map>

#include "acx/judge/judge.h"
#include "acx/trace/jsonl.h"
#include "check.h"
#include "exit_codes.h"

namespace acx::cli {

namespace {

/// Adds run `run` to the observation keyed `key` (a trace, or a failure's message).
void observe(std::vector<Observation>& list, std::map<std::string, std::size_t>& index,
             const std::string& key, const std::string& trace, const std::string& report, std::size_t run) {
  auto [it, added] = index.try_emplace(key, list.size());
  if (added) list.push_back({trace, report, {}});
  list[it->second].runs.push_back(run);
}

void most_frequent_first(std::vector<Observation>& list) {
  std::stable_sort(list.begin(), list.end(),
                   [](const Observation& a, const Observation& b) { return a.runs.size() > b.runs.size(); });
}

}  // namespace

StressResult stress_case(const std::string& file, backends::Backend& backend, const model::Profile& profile,
                         std::size_t runs, std::size_t search_budget, const model::RunOptions& options,
                         const std::function<void(std::size_t)>& after_run) {
  const CaseFile read = read_case(file);
  StressResult out;
  out.file = file;
  out.id = read.id;
  if (!read.scenario) {
    out.bad_input = read.error;
    return out;
  }
  std::map<std::string, std::size_t> divergent, undecided, stalled, failures, allowed;
  for (std::size_t run = 1; run <= runs; ++run) {
    const judge::Judgement j =
        judge::judge(*read.scenario, backend, profile, file, options, std::nullopt, search_budget);
    switch (j.kind) {
      case judge::Judgement::Kind::Unsupported:
        out.unsupported = j.report;
        return out;
      case judge::Judgement::Kind::Invalid:
        out.bad_input = j.report;
        return out;
      case judge::Judgement::Kind::Pass:
        ++out.passed;
        allowed.try_emplace(trace::write_jsonl(*j.observed), 0);
        break;
      case judge::Judgement::Kind::Fail: {
        ++out.failed;
        const std::string t = trace::write_jsonl(*j.observed);
        observe(out.divergent, divergent, t, t, j.report, run);
        break;
      }
      case judge::Judgement::Kind::Undecided: {
        ++out.undecided;
        const std::string t = trace::write_jsonl(*j.observed);
        observe(out.undecided_traces, undecided, t, t, j.report, run);
        break;
      }
      case judge::Judgement::Kind::Stalled: {
        ++out.stalled;
        const std::string t = trace::write_jsonl(*j.observed);
        observe(out.stalled_traces, stalled, t, t, j.report, run);
        break;
      }
      case judge::Judgement::Kind::BackendFailure:
        ++out.backend_failures;
        observe(out.failures, failures, j.report, "", j.report, run);
        break;
    }
    ++out.runs;
    if (after_run) after_run(run);
  }
  out.allowed_traces = allowed.size();
  most_frequent_first(out.divergent);
  most_frequent_first(out.undecided_traces);
  most_frequent_first(out.stalled_traces);
  most_frequent_first(out.failures);
  return out;
}

int stress_exit_code(const std::vector<StressResult>& results) {
  const auto any = [&](auto field) {
    return std::any_of(results.begin(), results.end(), [&](const StressResult& r) { return field(r); });
  };
  if (any([](const StressResult& r) { return !r.bad_input.empty(); })) return kExitBadInput;
  if (any([](const StressResult& r) { return r.failed > 0; })) return kExitDivergence;
  if (any([](const StressResult& r) { return r.backend_failures > 0; })) return kExitBackendFailure;
  if (any([](const StressResult& r) { return r.undecided > 0; })) return kExitUndecided;
  if (any([](const StressResult& r) { return r.stalled > 0; })) return kExitStalled;
  return kExitOk;
}

namespace {

// The process groups of the busy processes, for the signal handler: lock-free atomics, the only
// state a handler may touch.
std::array<std::atomic<pid_t>, CpuLoad::kMax> busy_groups{};
struct sigaction previous_int, previous_term;
std::atomic<unsigned> loads{0};

extern "C" void kill_busy_and_reraise(int signal) {
  for (auto& group : busy_groups)
    if (const pid_t g = group.load(); g > 0) ::kill(-g, SIGKILL);
  // Then end as the signal would have ended acx (exit status 128 + signal for the shell).
  struct sigaction plain {};
  plain.sa_handler = SIG_DFL;
  sigaction(signal, &plain, nullptr);
  raise(signal);
}

/// Catches `signal` unless it is ignored (a background job of a script ignores SIGINT: so shall
/// acx, and the busy processes then go when acx ends).
void catch_unless_ignored(int signal, struct sigaction& previous) {
  struct sigaction handler {};
  handler.sa_handler = kill_busy_and_reraise;
  sigemptyset(&handler.sa_mask);
  sigaction(signal, &handler, &previous);
  if (previous.sa_handler == SIG_IGN) sigaction(signal, &previous, nullptr);
}

}  // namespace

CpuLoad::CpuLoad(unsigned processes) {
  if (loads++ == 0) {
    catch_unless_ignored(SIGINT, previous_int);
    catch_unless_ignored(SIGTERM, previous_term);
  }
  for (unsigned k = 0; k < std::min(processes, kMax); ++k) {
    auto spawned = backends::Process::spawn({"sh", "-c", "while :; do :; done"});
    if (auto* error = std::get_if<std::string>(&spawned)) {
      error_ = *error;
      break;
    }
    busy_.push_back(std::move(std::get<backends::Process>(spawned)));
    for (auto& group : busy_groups) {
      pid_t empty = 0;
      if (group.compare_exchange_strong(empty, busy_.back().pid())) break;
    }
  }
}

CpuLoad::~CpuLoad() {
  for (auto& p : busy_) {
    for (auto& group : busy_groups) {
      pid_t mine = p.pid();
      if (group.compare_exchange_strong(mine, 0)) break;
    }
    p.kill_group();
    p.reap(std::chrono::steady_clock::now());
  }
  if (--loads == 0) {
    sigaction(SIGINT, &previous_int, nullptr);
    sigaction(SIGTERM, &previous_term, nullptr);
  }
}

std::vector<pid_t> CpuLoad::pids() const {
  std::vector<pid_t> out;
  for (const auto& p : busy_) out.push_back(p.pid());
  return out;
}

}  // namespace acx::cli
