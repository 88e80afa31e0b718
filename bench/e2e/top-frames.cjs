// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per package/file, so the
// frames that bound throughput can be named.  node bench/e2e/top-frames.cjs <file.cpuprofile> [count]
const { readFileSync } = require('node:fs');

const [file, countArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const count = Number(countArg ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i += 1) {
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
