#!/usr/bin/env bash
# Opens a conformance report (acx conformance --report DIR) in headless Chromium, checks on the DOM
# Chromium built that the summary, rules and cases tables are rendered with one row per case, and
# saves a screenshot as DIR/index.png.
#
#   tools/scripts/screenshot-report.sh DIR
#
# Chromium is Debian's package `chromium` (run.sh installs it), or $CHROMIUM.
set -euo pipefail
dir=$(cd "${1:?usage: screenshot-report.sh REPORT_DIR}" && pwd)
fail() { echo "screenshot-report.sh: $*" >&2; exit 1; }
[[ -f "$dir/index.html" && -f "$dir/report.json" ]] || fail "$dir has no index.html and report.json"
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[[ -n "$chromium" ]] || fail "chromium not found (Debian package chromium; ./run.sh installs it)"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# Without the networking flags Chromium keeps trying hosts this machine cannot reach.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars "--user-data-dir=$profile")
url="file://$dir/index.html"
timeout 120 "$chromium" "${flags[@]}" --dump-dom "$url" > "$dir/rendered.html" 2> "$profile/dom.log" ||
  fail "chromium could not render $url: $(tail -3 "$profile/dom.log")"
for table in summary rules cases; do
  grep -q "<table id=\"$table\"" "$dir/rendered.html" || fail "the rendered page has no $table table"
done
cases=$(grep -c '"title": ' "$dir/report.json" || true)
rows=$(grep -o '<tr id="' "$dir/rendered.html" | wc -l)
[[ "$cases" -gt 0 && "$rows" -eq "$cases" ]] || fail "the cases table has $rows rows for $cases cases"
backends=$(grep -o '<th class="backend">' "$dir/rendered.html" | wc -l)
timeout 120 "$chromium" "${flags[@]}" --window-size=1600,1400 "--screenshot=$dir/index.png" "$url" \
  > /dev/null 2> "$profile/shot.log" || fail "chromium could not take the screenshot: $(tail -3 "$profile/shot.log")"
[[ "$(head -c 8 "$dir/index.png" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]] ||
  fail "$dir/index.png is not a PNG"
echo "rendered: $rows case rows, $((backends / 2)) backend columns; screenshot: $dir/index.png ($(stat -c %s "$dir/index.png") bytes)"
