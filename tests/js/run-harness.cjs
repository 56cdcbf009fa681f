// Runs a program the way acx emits it: harness.cjs, then `const acx = acxHarness(false);`, then the
// program's own code, in a Node process of its own whose standard output is a pipe, as when acx
// runs it. ACX_HARNESS names another harness.cjs (to see a test fail against a broken one).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const harnessFile = process.env.ACX_HARNESS || path.join(__dirname, '..', '..', 'tools', 'backends', 'js', 'harness.cjs');

// { status, signal, stdout (a Buffer), stderr (a string) }
function runProgram(code, { batch = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acx-harness-test-'));
  try {
    const file = path.join(dir, 'program.cjs');
    fs.writeFileSync(file, `${fs.readFileSync(harnessFile, 'utf8')}const acx = acxHarness(${batch});\n${code}`);
    const r = spawnSync(process.execPath, [file], { timeout: 20000, maxBuffer: 64 << 20 });
    if (r.error) throw r.error;
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr.toString() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The traces in a program's standard output: it must be UTF-8, every line a JSON value; a trace
// starts at a meta event.
function readTraces(stdout) {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(stdout);
  if (text !== '' && !text.endsWith('\n')) throw new Error(`output does not end with a newline: ${JSON.stringify(text)}`);
  const traces = [];
  for (const line of text.split('\n').slice(0, -1)) {
    const event = JSON.parse(line);
    if (event.event === 'meta') traces.push([]);
    if (traces.length === 0) throw new Error(`an event before the first meta event: ${line}`);
    traces[traces.length - 1].push(event);
  }
  return traces;
}

module.exports = { harnessFile, runProgram, readTraces };
