#include "acx/backends/node_emitter.h"

#include <fmt/format.h>

#include <functional>

#include "acx/scenario/ops.h"
#include "acx/scenario/printer.h"

namespace acx::backends {

using scenario::Block;
using scenario::Op;
using scenario::Statement;

namespace {

// The harness: records hook and observe events, keeps every resource alive (`trace.retain`), marks
// which ids belong to the scenario (`trace.scope`) and prints the trace when the process exits.
constexpr const char* kRequires = R"JS('use strict';
const async_hooks = require('async_hooks');
const { AsyncLocalStorage, AsyncResource } = async_hooks;
const EventEmitter = require('events');
)JS";

// `batch` is false for a standalone program, which prints its trace at process exit; the batch
// driver passes true, calls finish() itself when the program has ended and prints what it returns.
constexpr const char* kHarness = R"JS(function acxHarness(batch) {
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
)JS";

// The batch driver (spec/harness.md `trace.batch`): reads programs from standard input, each a line
// with its length in bytes and then its body (emit_node_batch_body), runs one at a time and prints
// each trace followed by a line `--acx-end--`. A program ends where a process running it alone
// would exit: when none of its timers, intervals and immediates is left and the ticks and
// microtasks after them have run, or at an exception no listener of the program takes. What the
// driver does on its own while a program runs is hidden from the program's hooks.
constexpr const char* kDriver = R"JS(
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
)JS";

// Replays a batch by hand as acx runs it: starts the driver next to it and sends the programs of
// `input` one at a time, each after the trace of the one before (a driver that finds a program
// already waiting starts it from another kind of callback).
constexpr const char* kReplay = R"JS('use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const input = fs.readFileSync(path.join(__dirname, 'input'));
const programs = [];
for (let at = 0; at < input.length;) {
  const newline = input.indexOf(10, at);
  const length = Number(input.slice(at, newline).toString());
  programs.push(input.slice(at, newline + 1 + length));
  at = newline + 1 + length;
}
const driver = spawn(process.execPath, [...process.execArgv, path.join(__dirname, 'driver.cjs')],
                     { stdio: ['pipe', 'pipe', 'inherit'] });
let next = 0;
let pending = '';
const send = () => { if (next < programs.length) driver.stdin.write(programs[next++]); else driver.stdin.end(); };
driver.stdout.on('data', (chunk) => {
  pending += chunk;
  for (let end; (end = pending.indexOf('--acx-end--\n')) >= 0;) {
    process.stdout.write(pending.slice(0, end + 12));
    pending = pending.slice(end + 12);
    send();
  }
});
send();
)JS";

// U+2028 and U+2029 end a line in JavaScript (also inside `//` comments), but not in JSON.
std::string js_safe(std::string text) {
  for (const char* sep : {"\xE2\x80\xA8", "\xE2\x80\xA9"}) {
    for (std::size_t at = text.find(sep); at != std::string::npos; at = text.find(sep, at))
      text.replace(at, 3, sep[2] == '\xA8' ? "\\u2028" : "\\u2029");
  }
  return text;
}

class Emitter {
 public:
  /// `comments`: each statement preceded by its scenario text (standalone programs are read by
  /// people; a batch body is compiled thousands of times a second).
  Emitter(const scenario::Scenario& s, bool comments) : scenario_(s), comments_(comments) {
    std::function<void(const Block&)> visit = [&](const Block& b) {
      for (const auto& st : b) {
        if (!st.binding.empty()) names_.push_back(st.binding);
        if (st.op == Op::NewAls) als_.push_back(st.binding);
        // Bindings that can hold the object executionAsyncResource() returns.
        const scenario::Kind kind = spec_of(st.op).result;
        if (st.op == Op::ObserveExecution) uses_execution_ = true;
        if (!st.binding.empty() && (kind == scenario::Kind::Timer || kind == scenario::Kind::Immediate ||
                                    kind == scenario::Kind::Resource || kind == scenario::Kind::Promise))
          objects_.push_back({st.binding, kind});
        for (const auto& inner : st.blocks) visit(inner);
      }
    };
    visit(s.body);
  }

  std::string program(const std::string& source) {
    std::string out =
        fmt::format("// Generated by acx from {}{}. Run: node FILE (prints the trace as JSON Lines).\n",
                    source, scenario_.header.id.empty() ? "" : " (" + scenario_.header.id + ")");
    out += kRequires;
    out += kHarness;
    out += "const acx = acxHarness(false);\n";
    out += body();
    return out;
  }

