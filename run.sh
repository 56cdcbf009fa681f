#!/usr/bin/env bash
# The two quick-start commands (README):
#   ./run.sh conformance   set up, build, install the runtimes of conformance/matrix, run the whole
#                          conformance matrix; report in build/conformance-report (index.html, its
#                          screenshot index.png, report.json, junit.xml)
#   ./run.sh test          set up, build, install the runtimes, run every test (ctest), the matrix included
# Set-up installs what is missing: Debian packages (apt-get), then real runtimes from the npm
# registry with `acx runtimes install` (Node 10..26, Bun, Deno, workerd; cached in ~/.cache/acx, so a
# re-run needs no network). Re-running is quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)

usage() { echo "usage: ./run.sh conformance|test" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
command=$1
shift
case "$command" in conformance|test) ;; *) usage ;; esac

log() { echo "run.sh: $*" >&2; }

# Decided before apt runs: Debian's npm package brings its own (older) nodejs, which is not the
# runtime the suite is about.
had_node=false
command -v node >/dev/null 2>&1 && had_node=true

# ---- Debian packages -------------------------------------------------------------------------
packages=(cmake ninja-build g++ pkg-config librapidcheck-dev libboost-test-dev libgraphviz-dev
          nlohmann-json3-dev libcli11-dev libfmt-dev clang-format chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm is needed only to fetch runtimes from the npm registry.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing Debian packages: ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- build -----------------------------------------------------------------------------------
if [[ ! -f build/build.ninja ]]; then
  cmake --preset default >/dev/null
fi
cmake --build build

# ---- runtimes --------------------------------------------------------------------------------
# Everything conformance/matrix names, from the npm registry (idempotent, offline once installed).
runtimes=$(sed 's/#.*//' conformance/matrix | grep -oE '^(node@[0-9]+|bun|deno|workerd)' | sort -u)
build/bin/acx runtimes install $runtimes >&2
if ! $had_node; then
  # No node on PATH: Node 20 from the cache stands in for it (backend `node`, the plugin adapter).
  node20=$(build/bin/acx runtimes install node@20 | sed -n 's/.*(\(\/.*\))$/\1/p')
  export PATH="$(dirname "$node20"):$PATH"
fi

case "$command" in
  conformance)
    log "conformance matrix: $(grep -cvE '^\s*(#|$)' conformance/matrix) backends of conformance/matrix"
    status=0
    tools/scripts/matrix.sh build/bin/acx build/conformance-report || status=$?
    tools/scripts/screenshot-report.sh build/conformance-report || status=$((status ? status : 1))
    exit $status
    ;;
  test)
    cd build
    exec ctest --output-on-failure -j2 "$@"
    ;;
esac
