// Helpers shared by the acx subcommands.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "acx/backends/backend.h"
#include "acx/model/profile.h"
#include "acx/scenario/ast.h"
#include "acx/trace/event.h"

namespace acx::cli {

/// Where models/*.json live: $ACX_MODELS_DIR, else the source tree's models/.
std::string models_dir();
/// Where spec/*.md live: $ACX_SPEC_DIR, else the source tree's spec/.
std::string spec_dir();

/// Programs or cases run at once by default: one per core.
unsigned default_jobs();

/// Every *.acx file under the given files and folders, sorted, or an error naming a missing path.
std::variant<std::vector<std::string>, std::string> collect_cases(const std::vector<std::string>& paths);

/// Loads a profile by name or path, printing the error to stderr on failure.
std::optional<model::Profile> load_profile_or_report(const std::string& name);

std::string read_file(const std::string& path, bool& ok);

/// Parses a scenario file, printing the located error to stderr on failure.
std::optional<scenario::Scenario> parse_or_report(const std::string& file);

/// Runs a scenario on a backend; a failure is printed to stderr and nullopt returned.
std::optional<trace::Trace> run_or_report(backends::Backend& backend, const scenario::Scenario& s,
                                          const std::string& file);

/// --search-budget N: the search segments (model execution from one open choice to the next) a
/// search for the observed trace may explore before its
/// verdict is undecided (check, verify, conformance, stress).
void add_search_budget_option(CLI::App& command, std::size_t& budget);

/// The largest --stall in milliseconds: a minute, beyond any step a run takes (the model multiplies
/// the bound by the steps between two clock reads).
inline constexpr std::int64_t kMaxStallMs = 60000;

/// A --stall value: whole milliseconds from 0 to kMaxStallMs, or "none" (model::kUnboundedStall);
/// nullopt for anything else.
std::optional<std::int64_t> parse_stall(const std::string& text);

/// --stall MS|none of check, verify, conformance and stress: how long one step of a run may take
/// (spec/time.md, default 10); a trace the model allows only beyond it is stalled (the judge's
/// Stalled). `none` takes no bound, so that such a trace passes. A bad value is bad input (exit 2).
void add_stall_option(CLI::App& command, std::int64_t& stall_ms);

/// `text` with each line after the first starting with `indent` (for reports under a heading).
std::string indented(const std::string& text, const std::string& indent);

/// A folder of the output directory kept for one program, created with its parents (an error is
/// left to the writes, which then write nothing).
class OutputFolder {
 public:
  OutputFolder(const std::string& output_dir, const std::string& name);
  void write(const std::string& file, const std::string& text) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace acx::cli
