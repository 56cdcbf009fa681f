// The entry module of the worker acx runs with `workerd test` (workerd_backend.cpp writes it as
// main.mjs beside the scenario and the Cap'n Proto config). Its test() imports the scenario
// (a CommonJS module: it runs on import, inside the test request, where timers are allowed), then
// waits until no timer, interval or immediate is pending, which is Node's own condition for
// exiting, and emits 'exit' so that the harness prints the trace. workerd never emits 'exit'
// itself, and cancels work still pending when test() resolves. acx fills in the waiting loop's time
// limit: a little less than its own, so that a scenario that never settles still prints what it did.
const real = {}, live = new Set();
for (const k of ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate'])
  real[k] = globalThis[k].bind(globalThis);
const once = (k) => (cb, ...a) => {
  const h = real[k](function (...x) { live.delete(h); return cb.apply(this, x); }, ...a);
  live.add(h);
  return h;
};
globalThis.setTimeout = once('setTimeout');
globalThis.setImmediate = once('setImmediate');
globalThis.setInterval = (...a) => { const h = real.setInterval(...a); live.add(h); return h; };
for (const k of ['clearTimeout', 'clearInterval', 'clearImmediate'])
  globalThis[k] = (h) => { live.delete(h); return real[k](h); };
globalThis.__acxWrite = (text) => console.log(text.replace(/\n$/, ''));
const turn = (ms) => new Promise((r) => real.setTimeout(r, ms));
export default {
  async test() {
    let code = 0;
    try { await import('scenario'); } catch (e) { console.error(e); code = 1; }
    for (const end = Date.now() + LIMIT_MS; Date.now() < end;) {
      await turn(live.size ? 1 : 0);
      if (live.size) continue;
      await new Promise((r) => real.setImmediate(r));
      await turn(0);
      if (!live.size) break;
    }
    process.emit('exit', code);
  },
};
