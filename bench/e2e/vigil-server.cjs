// The system under test in its own process, so its CPU and RSS are measured apart from the load
// generator and the nurses' sockets: startVigil (ingest + scorer + api) from the TypeScript sources.
// Options arrive as JSON in BENCH_VIGIL_OPTIONS; the parent asks for stats and stops it over IPC.
require('../../tools/register-ts.cjs');
const path = require('node:path');
const { constants, monitorEventLoopDelay, PerformanceObserver } = require('node:perf_hooks');
const { startVigil } = require(path.join(__dirname, '../../apps/vigil/src/start-vigil.ts'));

// How late Vigil's event loop ran timers: a stalled loop delays every reading and alert it holds.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
// Garbage-collection pauses in the same window: the longest scavenge and mark-compact, and the total.
let gc = { scavengeMaxMs: 0, markCompactMaxMs: 0, totalMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.totalMs += entry.duration;
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
      gc.markCompactMaxMs = Math.max(gc.markCompactMaxMs, entry.duration);
    else if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)
      gc.scavengeMaxMs = Math.max(gc.scavengeMaxMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

// Vigil's own PostgreSQL transactions, counted where it sends them (every pg client of this process): an
// explicit BEGIN … COMMIT is one, a statement outside one is one. PostgreSQL's counter (pg_stat_database) is
// flushed by each backend at most once a second, and later when it goes idle, so a step's figure from it
// can carry the step before; this one cannot. Also the statements that started them, for the profile.
let transactions = { total: 0, byStatement: new Map(), statements: 0, statementsByText: new Map() };
{
  const pg = require('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') {
      const head = text.replace(/\s+/g, ' ').trim().slice(0, 60);
      const verb = head.split(' ', 1)[0].toUpperCase();
      transactions.statements += 1;
      transactions.statementsByText.set(head, (transactions.statementsByText.get(head) ?? 0) + 1);
      if (verb === 'COMMIT' || verb === 'ROLLBACK' || verb === 'END') this.vigilBenchInTransaction = false;
      else if (!this.vigilBenchInTransaction) {
        if (verb === 'BEGIN' || verb === 'START') this.vigilBenchInTransaction = true;
        transactions.total += 1;
        transactions.byStatement.set(head, (transactions.byStatement.get(head) ?? 0) + 1);
      }
    }
    return query.call(this, config, ...rest);
  };
}

async function main() {
  const vigil = await startVigil(JSON.parse(process.env.BENCH_VIGIL_OPTIONS));
  process.on('message', async (m) => {
    if (m.type === 'stats') {
      if (m.gc && global.gc) global.gc();
      const eventLoopDelayMs = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
      const gcPauses = gc;
      const counted = transactions;
      if (m.resetLoop) {
        loopDelay.reset();
        gc = { scavengeMaxMs: 0, markCompactMaxMs: 0, totalMs: 0 };
        transactions = { total: 0, byStatement: new Map(), statements: 0, statementsByText: new Map() };
      }
      process.send({
        type: 'stats',
        id: m.id,
        cpu: process.cpuUsage(),
        memory: process.memoryUsage(),
        eventLoopDelayMs,
        gcPauses,
        transactions: {
          total: counted.total,
          // The statements that began the most, most first (a BEGIN stands for a whole transaction).
          top: [...counted.byStatement].sort((a, b) => b[1] - a[1]).slice(0, 8),
          // Every statement sent (BEGIN and COMMIT included), and the most frequent.
          statements: counted.statements,
          topStatements: [...counted.statementsByText].sort((a, b) => b[1] - a[1]).slice(0, 16),
        },
      });
    } else if (m.type === 'stop') {
      await vigil.stop();
      process.send({ type: 'stopped' });
      process.exit(0);
    }
  });
  process.send({ type: 'ready', httpUrl: vigil.httpUrl, mqttUrl: vigil.mqttUrl, pid: process.pid });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