  /// What follows the harness: the scenario's variables and statements. Call once.
  std::string body() {
    // The top level is scenario code until it ends, also when it throws (`trace.scope`).
    std::string code = "// ---- scenario ----\ntry {\n";
    block(code, scenario_.body, 1);
    code += "} finally {\n  acx.done();\n}\n";
    // Resolver variables are known only once the statements were emitted.
    std::string out = resolver_declarations();
    if (!names_.empty()) {
      out += "let";
      for (std::size_t i = 0; i < names_.size(); ++i) out += fmt::format("{} v_{}", i ? "," : "", names_[i]);
      out += ";\n";
    }
    // executionAsyncResource() has a side effect (Node starts tracking resources), so the harness
    // calls it only for scenarios that observe it.
    if (uses_execution_) out += "acx.captureTop();\n";
    return out + code;
  }

 private:
  static std::string value(const scenario::Value& v) {
    if (v.kind == scenario::Value::Kind::Name) return "v_" + v.text;
    return js_safe(to_literal(v));
  }

  void block(std::string& out, const Block& b, int depth) {
    for (const auto& st : b) statement(out, st, depth);
  }

  // An asynchronous callback: scenario code that the runtime calls later (`trace.scope`).
  std::string callback(const Block& b, int depth, const char* params = "") {
    std::string body;
    block(body, b, depth + 1);
    return fmt::format("acx.callback(({}) => {{\n{}{}}})", params, body, indent(depth));
  }

  /// The observe argument listing every AsyncLocalStorage: [['a', v_a], ...].
  std::string stores() const {
    std::string out;
    for (const auto& a : als_) out += fmt::format("{}['{}', v_{}]", out.empty() ? "" : ", ", a, a);
    return out;
  }

  static std::string indent(int depth) { return std::string(static_cast<std::size_t>(depth) * 2, ' '); }

