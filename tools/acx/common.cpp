#include "common.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "acx/model/machine.h"
#include "acx/scenario/parser.h"

namespace acx::cli {

namespace fs = std::filesystem;

std::string models_dir() {
  if (const char* env = std::getenv("ACX_MODELS_DIR")) return env;
  return ACX_SOURCE_DIR "/models";
}

std::string spec_dir() {
  if (const char* env = std::getenv("ACX_SPEC_DIR")) return env;
  return ACX_SOURCE_DIR "/spec";
}

unsigned default_jobs() {
  return std::max(1u, std::thread::hardware_concurrency());
}

std::variant<std::vector<std::string>, std::string> collect_cases(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(p, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".acx")
          files.push_back(entry.path().string());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      return fmt::format("{}: no such file or folder", p);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<model::Profile> load_profile_or_report(const std::string& name) {
  auto loaded = model::load_profile(name, models_dir());
  if (auto* error = std::get_if<model::ProfileError>(&loaded)) {
    fmt::print(stderr, "acx: profile error: {}\n", error->to_string());
    return std::nullopt;
  }
  return std::get<model::Profile>(loaded);
}

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::optional<scenario::Scenario> parse_or_report(const std::string& file) {
  auto parsed = scenario::parse_file(file);
  if (!parsed.ok()) {
    fmt::print(stderr, "{}\n", parsed.error().to_string());
    return std::nullopt;
  }
  return std::move(parsed.scenario());
}

std::optional<trace::Trace> run_or_report(backends::Backend& backend, const scenario::Scenario& s,
                                          const std::string& file) {
  auto result = backend.run(s, file);
  if (auto* failure = std::get_if<backends::BackendFailure>(&result)) {
    fmt::print(stderr, "acx: {}\n{}\n", failure->message, failure->detail);
    return std::nullopt;
  }
  return std::get<trace::Trace>(std::move(result));
}

void add_search_budget_option(CLI::App& command, std::size_t& budget) {
  command
      .add_option(
          "--search-budget", budget,
          "Search segments (model execution between two open choices) explored for the observed trace "
          "before the verdict is undecided")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

std::optional<std::int64_t> parse_stall(const std::string& text) {
  if (text == "none") return model::kUnboundedStall;
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const std::int64_t ms = std::stoll(text);
  if (ms > kMaxStallMs) return std::nullopt;
  return ms;
}

void add_stall_option(CLI::App& command, std::int64_t& stall_ms) {
  command
      .add_option_function<std::string>(
          "--stall", [&stall_ms](const std::string& text) { stall_ms = *parse_stall(text); },
          "Milliseconds one step of a run may take (spec/time.md time.stall); a trace allowed only "
          "beyond it is stalled. none: no bound (such a trace passes)")
      ->type_name("MS|none")
      ->default_str(std::to_string(stall_ms))
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            if (parse_stall(text)) return {};
            return fmt::format("expected whole milliseconds from 0 to {} or none (no bound), not '{}'",
                               kMaxStallMs, text);
          },
          ""));
}

std::string indented(const std::string& text, const std::string& indent) {
  std::string out;
  for (char c : text) out += c == '\n' ? "\n" + indent : std::string(1, c);
  return out;
}

OutputFolder::OutputFolder(const std::string& output_dir, const std::string& name)
    : path_((std::filesystem::path(output_dir) / name).string()) {
  std::error_code ec;
  std::filesystem::create_directories(path_, ec);
}

void OutputFolder::write(const std::string& file, const std::string& text) const {
  std::ofstream(std::filesystem::path(path_) / file, std::ios::binary) << text;
}

}  // namespace acx::cli
