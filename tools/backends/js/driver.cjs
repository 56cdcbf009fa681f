// The batch driver (spec/harness.md `trace.batch`): reads programs from standard input, each a line
// with its length in bytes and then its body (emit_node_batch_body), runs one at a time and prints
// each trace followed by a line `--acx-end--`. A program ends where a process running it alone
// would exit: when none of its timers, intervals and immediates is left and the ticks and
// microtasks after them have run, or at an exception no listener of the program takes. What the
// driver does on its own while a program runs is hidden from the program's hooks.
//
// The driver acx writes is harness.cjs followed by this file: async_hooks, AsyncLocalStorage,
// AsyncResource, EventEmitter and acxHarness come from there.
{
  const fs = require('fs');
  const real = { setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate };
  const live = new Set();  // the program's timers, intervals and immediates not yet run or cleared
  const doomed = new Set();  // left by a program that ended with an uncaught exception
  let running = null;  // { acx, checking, exceptions }: the program being run
  let input = Buffer.alloc(0);
  const writeAll = (text) => {
    const buffer = Buffer.from(text);
    for (let off = 0; off < buffer.length;) {
      try { off += fs.writeSync(1, buffer, off); } catch (e) { if (e.code !== 'EAGAIN') throw e; }
    }
  };
  // Ended means: none of the program's timers, intervals or immediates is pending at a turn of the
  // check phase scheduled after its last callback. Ticks and microtasks drain before the check
  // phase, and Node's native immediates (destroy events) run before the JS ones, so one turn
  // suffices, unless an uncaught exception was taken meanwhile: Node then runs the ticks left only
  // after the immediate it queues, which may come after this check, so the check is made again.
  // The check's immediate is the driver's: acx.outside() hides it from the program's hooks.
  const maybeDone = () => {
    const program = running;
    if (!program || live.size !== 0 || program.checking) return;
    program.checking = true;
    const exceptions = program.exceptions;
    const check = program.acx.outside(() => real.setImmediate(() => {
      if (running !== program) return;
      program.checking = false;
      if (live.size !== 0) return;
      if (program.exceptions === exceptions) finish(0); else maybeDone();
    }));
    program.acx.hide(check[asyncIdSymbol]);
  };
  // Where Node keeps a timer's or immediate's async id (lib/internal/timers.js: async_id_symbol, described 'asyncId').
  const asyncIdSymbol = (() => {
    const probe = real.setImmediate(() => {});
    real.clearImmediate(probe);
    return Object.getOwnPropertySymbols(probe).find((s) => String(s) === 'Symbol(asyncId)');
  })();
  // The timer functions a program gets: they track what it has pending, and once it has ended
  // (code it left still runs after an uncaught exception) they schedule nothing, so that nothing
  // of it runs, or throws, during a later program.
  const timersFor = (program) => {
    const ended = () => running !== program;
    const once = (name) => (cb, ...args) => {
      if (ended()) return undefined;
      const h = real[name](function (...a) {
        if (doomed.delete(h)) return;
        live.delete(h);
        try { return cb.apply(this, a); } finally { maybeDone(); }
      }, ...args);
      live.add(h);
      return h;
    };
    const timers = {
      setTimeout: once('setTimeout'),
      setImmediate: once('setImmediate'),
      setInterval: (cb, ...args) => {
        if (ended()) return undefined;
        const h = real.setInterval(function (...a) {
          if (doomed.has(h)) return;
          try { return cb.apply(this, a); } finally { maybeDone(); }
        }, ...args);
        live.add(h);
        return h;
      },
    };
    for (const name of ['clearTimeout', 'clearInterval', 'clearImmediate']) {
      timers[name] = (h) => {
        if (ended()) return;
        live.delete(h);
        real[name](h);
        maybeDone();
      };
    }
    return timers;
  };
  // The first executionAsyncResource() call switches Node's tracking of execution resources on for
  // the rest of the process (lib/internal/async_hooks.js: kUsesExecutionAsyncResource; getStore()
  // of the hook model calls it too). Switched on here once, it is the same for every program;
  // traces do not depend on it (2,000 random programs compared with and without it on Node 16 to
  // 26), and no program has to restart the driver for having observed it.
  if (async_hooks.executionAsyncResource) async_hooks.executionAsyncResource();
  const events = ['uncaughtException', 'unhandledRejection'];
  function finish(code, exiting = false) {
    const { acx } = running;
    running = null;
    const trace = acx.finish(code);
    // A hook enabled without callbacks installs Node's promise hook, and disabling it does not
    // uninstall it (lib/internal/async_hooks.js: enable() always calls updatePromiseHookMode(),
    // disable() calls disableHooks() only if a callback was counted), so later programs would see
    // promises tracked. A hook with a callback, enabled and disabled, uninstalls it a microtask
    // later, before the next program arrives: each program starts as in a process of its own.
    async_hooks.createHook({ init() {} }).enable().disable();
    for (const name of events)
      for (const l of process.listeners(name)) if (l !== fatal) process.removeListener(name, l);
    if (exiting) return writeAll(trace + '--acx-exiting--\n--acx-end--\n');
    const next = () => {
      writeAll(trace + '--acx-end--\n');
      // acx sends the next program only after this trace; one sent ahead (by hand) is read too.
      read();
    };
    if (!code) return next();
    // What the program left must not run during the next one: its timers and intervals are
    // cleared; its immediates run as no-ops (clearing an immediate from inside Node's handling of
    // an exception thrown by another one can leave Node's immediate queue stuck), and the trace
    // goes out from an immediate queued after them (no hook of the program is enabled any more).
    for (const h of live) {
      if (typeof h.refresh === 'function') real.clearTimeout(h);
      else doomed.add(h);
    }
    live.clear();
    real.setImmediate(next);
  }
  function start(body) {
    const acx = acxHarness(true);
    running = { acx, checking: false, exceptions: 0 };
    const timers = timersFor(running);
    // A Function body sees only globals: what a program uses besides them comes as parameters.
    const program = new Function('acx', 'async_hooks', 'AsyncLocalStorage', 'AsyncResource', 'EventEmitter',
                                 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval',
                                 'clearImmediate', "'use strict';\n" + body);
    try {
      program(acx, async_hooks, AsyncLocalStorage, AsyncResource, EventEmitter, timers.setTimeout,
              timers.setInterval, timers.setImmediate, timers.clearTimeout, timers.clearInterval,
              timers.clearImmediate);
      acx.returned();
    } finally {
      // Also when the top level throws and a listener of the program takes the exception.
      maybeDone();
    }
  }
  // Standard input is read with fs.read, not as a stream: a stream's machinery would queue a tick
  // after the callback that starts the program, with the program's hooks enabled. The program runs
  // inside the read's callback, which stands for the main script. Each read is made in the
  // driver's own first context, so that the program starts, as a main script does, without the
  // context frame the last program left (`microtask.resource` depends on it).
  const chunk = Buffer.alloc(1 << 16);
  const outer = new AsyncResource('acx-driver');
  const read = () => outer.runInAsyncScope(readNext);
  // The next whole program of the input read so far, taken out of it; null if none is complete.
  const takeProgram = () => {
    const newline = input.indexOf(10);
    if (newline < 0) return null;
    const length = Number(input.slice(0, newline).toString());
    if (input.length < newline + 1 + length) return null;
    const body = input.slice(newline + 1, newline + 1 + length).toString();
    input = input.slice(newline + 1 + length);
    return body;
  };
  function readNext() {
    const waiting = takeProgram();
    // From a later turn, as the next read's callback would be.
    if (waiting !== null) return real.setImmediate(() => start(waiting));
    fs.read(0, chunk, 0, chunk.length, null, (error, n) => {
      if (error && error.code === 'EAGAIN') return real.setTimeout(read, 1);
      if (error || n === 0) return;  // standard input closed: the driver is done
      input = Buffer.concat([input, chunk.slice(0, n)]);
      const body = takeProgram();
      if (body === null) return read();
      start(body);
    });
  }
  read();
  // An exception no listener of the program takes would end a process running the program alone,
  // with exit code 1, right here: the trace ends the same way. What the program left is made inert
  // (its timers cleared, its hooks and stores unable to come back), and its last ticks and
  // microtasks run before the next program arrives.
  const fatal = (error) => {
    if (!running) return;
    // For whoever reads the driver's standard error: what ended the program.
    if (process.listenerCount('uncaughtException') === 1)
      fs.writeSync(2, 'acx batch driver: uncaught: ' + (error && error.stack ? error.stack : String(error)) + '\n');
    running.exceptions++;
    if (process.listenerCount('uncaughtException') === 1) finish(1);
  };
  process.on('uncaughtException', fatal);
  // process.exit() during a program (Node's answer to a hook callback that throws:
  // `hooks.callback-throws`) ends the driver: the trace ends as the program's process would, and
  // the line `--acx-exiting--` tells acx to start a new driver.
  process.on('exit', (code) => { if (running) finish(code, true); });
}