  void statement(std::string& out, const Statement& st, int depth) {
    const std::string in = indent(depth);
    const std::string bind = st.binding.empty() ? "" : "v_" + st.binding + " = ";
    if (comments_) out += in + "// " + js_safe(scenario::print_head(st)) + "\n";
    switch (st.op) {
      case Op::CreateHook: {
        std::string callbacks, bodies;
        for (const auto& a : st.args)
          callbacks += fmt::format("{}'{}'", callbacks.empty() ? "" : ", ", a.text);
        for (std::size_t b = 0; b < st.blocks.size(); ++b) {
          std::string body;
          block(body, st.blocks[b], depth + 2);
          bodies += fmt::format("{}  {}: () => {{\n{}{}  }},\n", bodies.empty() ? "\n" : "", st.labels[b],
                                body, in);
        }
        out += fmt::format("{}{}acx.hook('{}', [{}]{});\n", in, bind, st.binding, callbacks,
                           bodies.empty() ? "" : ", {" + bodies + in + "}");
        break;
      }
      case Op::HookEnable:
        out += fmt::format("{}v_{}.enable();\n", in, st.receiver);
        break;
      case Op::HookDisable:
        out += fmt::format("{}v_{}.disable();\n", in, st.receiver);
        break;
      case Op::NewAls:
        // new AsyncLocalStorage("name", defaultValue) stands for new AsyncLocalStorage({ name, defaultValue
        // }).
        out += st.args.empty()
                   ? fmt::format("{}{}acx.storage(new AsyncLocalStorage());\n", in, bind)
                   : fmt::format("{}{}acx.storage(new AsyncLocalStorage({{ name: {}{} }}));\n", in, bind,
                                 value(st.args[0]),
                                 st.args.size() > 1 ? ", defaultValue: " + value(st.args[1]) : "");
        break;
      case Op::AlsRun: {
        std::string body;
        block(body, st.blocks[0], depth + 1);
        out +=
            fmt::format("{}v_{}.run({}, () => {{\n{}{}}});\n", in, st.receiver, value(st.args[0]), body, in);
        break;
      }
      case Op::Observe:
        out += fmt::format("{}acx.observe({}, [{}]);\n", in, value(st.args[0]), stores());
        break;
      case Op::NextTick:
        out += fmt::format("{}process.nextTick({});\n", in, callback(st.blocks[0], depth));
        break;
      case Op::QueueMicrotask:
        out += fmt::format("{}queueMicrotask({});\n", in, callback(st.blocks[0], depth));
        break;
      case Op::SetTimeout:
        out += fmt::format("{}{}setTimeout({}, {});\n", in, bind, callback(st.blocks[0], depth),
                           st.args[0].number);
        break;
      case Op::SetImmediate:
        out += fmt::format("{}{}setImmediate({});\n", in, bind, callback(st.blocks[0], depth));
        break;
      case Op::ClearTimeout:
        out += fmt::format("{}clearTimeout(v_{});\n", in, st.args[0].text);
        break;
      case Op::ClearImmediate:
        out += fmt::format("{}clearImmediate(v_{});\n", in, st.args[0].text);
        break;
      case Op::NewPromise: {
        std::string body;
        if (!st.blocks.empty()) block(body, st.blocks[0], depth + 1);
        // The executor runs synchronously inside the statement, so it is not a separate callback.
        out += fmt::format(
            "{}{}acx.keep(new Promise((resolve, reject) => {{\n{}  resolve_{} = resolve;\n{}  reject_{} = "
            "reject;\n{}{}}}));\n",
            in, bind, in, st.binding, in, st.binding, body, in);
        resolvers_.push_back(st.binding);
        break;
      }
      case Op::PromiseResolve:
        out += fmt::format("{}{}acx.keep(Promise.resolve({}));\n", in, bind,
                           st.args.empty() ? "" : value(st.args[0]));
        break;
      case Op::PromiseReject:
        out += fmt::format("{}{}acx.keep(Promise.reject({}));\n", in, bind,
                           st.args.empty() ? "" : value(st.args[0]));
        break;
      case Op::Then: {
        // Without a block, then() gets the identity function, which settles the derived promise
        // exactly as a missing handler does (`promise.then-passthrough`).
        std::string handlers = st.block("") ? callback(*st.block(""), depth, "v") : "acx.callback((v) => v)";
        if (st.block("rejected")) handlers += ", " + callback(*st.block("rejected"), depth, "e");
        out += fmt::format("{}{}acx.keep(v_{}.then({}));\n", in, bind, st.receiver, handlers);
        break;
      }
      case Op::Catch:
        out += fmt::format("{}{}acx.keep(v_{}.catch({}));\n", in, bind, st.receiver,
                           callback(st.blocks[0], depth, "e"));
        break;
      case Op::Finally:
        out += fmt::format("{}{}acx.keep(v_{}.finally({}));\n", in, bind, st.receiver,
                           callback(st.blocks[0], depth));
        break;
      case Op::Resolve:
      case Op::Reject:
        // Inside a thenable's block these are its then's parameters; elsewhere the kept functions.
        out += fmt::format("{}{}_{}({});\n", in, st.op == Op::Resolve ? "resolve" : "reject", st.receiver,
                           st.args.empty() ? "" : value(st.args[0]));
        break;
      case Op::Throw:
        out += fmt::format("{}throw {};\n", in, value(st.args[0]));
        break;
      case Op::Try: {
        std::string text;
        block(text, st.blocks[0], depth + 1);
        out += fmt::format("{}try {{\n{}{}}}", in, text, in);
        if (const Block* c = st.block("catch")) {
          std::string inner;
          block(inner, *c, depth + 1);
          out += fmt::format(" catch (e) {{\n{}{}}}", inner, in);
        }
        if (const Block* f = st.block("finally")) {
          std::string inner;
          block(inner, *f, depth + 1);
          out += fmt::format(" finally {{\n{}{}}}", inner, in);
        }
        out += "\n";
        break;
      }
      case Op::Function:
        out += fmt::format("{}{}{};\n", in, bind, callback(st.blocks[0], depth));
        break;
      case Op::AsyncFunction: {
        // Scenario code runs from the call or a resumption to the next await or the end (`trace.scope`).
        std::string body;
        block(body, st.blocks[0], depth + 2);
        out += fmt::format(
            "{}{}async function () {{\n{}  acx.enter();\n{}  try {{\n{}{}  }} finally {{\n{}    "
            "acx.leave();\n{}  }}\n{}}};\n",
            in, bind, in, in, body, in, in, in, in);
        break;
      }
      case Op::Call:
        out += fmt::format("{}{}{};\n", in, bind,
                           st.binding.empty() ? fmt::format("v_{}()", st.receiver)
                                              : fmt::format("acx.keep(v_{}())", st.receiver));
        break;
      case Op::Return:
        out += fmt::format("{}return {};\n", in, st.args.empty() ? "" : value(st.args[0]));
        break;
      case Op::Await:
        out +=
            fmt::format("{}acx.leave();\n{}try {{\n{}  await {};\n{}}} finally {{\n{}  acx.enter();\n{}}}\n",
                        in, in, in, st.args.empty() ? "undefined" : value(st.args[0]), in, in, in);
        break;
      case Op::Thenable: {
        std::string body;
        block(body, st.blocks[0], depth + 1);
        out += fmt::format("{}{}{{ then: acx.callback((resolve_{}, reject_{}) => {{\n{}{}}}) }};\n", in, bind,
                           st.binding, st.binding, body, in);
        break;
      }
      case Op::AlsExit: {
        std::string body;
        block(body, st.blocks[0], depth + 1);
        out += fmt::format("{}v_{}.exit(() => {{\n{}{}}});\n", in, st.receiver, body, in);
        break;
      }
      case Op::AlsEnterWith:
        out += fmt::format("{}v_{}.enterWith({});\n", in, st.receiver, value(st.args[0]));
        break;
      case Op::AlsDisable:
        out += fmt::format("{}v_{}.disable();\n", in, st.receiver);
        break;
      case Op::Snapshot:
        out += fmt::format("{}{}AsyncLocalStorage.snapshot();\n", in, bind);
        break;
      case Op::SnapshotRun:
        out += fmt::format("{}v_{}({});\n", in, st.receiver, callback(st.blocks[0], depth));
        break;
      case Op::AlsBind:
        out += fmt::format("{}{}AsyncLocalStorage.bind(v_{});\n", in, bind, st.args[0].text);
        break;
      case Op::StaticBind:
        out += fmt::format("{}{}AsyncResource.bind(v_{});\n", in, bind, st.args[0].text);
        break;
      case Op::ResourceBind:
        out += fmt::format("{}{}v_{}.bind(v_{});\n", in, bind, st.receiver, st.args[0].text);
        break;
      case Op::NewResource: {
        std::string args;
        for (const auto& a : st.args) args += (args.empty() ? "" : ", ") + value(a);
        out += fmt::format("{}{}new AsyncResource({});\n", in, bind, args);
        break;
      }
      case Op::RunInScope:
        out += fmt::format("{}v_{}.runInAsyncScope({});\n", in, st.receiver, callback(st.blocks[0], depth));
        break;
      case Op::EmitDestroy:
        out += fmt::format("{}v_{}.emitDestroy();\n", in, st.receiver);
        break;
      case Op::ObserveResource:
        out += fmt::format("{}acx.observeResource({}, v_{});\n", in, value(st.args[0]), st.args[1].text);
        break;
      case Op::ObserveExecution: {
        std::string objects;
        for (const auto& [name, kind] : objects_)
          objects += fmt::format("{}['{}', v_{}]", objects.empty() ? "" : ", ", name, name);
        out += fmt::format("{}acx.observeExecution({}, [{}], [{}]);\n", in, value(st.args[0]), stores(),
                           objects);
        break;
      }
      case Op::ObserveError:
        out += fmt::format("{}acx.observe({}, [{}], e);\n", in, value(st.args[0]), stores());
        break;
      case Op::NewEmitter:
        out += fmt::format("{}{}new EventEmitter();\n", in, bind);
        break;
      case Op::On:
        out += fmt::format("{}v_{}.on({}, {});\n", in, st.receiver, value(st.args[0]),
                           st.blocks.empty() ? "v_" + st.args[1].text : callback(st.blocks[0], depth));
        break;
      case Op::Emit:
        out += fmt::format("{}v_{}.emit({});\n", in, st.receiver, value(st.args[0]));
        break;
      case Op::SetInterval:
        out += fmt::format("{}{}setInterval({}, {});\n", in, bind, callback(st.blocks[0], depth),
                           st.args[0].number);
        break;
      case Op::ClearInterval:
        out += fmt::format("{}clearInterval(v_{});\n", in, st.args[0].text);
        break;
      case Op::PromiseAll:
      case Op::PromiseAllSettled:
      case Op::PromiseRace:
      case Op::PromiseAny: {
        std::string list;
        for (const auto& a : st.args) list += (list.empty() ? "" : ", ") + value(a);
        out += fmt::format("{}{}acx.keep({}([{}]));\n", in, bind, spec_of(st.op).spelling, list);
        break;
      }
      case Op::ProcessOn:
        out +=
            fmt::format("{}acx.processOn({}, {});\n", in, value(st.args[0]), callback(st.blocks[0], depth));
        break;
    }
  }

 public:
  std::string resolver_declarations() const {
    if (resolvers_.empty()) return "";
    std::string out = "let";
    for (std::size_t i = 0; i < resolvers_.size(); ++i)
      out += fmt::format("{} resolve_{}, reject_{}", i ? "," : "", resolvers_[i], resolvers_[i]);
    return out + ";\n";
  }

 private:
  const scenario::Scenario& scenario_;
  std::vector<std::string> names_;
  std::vector<std::string> als_;
  std::vector<std::pair<std::string, scenario::Kind>> objects_;
  bool uses_execution_ = false;
  std::vector<std::string> resolvers_;
  bool comments_;
};

}  // namespace

std::string emit_node_program(const scenario::Scenario& scenario, const std::string& source) {
  Emitter emitter(scenario, true);
  return emitter.program(source);
}

std::string emit_node_batch_body(const scenario::Scenario& scenario) {
  Emitter emitter(scenario, false);
  return emitter.body();
}

std::string node_batch_driver() {
  return std::string(kRequires) + kHarness + kDriver;
}

std::string node_batch_replay() {
  return kReplay;
}

}  // namespace acx::backends
