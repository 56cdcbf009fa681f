#include "runtimes.h"

#include <fmt/format.h>

#include "acx/backends/backend.h"
#include "acx/backends/runtimes.h"
#include "exit_codes.h"

namespace acx::cli {

namespace {

std::string version_of(const backends::RuntimePackage& p) {
  auto made = backends::make_backend(p.spec);
  if (auto* backend = std::get_if<std::unique_ptr<backends::Backend>>(&made)) {
    auto v = (*backend)->version();
    if (auto* text = std::get_if<std::string>(&v)) return *text;
    return "cannot run: " + std::get<backends::BackendFailure>(v).message;
  }
  return std::get<std::string>(made);
}

}  // namespace

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

int cmd_runtimes_list() {
  const auto installed = backends::installed_runtimes();
  if (installed.empty())
    fmt::print("no runtimes installed in {}/runtimes (acx runtimes install node@24 bun deno workerd)\n",
               backends::runtime_cache());
  for (const auto& p : installed) fmt::print("{:<12} {:<28} {}\n", p.spec, version_of(p), p.executable);
  return kExitOk;
}

}  // namespace acx::cli
