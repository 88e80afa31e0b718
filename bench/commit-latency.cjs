// How long one small PostgreSQL commit takes on this machine, as a floor under Vigil's durable and alert
// latencies: `node bench/commit-latency.cjs [commits per second = 200] [seconds = 30]`, against
// BENCH_DATABASE_URL (default the local server). Each commit inserts five 200-byte rows into an ordinary
// (WAL-logged) table, dropped at the end, as a journal flush of a few readings does. Prints one JSON line:
// p50 / p99 / p99.9 / max (ms) and how many commits took over 50 and 100 ms. Run it on a quiet machine;
// docs/performance.md records results.
const { Client } = require('pg');

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const [rate = 200, seconds = 30] = process.argv.slice(2).map(Number);
if (!(rate > 0 && seconds > 0)) {
  console.error('usage: node bench/commit-latency.cjs [commits per second > 0] [seconds > 0]');
  process.exit(2);
}

async function main() {
  const c = new Client({ connectionString: SERVER_URL });
  await c.connect();
  // Not TEMPORARY or UNLOGGED: their commits skip the WAL flush this measures.
  const table = `commit_latency_${process.pid}`;
  await c.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, v text)`);
  const latencies = [];
  const end = Date.now() + seconds * 1000;
  let next = Date.now();
  while (Date.now() < end) {
    next += 1000 / rate;
    const t = process.hrtime.bigint();
    await c.query(`INSERT INTO ${table} (v) SELECT repeat('x', 200) FROM generate_series(1, 5)`);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await c.query(`DROP TABLE ${table}`);
  await c.end();
  latencies.sort((a, b) => a - b);
  const at = (p) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1));
  console.log(
    JSON.stringify({
      commits: latencies.length,
      perSecond: rate,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      p999Ms: at(0.999),
      maxMs: Number(latencies[latencies.length - 1].toFixed(1)),
      over50Ms: latencies.filter((x) => x > 50).length,
      over100Ms: latencies.filter((x) => x > 100).length,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
