#include "known_divergences.h"

#include <fmt/format.h>

#include "acx/fuzz/signature.h"
#include "acx/judge/judge.h"
#include "check.h"
#include "common.h"
#include "expectations.h"

namespace acx::cli {

std::optional<std::string> KnownDivergences::match(const std::string& signature) const {
  const auto it = by_signature_.find(signature);
  if (it == by_signature_.end()) return std::nullopt;
  return it->second;
}

void KnownDivergences::add(const std::string& signature, const std::string& case_id) {
  by_signature_.emplace(signature, case_id);
}

std::variant<LearntDivergences, std::string> learn_known_divergences(const std::string& expectations_dir,
                                                                     const std::string& cases_dir,
                                                                     const std::string& backend_spec,
                                                                     backends::Backend& backend,
                                                                     const model::Profile& profile) {
  auto loaded = load_expectations(expectations_dir, backend_spec);
  if (auto* error = std::get_if<std::string>(&loaded)) return *error;
  const Expectations& expectations = std::get<Expectations>(loaded);
  LearntDivergences out;
  out.cases = expectations.size();
  if (expectations.empty()) return out;
  auto files = collect_cases({cases_dir});
  if (auto* error = std::get_if<std::string>(&files))
    return fmt::format("the cases of the expectations: {}", *error);
  std::map<std::string, std::string> file_of;
  for (const auto& file : std::get<std::vector<std::string>>(files)) {
    const CaseFile read = read_case(file);
    if (read.scenario && expectations.contains(read.id)) file_of[read.id] = file;
  }
  for (const auto& [id, expectation] : expectations) {
    const auto found = file_of.find(id);
    if (found == file_of.end()) {
      out.notes.push_back(fmt::format("{}: no such case under {} ({})", id, cases_dir, expectation.where));
      continue;
    }
    const scenario::Scenario s = *read_case(found->second).scenario;
    // The same judge as the programs get (a case may take every order the model allows).
    const judge::Judgement j = judge::judge(s, backend, profile, found->second);
    if (const auto signature = fuzz::divergence_signature(s, j, profile)) {
      out.known.add(*signature, id);
    } else {
      out.notes.push_back(fmt::format("{}: {} this time, so no signature", id, judge::verdict_name(j.kind)));
    }
  }
  return out;
}

}  // namespace acx::cli
