#!/usr/bin/env bash
# Runs the conformance matrix: every case on every backend of conformance/matrix, with the report
# (report.json, junit.xml, index.html) written to REPORT_DIR.
#
#   tools/scripts/matrix.sh ACX REPORT_DIR [--install] [--readme]
#
# --install first installs the runtimes the matrix needs (acx runtimes install: npm registry, cached,
# idempotent); --readme rewrites the summary table of README.md from the result.
set -uo pipefail
acx=${1:?usage: matrix.sh ACX REPORT_DIR [--install] [--readme]}
report=${2:?usage: matrix.sh ACX REPORT_DIR [--install] [--readme]}
shift 2
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src"
backends=()
while read -r line; do
  line=${line%%#*}
  [[ -n "${line// /}" ]] && backends+=("$line")
done < conformance/matrix
install=false readme=()
for arg in "$@"; do
  case "$arg" in
    --install) install=true ;;
    --readme) readme=(--readme README.md) ;;
    *) echo "matrix.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
if $install; then
  runtimes=()
  for b in "${backends[@]}"; do
    case "$b" in node@*|bun*|deno*|workerd*) runtimes+=("${b%%:*}") ;; esac
  done
  "$acx" runtimes install $(printf '%s\n' "${runtimes[@]}" | sort -u) || exit $?
fi
args=()
for b in "${backends[@]}"; do args+=(--backend "$b"); done
exec "$acx" conformance "${args[@]}" --report "$report" -q "${readme[@]}"
