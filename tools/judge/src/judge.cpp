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
    case Judgement::Kind::Unsupported:
      return "unsupported";
    case Judgement::Kind::Invalid:
      return "invalid";
    case Judgement::Kind::BackendFailure:
      return "backend failure";
  }
  return "?";
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
  const model::MatchResult m =
      model::match(s, profile, trace::project(out.observed->events, comparable.projection), options, limits);
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
      return out;
  }
  return out;
}

Judgement check_orders(const scenario::Scenario& s, const model::Profile& profile, const std::string& source,
                       const model::RunOptions& options, trace::Projection projection, Judgement passed) {
  // `@orders N`: the observation is allowed; is the model as tight as the case says? A model that
  // allowed orders no runtime shows (timers without deadlines) would pass every observation.
  if (!s.header.orders) return passed;
  model::SearchLimits limits;
  limits.projection = projection;
  const model::Enumeration all =
      model::enumerate(s, profile, options, limits, [](const std::vector<trace::Event>&) {});
  if (all.complete && all.count == *s.header.orders) return passed;
  passed.kind = Judgement::Kind::Fail;
  passed.report = fmt::format(
      "{}: the model allows {}{} distinct trace(s) of this case where its @orders header says {}: the spec "
      "is "
      "looser (or tighter) than the case claims",
      source, all.complete ? "" : "at least ", all.count, *s.header.orders);
  return passed;
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
