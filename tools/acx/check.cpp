#include "check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "acx/model/comparability.h"
#include "acx/model/search.h"
#include "acx/scenario/capabilities.h"
#include "acx/scenario/parser.h"
#include "acx/trace/canonical.h"

namespace acx::cli {

const char* outcome_word(CaseOutcome::Kind kind) {
  switch (kind) {
    case CaseOutcome::Kind::Pass:
      return "PASS";
    case CaseOutcome::Kind::Fail:
      return "FAIL";
    case CaseOutcome::Kind::Unsupported:
      return "UNSUPPORTED";
    case CaseOutcome::Kind::BadInput:
      return "ERROR";
    case CaseOutcome::Kind::BackendFailure:
      return "BACKEND";
  }
  return "?";
}

model::Profile with_backend_capabilities(model::Profile profile, backends::Backend& backend) {
  for (auto& [name, capability] : backend.capabilities()) profile.capabilities[name] = capability;
  return profile;
}

CaseOutcome check_case(const std::string& file, backends::Backend& backend, const model::Profile& profile,
                       const model::RunOptions& options) {
  CaseOutcome out{CaseOutcome::Kind::Pass, file, file, ""};
  auto parsed = scenario::parse_file(file);
  if (!parsed.ok()) {
    out.kind = CaseOutcome::Kind::BadInput;
    out.report = parsed.error().to_string();
    return out;
  }
  const scenario::Scenario& s = parsed.scenario();
  if (!s.header.id.empty()) out.id = s.header.id;
  const auto& known = scenario::known_capabilities();
  for (const auto& c : s.header.requires_) {
    if (std::find(known.begin(), known.end(), c) == known.end()) {
      out.kind = CaseOutcome::Kind::BadInput;
      out.report = fmt::format("{}: @requires {}: not a capability of spec/capabilities.md", file, c);
      return out;
    }
  }
  const model::Comparability comparable = model::comparability(s, profile);
  out.projection = comparable.projection;
  if (!comparable.supported()) {
    out.kind = CaseOutcome::Kind::Unsupported;
    out.missing = comparable.missing;
    out.report = fmt::format("needs {} ({} in profile {})", fmt::join(comparable.missing, ", "),
                             model::level_name(profile.level(comparable.missing.front())), profile.name);
    return out;
  }
  auto result = backend.run(s, file);
  if (auto* failure = std::get_if<backends::BackendFailure>(&result)) {
    out.kind = CaseOutcome::Kind::BackendFailure;
    out.report = failure->message;
    if (!failure->detail.empty()) out.report += "\n  stderr: " + failure->detail;
    return out;
  }
  const trace::Trace observed = trace::canonicalize(std::get<trace::Trace>(result));
  model::SearchLimits limits;
  limits.projection = comparable.projection;
  const model::MatchResult m =
      model::match(s, profile, trace::project(observed.events, comparable.projection), options, limits);
  switch (m.outcome) {
    case model::MatchOutcome::Match:
      return out;
    case model::MatchOutcome::BadScenario:
      out.kind = CaseOutcome::Kind::BadInput;
      out.report = fmt::format("{}: {}", file, model::describe(m.status));
      return out;
    case model::MatchOutcome::SearchLimit:
    case model::MatchOutcome::Divergence:
      out.kind = CaseOutcome::Kind::Fail;
      out.report = m.outcome == model::MatchOutcome::SearchLimit
                       ? fmt::format("no match within {} model executions; deepest attempt:\n", m.runs)
                       : std::string();
      if (m.divergence)
        out.report += trace::format_divergence(*m.divergence, "model " + profile.name, backend.name());
      return out;
  }
  return out;
}

}  // namespace acx::cli
