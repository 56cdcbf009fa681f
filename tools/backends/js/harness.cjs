// The harness every program acx emits for a JavaScript runtime begins with (spec/harness.md), and the
// batch driver too: it records hook and observe events, keeps every resource alive (`trace.retain`),
// marks which ids belong to the scenario (`trace.scope`) and prints the trace (spec/trace-format.md)
// when the process exits. It runs on every runtime of conformance/matrix, Node 10 included: no
// syntax newer than Node 10's (an API a runtime lacks is used only by the scenarios that need it,
// spec/capabilities.md).
'use strict';
const async_hooks = require('async_hooks');
const { AsyncLocalStorage, AsyncResource } = async_hooks;
const EventEmitter = require('events');
// `batch` is false for a standalone program, which prints its trace at process exit; the batch
// driver passes true, calls finish() itself when the program has ended and prints what it returns.
function acxHarness(batch) {
  const fs = require('fs');
  const events = [];
  const retained = [];
  const entered = new Set();
  let depth = 1;
  const root = async_hooks.executionAsyncId();
  // In a batch driver the program starts inside one of the driver's callbacks: its resource stands
  // for the main script (root) and that resource's trigger for 0 (`trace.batch`).
  const rootTrigger = async_hooks.triggerAsyncId();
  const hooks = [];
  const storages = [];
  const runtime = typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers'
    ? ['workerd', 'workerd (Node.js compatibility ' + process.version + ')']
    : typeof Bun !== 'undefined' ? ['bun', 'bun ' + Bun.version]
    : typeof Deno !== 'undefined' ? ['deno', 'deno ' + Deno.version.deno] : ['node', process.version];
  let top;  // the main script's resource, captured only by scenarios that use observeExecution
  const id = (x) => (Number.isInteger(x) ? x : -1);
  const literal = (v) => (v === undefined ? 'undefined' : JSON.stringify(v));
  // In a batch driver the root is the driver's callback: a process running the program alone has
  // no before or destroy for its main script, and its only after is the one Node's after-loop emits
  // for a top level that threw (`uncaught.handled`); the after Node emits when the driver's
  // callback returns, once the top level has returned, is the driver's (`trace.batch`).
  let topReturned = false;
  // Resources the driver makes while the program runs (acx.outside): a process running the
  // program alone has none, so neither their events nor the scenario's hook bodies for them exist.
  let driverCode = false;
  const driverIds = new Set();
  const drivers = (event, asyncId) =>
    batch && (driverIds.has(asyncId) || (asyncId === root && (event !== 'after' || topReturned)));
  const record = (e) => { e.scoped = depth > 0; events.push(e); };
  function write(text) {
    // Hosts without a process stdout (workerd) install their own writer (Node 10 has no globalThis).
    if (typeof globalThis !== 'undefined' && globalThis.__acxWrite) return globalThis.__acxWrite(text);
    const buffer = Buffer.from(text);
    for (let off = 0; off < buffer.length;) {
      try { off += fs.writeSync(1, buffer, off); } catch (e) { if (e.code !== 'EAGAIN') throw e; }
    }
  }
  function finish(code) {
    const scope = new Set(entered);
    for (const e of events) if (e.event !== 'observe' && e.event !== 'resource' && e.scoped) scope.add(e.id);
    const meta = { event: 'meta', backend: runtime[0], runtime: runtime[1], root };
    if (batch) meta.root_trigger = rootTrigger;
    const lines = [JSON.stringify(meta)];
    for (const e of events) {
      if (e.event !== 'observe' && e.event !== 'resource' && !scope.has(e.id)) continue;
      delete e.scoped;
      lines.push(JSON.stringify(e));
    }
    lines.push(JSON.stringify({ event: 'exit', code }));
    const text = lines.join('\n') + '\n';
    if (!batch) return write(text);
    // Reset for the next program of a batch: no hook and no store of this one stays enabled, and
    // whatever it left (microtasks after a fatal exception) can switch none on again. The driver
    // prints the trace.
    kill();
    return text;
  }
  function kill() {
    dead = true;
    for (const h of hooks) h.disable();
    for (const a of storages) inert(a);
  }
  if (!batch) process.on('exit', finish);
  let dead = false;
  // A store that can no longer be switched on: run, exit and enterWith only call through.
  const inert = (a) => {
    a.disable();
    a.run = (store, fn, ...args) => fn(...args);
    a.exit = (fn, ...args) => fn(...args);
    a.enterWith = () => {};
  };
  return {
    finish,
    // Runs driver code (the batch driver's own immediate) as not scenario code, also when a
    // scenario callback is on the stack (`trace.scope`).
    outside(fn) {
      const saved = depth;
      depth = 0;
      driverCode = true;
      try { return fn(); } finally { depth = saved; driverCode = false; }
    },
    processOn(event, listener) {
      if (!dead) process.on(event, listener);
    },
    storage(a) {
      storages.push(a);
      // Made by what a finished program left (batch driver): inert from the start.
      if (dead) inert(a);
      return a;
    },
    // A hook records its events, then runs the scenario's body for that callback, if any.
    hook(name, callbacks, bodies = {}) {
      const h = {};
      if (callbacks.includes('init')) {
        h.init = (asyncId, type, trigger, resource) => {
          if (driverCode) return;
          retained.push(resource);
          record({ event: 'init', hook: name, id: id(asyncId), type: String(type), trigger: id(trigger),
                   eid: id(async_hooks.executionAsyncId()) });
          if (bodies.init) bodies.init();
        };
      }
      for (const cb of ['before', 'after', 'destroy', 'promiseResolve']) {
        if (callbacks.includes(cb)) {
          h[cb] = (asyncId) => {
            // The driver's events reach neither the trace nor the scenario's body for them.
            if (drivers(cb, asyncId)) return;
            record({ event: cb, hook: name, id: id(asyncId) });
            if (bodies[cb]) bodies[cb]();
          };
        }
      }
      const created = async_hooks.createHook(h);
      hooks.push(created);
      // After kill() (batch driver) a hook of this program can no longer be switched on.
      return {
        enable() { if (!dead) created.enable(); return this; },
        disable() { created.disable(); return this; },
      };
    },
    callback(f) {
      return function (...args) {
        depth++;
        entered.add(async_hooks.executionAsyncId());
        try { return f.apply(this, args); } finally { depth--; }
      };
    },
    // Async functions and await: scenario code is on the stack between the start or a resumption
    // and the next await or the end.
    enter() { depth++; entered.add(async_hooks.executionAsyncId()); },
    leave() { depth--; },
    keep(p) { retained.push(p); return p; },
    observe(label, stores, ...caught) {
      const e = { event: 'observe', label, eid: id(async_hooks.executionAsyncId()),
                  tid: id(async_hooks.triggerAsyncId()),
                  stores: stores.map(([n, s]) => [n, s === undefined ? 'undefined' : literal(s.getStore())]) };
      if (caught.length > 0) {
        const [x] = caught;
        e.error = x !== null && typeof x === 'object' && x.code ? x.code : x instanceof Error ? x.name : literal(x);
      }
      events.push(e);
    },
    // Names the object executionAsyncResource() returns: a scenario binding, the main script's
    // resource ('top-level') or 'other'.
    captureTop() { top = async_hooks.executionAsyncResource(); },
    observeExecution(label, stores, objects) {
      const current = async_hooks.executionAsyncResource();
      const found = objects.find(([, o]) => o !== undefined && o === current);
      this.observe(label, stores);
      events[events.length - 1].resource = found ? found[0] : current === top ? 'top-level' : 'other';
    },
    observeResource(label, r) {
      events.push({ event: 'resource', label, id: id(r.asyncId()), trigger: id(r.triggerAsyncId()) });
    },
    done() { depth--; },
    // The batch driver: the top level returned (it did not throw).
    returned() { topReturned = true; },
    // The batch driver: a resource of its own, made in outside().
    hide(asyncId) { driverIds.add(asyncId); },
  };
}
