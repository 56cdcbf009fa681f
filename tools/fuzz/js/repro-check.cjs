// ---- acx repro: compare with the model ----
// The self-check of a repro.js (acx fuzz): repro.cpp inserts it before the scenario, after the
// constants ALLOWED (the traces the model allows, as event descriptions), REFERENCE (who allows
// them) and PROJECTION ('full' or the stores projection). It runs when the harness prints the
// trace (it calls globalThis.__acxWrite at exit). The renaming and the event descriptions are those
// of reference/src/trace/canonical.cpp.
globalThis.__acxWrite = (text) => {
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  const meta = lines.shift();
  const names = new Map();
  let next = 2;
  const rename = (raw) => {
    if (raw === 0 || raw === -1) return raw;
    if (raw === meta.root) return 1;
    if (!names.has(raw)) names.set(raw, next++);
    return names.get(raw);
  };
  const name = (id) => (id === 0 ? '0' : id === -1 ? 'NaN' : id === 1 ? 'root' : '#' + id);
  const describe = (e) => {
    switch (e.event) {
      case 'init': {
        const id = rename(e.id), trigger = rename(e.trigger), eid = rename(e.eid);
        return `init ${e.type} ${name(id)} trigger=${name(trigger)} eid=${name(eid)} [${e.hook}]`;
      }
      case 'observe': {
        const eid = rename(e.eid), tid = rename(e.tid);
        let stores = e.stores.map(([n, v]) => ` ${n}=${v}`).join('');
        if (e.error !== undefined) stores += ` error=${e.error}`;
        if (e.resource !== undefined) stores += ` executionAsyncResource=${e.resource}`;
        return `observe "${e.label}" eid=${name(eid)} tid=${name(tid)}${stores}`;
      }
      case 'exit': return `exit code=${e.code}`;
      case 'resource': {
        const id = rename(e.id), trigger = rename(e.trigger);
        return `resource "${e.label}" asyncId=${name(id)} triggerAsyncId=${name(trigger)}`;
      }
      default: return `${e.event} ${name(rename(e.id))} [${e.hook}]`;
    }
  };
  // The stores projection (spec/capabilities.md): observe and exit events, without ids.
  const projected = PROJECTION === 'full' ? lines : lines
    .filter((e) => e.event === 'observe' || e.event === 'exit')
    .map((e) => (e.event === 'observe' ? { ...e, eid: 0, tid: 0, resource: undefined } : e));
  const observed = projected.map(describe);
  const same = (t) => t.length === observed.length && t.every((x, i) => x === observed[i]);
  const ok = ALLOWED.some(same);
  const expected = ALLOWED[0];
  const out = [`${meta.runtime}: the observed trace${PROJECTION === 'full' ? '' : ' (its stores)'} is ` +
               `${ok ? '' : 'NOT '}one ${REFERENCE} allows (${ALLOWED.length} allowed trace(s); the first is shown)`,
               `${'#'.padStart(4)}  ${REFERENCE.padEnd(60)}  observed`];
  for (let i = 0; i < Math.max(expected.length, observed.length); i++) {
    const a = expected[i] || '', b = observed[i] || '';
    out.push(`${String(i + 1).padStart(4)}${a === b ? ' ' : '*'} ${a.padEnd(60)}  ${b}`);
  }
  require('fs').writeSync(1, out.join('\n') + '\n');
};
