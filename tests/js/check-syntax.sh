#!/bin/sh
# check-syntax.sh FILE...: `node --check` on every file given (the node on PATH), each on its own;
# fails if any is rejected, or if there is no file at all (a glob that found nothing).
[ $# -gt 0 ] || { echo "check-syntax.sh: no JavaScript files given" >&2; exit 2; }
failed=0
for file; do
  if out=$(node --check "$file" 2>&1); then
    echo "ok $file"
  else
    echo "REJECTED $file"
    echo "$out"
    failed=1
  fi
done
exit $failed
