// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per package/file, and the time
// spent inside each of Vigil's own functions (libs/, apps/) with all it calls, as a share of busy (not idle) time,
// so the frames that bound throughput can be named.  node bench/e2e/top-frames.cjs <file.cpuprofile> [count]
// [fromSecondsBeforeEnd toSecondsBeforeEnd]: only the samples in that window (e.g. 25 5 for a step that ended 5 s
// before the profile did), leaving out start-up and the steps before.
const { readFileSync } = require('node:fs');

const [file, countArg, fromArg, toArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const count = Number(countArg ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
const at = [];
for (let i = 0, t = profile.startTime; i < profile.samples.length; i += 1) at.push((t += dt[i] ?? 0));
const end = at.at(-1) ?? profile.endTime;
const from = fromArg === undefined ? -Infinity : end - Number(fromArg) * 1e6;
const to = toArg === undefined ? Infinity : end - Number(toArg) * 1e6;
for (let i = 0; i < profile.samples.length; i += 1) {
  if (at[i] < from || at[i] > to) continue;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const area = new Map();
for (const [id, us] of self) {
  const { callFrame: c } = byId.get(id);
  const url = c.url.replace(/^file:\/\//, '').replace(/.*\/work\/main\//, '');
  const k = `${c.functionName || '(anonymous)'} ${url}:${c.lineNumber + 1}`;
  fn.set(k, (fn.get(k) ?? 0) + us);
  const pkg =
    url.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ??
    (url.startsWith('node:') ? url : url.split('/').slice(0, 2).join('/') || c.functionName);
  area.set(pkg, (area.get(pkg) ?? 0) + us);
}
const show = (title, m) => {
  console.log(`\n${title} (self time, ${(total / 1e6).toFixed(1)} s sampled)`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  }
};
show('by package / folder', area);
show('by function', fn);

// Inclusive: each sample counts once for every distinct Vigil function on its stack.
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map();
let busy = 0;
for (const [id, us] of self) {
  if (byId.get(id).callFrame.functionName === '(idle)') continue;
  busy += us;
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const { callFrame: c } = byId.get(at);
    const url = c.url.replace(/^file:\/\//, '').replace(/.*\/work\/[^/]+\//, '');
    if (!/^(libs|apps)\//.test(url)) continue;
    const k = `${c.functionName || '(anonymous)'} ${url}:${c.lineNumber + 1}`;
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}
console.log(`\nVigil's functions with what they call (share of ${(busy / 1e6).toFixed(1)} s busy)`);
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, count)) {
  console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
}
