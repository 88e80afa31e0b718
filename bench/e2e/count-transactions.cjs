// Vigil's own PostgreSQL transactions, counted where it sends them (every pg client of the thread that loads
// this): an explicit BEGIN … COMMIT is one, a statement outside one is one. PostgreSQL's counter
// (pg_stat_database) is flushed by each backend at most once a second, and later when it goes idle, so a step's
// figure from it can carry the step before; this one cannot. Also the statements that started them, for the
// profile. vigil-server.cjs loads it on the main thread and has startVigil load it on the scorer's thread
// (`scorerThreadPreload`); `collect()` on the main thread adds the threads' counts, asked over a BroadcastChannel.
const { BroadcastChannel, isMainThread } = require('node:worker_threads');

let counts = { total: 0, byStatement: new Map() };
{
  const pg = require('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') {
      const head = text.replace(/\s+/g, ' ').trim().slice(0, 60);
      const verb = head.split(' ', 1)[0].toUpperCase();
      if (verb === 'COMMIT' || verb === 'ROLLBACK' || verb === 'END') this.vigilBenchInTransaction = false;
      else if (!this.vigilBenchInTransaction) {
        if (verb === 'BEGIN' || verb === 'START') this.vigilBenchInTransaction = true;
        counts.total += 1;
        counts.byStatement.set(head, (counts.byStatement.get(head) ?? 0) + 1);
      }
    }
    return query.call(this, config, ...rest);
  };
}

const channel = new BroadcastChannel('vigil-bench-transactions');
channel.unref();
function take(reset) {
  const taken = { total: counts.total, byStatement: [...counts.byStatement] };
  if (reset) counts = { total: 0, byStatement: new Map() };
  return taken;
}
if (!isMainThread) {
  channel.onmessage = ({ data }) => {
    if (data?.type === 'collect') channel.postMessage({ type: 'counts', id: data.id, ...take(data.reset) });
  };
}

let nextId = 1;
/** This thread's counts plus those of every thread that answers within `waitMs`; resets them all if asked. */
async function collect(reset, waitMs = 200) {
  const id = nextId++;
  const answers = [];
  const listener = ({ data }) => {
    if (data?.type === 'counts' && data.id === id) answers.push(data);
  };
  channel.addEventListener('message', listener);
  channel.postMessage({ type: 'collect', id, reset });
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  channel.removeEventListener('message', listener);
  const byStatement = new Map();
  let total = 0;
  for (const c of [take(reset), ...answers]) {
    total += c.total;
    for (const [head, n] of c.byStatement) byStatement.set(head, (byStatement.get(head) ?? 0) + n);
  }
  return { total, byStatement };
}

module.exports = { collect };
