#include "acx/judge/judge.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "acx/model/comparability.h"
#include "acx/trace/canonical.h"

namespace acx::judge {

const char* verdict_name(Judgement::Kind kind) {
  switch (kind) {
    case Judgement::Kind::Pass:
      return "pass";
    case Judgement::Kind::Fail:
      return "fail";
    case Judgement::Kind::Undecided:
      return "undecided";
    case Judgement::Kind::Stalled:
      return "stalled";
    case Judgement::Kind::Unsupported:
      return "unsupported";
    case Judgement::Kind::Invalid:
      return "invalid";
    case Judgement::Kind::BackendFailure:
      return "backend failure";
  }
  return "?";
}

std::string stalled_report(std::int64_t stall_ms) {
  return fmt::format(
      "allowed only if the runtime stalled for more than {} ms between two clock reads (spec/time.md "
      "time.stall); the machine was too busy for this run to be judged. Where the model with the "
      "bound diverges:\n",
      stall_ms);
}

bool explained_by_stall(const scenario::Scenario& s, const model::Profile& profile,
                        const std::vector<trace::Event>& observed, const model::RunOptions& options,
                        const model::SearchLimits& limits) {
  if (options.stall_ms == model::kUnboundedStall) return false;
  model::RunOptions unbounded = options;
  unbounded.stall_ms = model::kUnboundedStall;
  // A search that gives up here proves nothing: the divergence under the bound stands.
  return model::match(s, profile, observed, unbounded, limits).outcome == model::MatchOutcome::Match;
}

Judgement judge(const scenario::Scenario& s, backends::Backend& backend, const model::Profile& profile,
                const std::string& source, const model::RunOptions& options,
                std::optional<std::size_t> max_choice_points, std::size_t search_budget) {
  Judgement out;
  const model::Comparability comparable = model::comparability(s, profile);
  out.projection = comparable.projection;
  if (!comparable.supported()) {
    out.kind = Judgement::Kind::Unsupported;
    out.missing = comparable.missing;
    out.report = fmt::format("needs {} ({} in profile {})", fmt::join(comparable.missing, ", "),
                             model::level_name(profile.level(comparable.missing.front())), profile.name);
    return out;
  }
  // A program the model cannot finish (it never ends, or uses a name before binding it) is not run:
  // a runtime would hang on it until the time limit.
  const model::Prediction p = model::predict(s, profile, options);
  if (p.status != model::RunStatus::Completed && p.status != model::RunStatus::Stopped) {
    out.kind = Judgement::Kind::Invalid;
    out.report = fmt::format("{}: {}", source, model::describe(p.status));
    return out;
  }
  if (max_choice_points && p.choice_points > *max_choice_points) {
    // Random programs only: so many orders left open that the search for the observed one could
    // give up before deciding (SearchLimits::max_runs); such programs are not judged.
    out.kind = Judgement::Kind::Invalid;
    out.report =
        fmt::format("{}: {} choice points where the spec leaves the order open", source, p.choice_points);
    return out;
  }
  if (!p.events.empty() && p.events.back().kind == trace::EventKind::Exit && p.events.back().code == 7) {
    // `uncaught.handler`: a throwing 'uncaughtException' listener ends the process with code 7
    // without emitting 'exit', so no harness can print a trace to compare.
    out.kind = Judgement::Kind::Invalid;
    out.report =
        fmt::format("{}: ends by a throwing 'uncaughtException' listener (exit 7, no trace)", source);
    return out;
  }
  auto result = backend.run(s, source);
  if (auto* failure = std::get_if<backends::BackendFailure>(&result)) {
    // A runtime that never ends is wrong only if the spec makes every order end: the first order
    // did, but another one the spec leaves open may not (an interval whose own clearInterval meets
    // a later binding of its name), and the runtime may have taken that one.
    if (failure->kind == backends::BackendFailure::Kind::TimedOut) {
      const model::Enumeration all = model::enumerate(s, profile, options);
      if (all.worst != model::RunStatus::Completed) {
        out.kind = Judgement::Kind::Invalid;
        out.report = fmt::format("{}: timed out on an order the spec allows, in which {}", source,
                                 model::describe(all.worst));
        return out;
      }
    }
    out.kind = Judgement::Kind::BackendFailure;
    out.failure = failure->kind;
    out.report = failure->message;
    if (!failure->detail.empty()) out.report += "\n  stderr: " + failure->detail;
    return out;
  }
  out.observed = trace::canonicalize(std::get<trace::Trace>(result));
  model::SearchLimits limits;
  limits.max_runs = search_budget;
  limits.projection = comparable.projection;
  const std::vector<trace::Event> observed = trace::project(out.observed->events, comparable.projection);
  const model::MatchResult m = model::match(s, profile, observed, options, limits);
  switch (m.outcome) {
    case model::MatchOutcome::Match:
      return check_orders(s, profile, source, options, comparable.projection, out);
    case model::MatchOutcome::BadScenario:
      out.kind = Judgement::Kind::Invalid;
      out.report = fmt::format("{}: {}", source, model::describe(m.status));
      return out;
    case model::MatchOutcome::SearchLimit:
      // Not a Fail: the executions left unsearched may hold the observed trace.
      out.kind = Judgement::Kind::Undecided;
      out.divergence = m.divergence;
      out.report = fmt::format(
          "no match within {} search segments (the search budget, --search-budget); "
          "the search gave up undecided. Deepest attempt:\n",
          search_budget);
      if (m.divergence)
        out.report += trace::format_divergence(*m.divergence, "model " + profile.name, backend.name());
      return out;
    case model::MatchOutcome::Divergence:
      out.kind = Judgement::Kind::Fail;
      out.divergence = m.divergence;
      if (m.divergence)
        out.report = trace::format_divergence(*m.divergence, "model " + profile.name, backend.name());
      // `time.stall`: a trace the model allows only if a step took longer than the bound is no
      // evidence against the runtime (a busy machine deschedules it), nor a pass.
      if (explained_by_stall(s, profile, observed, options, limits)) {
        out.kind = Judgement::Kind::Stalled;
        out.report = stalled_report(options.stall_ms) + out.report;
        return check_orders(s, profile, source, options, comparable.projection, out);
      }
      return out;
  }
  return out;
}

Judgement check_orders(const scenario::Scenario& s, const model::Profile& profile, const std::string& source,
                       const model::RunOptions& options, trace::Projection projection, Judgement judged) {
  // `@orders N`: the observation is allowed; is the model as tight as the case says? A model that
  // allowed orders no runtime shows (timers without deadlines) would pass every observation.
  if (!s.header.orders) return judged;
  // The count is the spec's, under its stall bound (spec/time.md `time.stall`, σ = 10 ms): --stall
  // changes how an observation is judged, not what the case claims (with no bound an interval
  // could fire any number of times). The rules --mutate breaks do count: that is what is tested.
  model::RunOptions counted = options;
  counted.stall_ms = model::RunOptions{}.stall_ms;
  model::SearchLimits limits;
  limits.projection = projection;
  const model::Enumeration all =
      model::enumerate(s, profile, counted, limits, [](const std::vector<trace::Event>&) {});
  if (all.complete && all.count == *s.header.orders) return judged;
  judged.kind = Judgement::Kind::Fail;
  judged.report = fmt::format(
      "{}: the model allows {}{} distinct trace(s) of this case where its @orders header says {}: the spec "
      "is "
      "looser (or tighter) than the case claims",
      source, all.complete ? "" : "at least ", all.count, *s.header.orders);
  return judged;
}

model::RunOptions random_program_options() {
  model::RunOptions o;
  o.step_limit = 2000;
  return o;
}

Judgement judge_random(const scenario::Scenario& s, backends::Backend& backend, const model::Profile& profile,
                       const std::string& source) {
  return judge(s, backend, profile, source, random_program_options(), kRandomProgramChoicePoints);
}

}  // namespace acx::judge
