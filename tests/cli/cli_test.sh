#!/usr/bin/env bash
# End-to-end checks of the acx command line: exit codes per outcome, located errors, and that the
# program from `acx emit`, run by plain node, prints a trace the model accepts for every case.
set -uo pipefail
acx=${1:?usage: cli_test.sh ACX SOURCE_DIR}
src=${2:?usage: cli_test.sh ACX SOURCE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0

expect() {  # expect NAME WANTED_EXIT ACTUAL_EXIT [OUTPUT_FILE PATTERN]
  local name=$1 want=$2 got=$3
  if [[ $got -ne $want ]]; then
    echo "FAIL $name: exit $got, wanted $want"; failures=$((failures + 1)); return
  fi
  if [[ $# -ge 5 ]] && ! grep -qE -- "$5" "$4"; then
    echo "FAIL $name: output lacks /$5/:"; sed 's/^/  | /' "$4"; failures=$((failures + 1)); return
  fi
  passes=$((passes + 1))
}

# Bad scenario: exit 2 with file:line:col.
printf 'nextTick {\n  observe(1)\n}\n' > "$work/bad.acx"
"$acx" predict "$work/bad.acx" > "$work/out" 2>&1
expect "predict reports a located parse error" 2 $? "$work/out" "bad.acx:2:3: expected a string label"

# A folder with one good case and one bad one: the run goes on, exit 2, summary last.
mkdir "$work/mixed"
cp "$src/conformance/cases/promises/chain-triggers.acx" "$work/mixed/good.acx"
cp "$work/bad.acx" "$work/mixed/"
"$acx" check "$work/mixed" --backend node > "$work/out" 2>&1
expect "check goes on after a bad case" 2 $? "$work/out" "^PASS +promises/chain-triggers"
expect "check ends with the summary line" 0 0 <(tail -n1 "$work/out") "^1 passed, 1 failed$"

# A backend that prints garbage: exit 3, the summary still printed.
printf '#!/bin/sh\nif [ "$1" = --version ]; then echo v20.0.0; exit 0; fi\necho garbage\n' > "$work/node-garbage"
chmod +x "$work/node-garbage"
"$acx" check "$src/conformance/cases/promises" --backend "node:$work/node-garbage" --profile node-20 > "$work/out" 2>&1
expect "garbage from a backend is a backend failure" 3 $? "$work/out" "stdout:1: not JSON"
expect "backend failure still ends with the summary" 0 0 <(tail -n1 "$work/out") "^0 passed, [0-9]+ failed$"

# A divergence: exit 1.
"$acx" check "$src/conformance/cases/promises/chain-triggers.acx" --mutate promise.trigger > "$work/out" 2>&1
expect "a broken rule is a divergence" 1 $? "$work/out" "first divergence after"

# A malformed trace for verify: exit 2 with its line.
printf '{"event":"meta","root":1}\n{"event":"before"}\n' > "$work/bad.jsonl"
"$acx" verify "$src/conformance/cases/promises/chain-triggers.acx" "$work/bad.jsonl" > "$work/out" 2>&1
expect "verify locates a malformed trace line" 2 $? "$work/out" "bad.jsonl:2: missing field \"hook\""

# Causal graph rendered by Graphviz.
"$acx" graph "$src/conformance/cases/hooks/context-example-doc.acx" --backend model -o "$work/graph.svg" > "$work/out" 2>&1
expect "graph renders an SVG" 0 $? "$work/graph.svg" "Timeout #3"

# Every case: acx emit, plain node, acx verify against the model (node-20 profile for the node on PATH).
profile="node-$(node --version | sed -E 's/^v([0-9]+).*/\1/')"
while IFS= read -r case_file; do
  "$acx" emit "$case_file" -o "$work/program.js" || { echo "FAIL emit $case_file"; failures=$((failures + 1)); continue; }
  node "$work/program.js" > "$work/trace.jsonl" 2> "$work/stderr"
  status=$?
  # A scenario may end the process on purpose (an uncaught exception): the trace's last event must
  # then report the same exit code.
  if ! tail -n1 "$work/trace.jsonl" | grep -q "^{\"event\":\"exit\",\"code\":$status}\$"; then
    echo "FAIL node $case_file: exit $status not reported as the trace's last event"; cat "$work/stderr"
    failures=$((failures + 1)); continue
  fi
  "$acx" verify "$case_file" "$work/trace.jsonl" --profile "$profile" > "$work/out" 2>&1
  expect "emit+node+verify $case_file" 0 $? "$work/out" "is one the model allows"
done < <(find "$src/conformance/cases" -name '*.acx' | sort)

echo "$passes passed, $failures failed"
[[ $failures -eq 0 ]]
