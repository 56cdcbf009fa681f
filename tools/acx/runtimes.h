// acx runtimes: installing real runtimes from the npm registry and listing the installed ones.
#pragma once

#include <string>
#include <vector>

namespace acx::cli {

/// Installs each runtime (node@MAJOR, bun, deno, workerd, optionally @VERSION); goes on after a
/// failure and returns the exit code (0, or 3 when one could not be installed, 2 for a bad spec).
int cmd_runtimes_install(const std::vector<std::string>& specs);

/// Lists installed runtimes with their versions and paths.
int cmd_runtimes_list();

}  // namespace acx::cli
