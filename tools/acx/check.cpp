#include "check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

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
    case CaseOutcome::Kind::Unsupported:
      return "UNSUPPORTED";
    case CaseOutcome::Kind::BadInput:
      return "ERROR";
    case CaseOutcome::Kind::BackendFailure:
      return "BACKEND";
  }
  return "?";
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
  const judge::Judgement j = judge::judge(s, backend, profile, file, options);
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
    case judge::Judgement::Kind::Unsupported:
      out.kind = CaseOutcome::Kind::Unsupported;
      break;
    case judge::Judgement::Kind::Invalid:
      out.kind = CaseOutcome::Kind::BadInput;
      break;
    case judge::Judgement::Kind::BackendFailure:
      out.kind = CaseOutcome::Kind::BackendFailure;
      break;
  }
  return out;
}

}  // namespace acx::cli
