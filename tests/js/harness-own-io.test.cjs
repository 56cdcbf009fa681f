// The hooks of harness.cjs never see the harness's own I/O: printing the trace, with a hook enabled
// that records every callback and runs a body for each, makes no hook event, and a hook body that
// prints does not call itself again. (A writer that made an async resource, process.stdout for
// instance, would give a PIPEWRAP init when the output is a pipe, as it is when acx runs a program.)
'use strict';
const assert = require('node:assert/strict');
const test = require('node:test');
const { runProgram, readTraces } = require('./run-harness.cjs');

// Some work of every kind of callback: a timer, a promise reaction, a tick.
const work = `
  setTimeout(acx.callback(() => acx.observe('timeout', [])), 1);
  acx.keep(Promise.resolve(1).then(acx.callback(() => acx.observe('then', []))));
  process.nextTick(acx.callback(() => acx.observe('tick', [])));
`;

test('printing the trace at exit runs no hook callback', () => {
  const r = runProgram(`
const fs = require('fs');
let runs = 0;
const body = () => { runs++; acx.observe('body', []); };
const h = acx.hook('h', ['init', 'before', 'after', 'destroy', 'promiseResolve'],
                   { init: body, before: body, after: body, destroy: body, promiseResolve: body });
// Around the harness's exit listener, which prints the trace: a resource made just before shows
// that the hook is still live, then nothing may run while the trace is printed.
const count = {};
process.prependListener('exit', () => {
  const before = runs;
  new AsyncResource('acx-test-probe');
  count.probe = runs - before;
  count.before = runs;
});
process.on('exit', () => {
  count.printing = runs - count.before;
  fs.writeSync(2, JSON.stringify(count) + '\\n');
});
try {
  h.enable();
  ${work}
} finally {
  acx.done();
}
`);
  assert.equal(r.status, 0, r.stderr);
  const count = JSON.parse(r.stderr.trim().split('\n').pop());
  assert.equal(count.probe, 1, 'the hook is live when the trace is printed');
  assert.equal(count.printing, 0, 'hook callbacks while the trace was printed');
  const traces = readTraces(r.stdout);
  assert.equal(traces.length, 1);
  const [trace] = traces;
  // The hook did record the program's work, and each callback ran its body once.
  const types = trace.filter((e) => e.event === 'init').map((e) => e.type);
  for (const type of ['Timeout', 'PROMISE', 'TickObject']) assert.ok(types.includes(type), `init ${type} in ${types}`);
  const bodies = trace.filter((e) => e.event === 'observe' && e.label === 'body').length;
  assert.equal(bodies, count.before, 'one body observe a hook callback');
});

test('a hook body that prints the trace does not call itself', () => {
  const r = runProgram(`
const fs = require('fs');
let prints = 0;
const h = acx.hook('h', ['init'], { init: () => { prints++; acx.observe('init body', []); acx.finish(0); } });
process.on('exit', () => fs.writeSync(2, JSON.stringify({ prints }) + '\\n'));
try {
  h.enable();
  ${work}
} finally {
  acx.done();
}
`);
  assert.equal(r.signal, null, 'the program ended on its own');
  assert.equal(r.status, 0, r.stderr);
  const { prints } = JSON.parse(r.stderr.trim().split('\n').pop());
  assert.ok(prints >= 3, `an init body ran for the timer, the promises and the tick (${prints})`);
  // One trace for each body, one at exit, and nothing in between.
  const traces = readTraces(r.stdout);
  assert.equal(traces.length, prints + 1);
  const last = traces[traces.length - 1];
  assert.equal(last.filter((e) => e.event === 'observe' && e.label === 'init body').length, prints);
});
