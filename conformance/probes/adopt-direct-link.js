// Probe for spec/promises.md `promise.adopt`: a promise P resolved with a native promise Q while no
// promise hook is installed is linked to Q directly (V8's fast path: Q's reaction has P as its
// promise and no handlers). Is the job that later settles P a promise job like any other once a
// hook has been installed in between?
//   node adopt-direct-link.js hook: a hook enabled in a timer, then Q resolved: P's job runs
//     between before and after of P, which gets a lazy id there:
//     "promiseResolve 4 | after 2 | before P | promiseResolve P | after P | before 6" (Node 14 to
//     26; Node 10 and 12, whose PromiseWrap keeps no id on the promise, print the id for P).
//   node adopt-direct-link.js als: a finally F passes a rejection on through such a link after
//     AsyncLocalStorage.run enabled its hook in a queueMicrotask callback (the hook model); the
//     'unhandledRejection' listener sees p3 (rejected in that callback, never tracked) and then F,
//     tracked lazily in its job ("own" = F's id/trigger):
//     "p3 eid 0 own - | F eid 4 own 4/0" (Node 16 to 22: the promise's context is pushed);
//     "F eid 0 own 4/0" on Node 14 (nothing pushed), "F eid 0 own -" on Node 12 (PromiseWrap) and
//     on Node 24 and later (AsyncContextFrame: run enables no hook).
'use strict';
const ah = require('async_hooks');
const out = [];
const own = (p) => {
  const s = Object.getOwnPropertySymbols(p).map((k) => p[k]);
  return s.length ? s.join('/') : '-';
};

function hook() {
  let resolveQ, resolveP;
  const q = new Promise((r) => { resolveQ = r; });
  const p = new Promise((r) => { resolveP = r; });
  resolveP(q); // the thenable job runs untracked: the fast path links P to Q
  setTimeout(() => {
    let done = false;
    const log = (what) => (id) => { if (!done) out.push(`${what} ${id}`); };
    ah.createHook({ before: log('before'), after: log('after'), promiseResolve: log('promiseResolve') }).enable();
    resolveQ(1);
    p.then(() => { done = true; });
  }, 1);
  setTimeout(() => {
    const pid = own(p).split('/')[0];
    console.log(out.join(' | ').replace(new RegExp(`\\b${pid}\\b`, 'g'), 'P'));
  }, 20);
}

function als() {
  const a0 = new ah.AsyncLocalStorage();
  let f, p3;
  process.on('unhandledRejection', (r, p) => {
    out.push(`${p === f ? 'F' : p === p3 ? 'p3' : '?'} eid ${ah.executionAsyncId()} own ${own(p)}`);
  });
  let reject1;
  const p1 = new Promise((_, rj) => { reject1 = rj; });
  a0.run(undefined, () => reject1(undefined)); // the same store: run enables nothing
  f = p1.finally(() => {}); // F adopts a rejected promise: its thenable job runs untracked
  p1.catch(() => {
    let reject3;
    p3 = new Promise((_, rj) => { reject3 = rj; });
    queueMicrotask(() => a0.run(null, () => reject3(undefined))); // enables the hook
  });
  setTimeout(() => console.log(out.join(' | ')), 20);
}

if (process.argv[2] === 'als') {
  if (ah.AsyncLocalStorage) als();
  else console.log('no AsyncLocalStorage');
}
else hook();
