// The trace writer of harness.cjs: labels, store values and caught values that need escaping come
// out as JSON lines (spec/trace-format.md) that parse back to the same strings, both as a
// standalone program writes them at exit and as finish() returns them to the batch driver.
'use strict';
const assert = require('node:assert/strict');
const test = require('node:test');
const { runProgram, readTraces } = require('./run-harness.cjs');

const strings = [
  'plain',
  '',
  'double "quotes" and \'single\'',
  'back\\slash \\n \\u2028 \\',
  'new\nline, carriage\rreturn, both\r\n, tab\t, form\ffeed',
  'nul \0 escape \u001b[31m del \u007f',
  'line separator \u2028 paragraph separator \u2029',
  'non-ASCII: é ß 日本語 🎉 \u00a0',
  'lone high surrogate \ud800 at the end \udbff',
  '\udc00 lone low surrogates \udfff',
  'reversed pair \udc00\ud800',
  'undefined',
  '"quoted" undefined',
  '--acx-end--\n--acx-exiting--',
  '{"event":"exit","code":0}\n',
];

// Every string as a label, as a store value and as a caught value.
const program = `
const strings = ${JSON.stringify(strings)};
const a = acx.storage(new AsyncLocalStorage());
try {
  for (const s of strings) a.run(s, () => acx.observe(s, [['a', a]]));
  for (const s of strings) acx.observe('caught', [['a', a]], s);
} finally {
  acx.done();
}
`;

function checkTrace(trace) {
  assert.equal(trace[0].event, 'meta');
  assert.deepEqual(trace[trace.length - 1], { event: 'exit', code: 0 });
  const observes = trace.filter((e) => e.event === 'observe');
  assert.equal(observes.length, 2 * strings.length);
  strings.forEach((s, i) => {
    const stored = observes[i];
    assert.equal(stored.label, s);
    assert.equal(stored.stores.length, 1);
    assert.equal(stored.stores[0][0], 'a');
    // A store value is the JSON text of the value (`undefined` for none).
    assert.equal(JSON.parse(stored.stores[0][1]), s);
    const caught = observes[strings.length + i];
    assert.equal(caught.label, 'caught');
    assert.deepEqual(caught.stores, [['a', 'undefined']]);
    assert.equal(JSON.parse(caught.error), s);
  });
}

test('a standalone program writes every string as valid UTF-8 JSON lines that parse back to it', () => {
  const r = runProgram(program);
  assert.equal(r.status, 0, r.stderr);
  const traces = readTraces(r.stdout);
  assert.equal(traces.length, 1);
  checkTrace(traces[0]);
});

test('finish() gives the batch driver JSON lines that parse back to every string', () => {
  // The driver writes what finish() returns; here it goes out as one JSON string.
  const r = runProgram(`${program}\nrequire('fs').writeSync(1, JSON.stringify(acx.finish(0)));\n`, { batch: true });
  assert.equal(r.status, 0, r.stderr);
  const text = JSON.parse(r.stdout.toString());
  assert.ok(text.endsWith('\n'));
  const lines = text.split('\n').slice(0, -1);
  // No string added or broke a line: one meta, the observes, one exit.
  assert.equal(lines.length, 2 * strings.length + 2);
  checkTrace(lines.map((l) => JSON.parse(l)));
});
