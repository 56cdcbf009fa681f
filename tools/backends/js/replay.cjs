// Replays a batch by hand as acx runs it (`acx emit --batch` writes it beside driver.cjs and input):
// starts the driver next to it and sends the programs of `input` one at a time, each after the
// trace of the one before (a driver that finds a program already waiting starts it from another
// kind of callback).
'use strict';
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
