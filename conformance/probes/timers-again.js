// Probe for spec/time.md `time.timers-again`: can a timer made in the drain after a timers phase run
// before the check phase? Prints the order of A (a 1 ms timer), B (a timer made in a tick queued
// by A) and I (an immediate queued by A). The tick busy-waits 3 ms after making B and then makes
// another timer, a clock read that reaches B's deadline while the drain still runs.
//   A,B,I: another timers phase ran first (libuv <= 1.47: Node 10 to 20)
//   A,I,B: one timers phase per loop iteration (Node >= 22, Bun, Deno)
// Run: node conformance/probes/timers-again.js (bun / deno run -A work the same).
'use strict';
const order = [];
const busyWait = (ms) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin: the clock must move while the drain runs
  }
};
setTimeout(() => {
  order.push('A');
  setImmediate(() => order.push('I'));
  process.nextTick(() => {
    setTimeout(() => order.push('B'), 0);
    busyWait(3);
    setTimeout(() => {}, 50); // a clock read (Node's getLibuvNow)
  });
}, 1);
busyWait(2); // A is due when the loop starts
process.on('exit', () => console.log(order.join(',')));
