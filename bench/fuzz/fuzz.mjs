#!/usr/bin/env node
// The fuzzing bench (issue 12): mutated and random device payloads through the embedded broker into ingest.
//
//   npm run fuzz -- [--messages 1000000] [--seed 20261205] [--clients 6] [--window 32] [--json out.json]
//
// Prints messages sent, acknowledged, stored, dead-lettered, redeliveries, statuses, oversize packets refused,
// crashes (must be 0) and unaccounted acknowledged messages (must be 0); exits 1 when either is not 0.
// Needs only the repo and the local PostgreSQL (it creates and drops its own database). `npm test` runs the
// 10,000-message form (libs/ingest/test/integration/broker-fuzz.integration-spec.ts).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
require('../../tools/register-ts.cjs');
const { runBrokerFuzz } = require('../../libs/ingest/test/fuzz/broker-fuzz.ts');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const messages = Number(option('messages', '10000'));
const seed = Number(option('seed', '20261205'));
const clients = Number(option('clients', '6'));
const window = Number(option('window', '32'));
const json = option('json', null);
if (!Number.isInteger(messages) || messages < 1) {
  console.error('usage: npm run fuzz -- --messages <n> [--seed n] [--clients n] [--window n] [--json file]');
  process.exit(2);
}

console.log(`fuzz: ${messages} messages, seed ${seed}, ${clients} clients × ${window} in flight`);
const result = await runBrokerFuzz({
  messages,
  seed,
  clients,
  window,
  onProgress: (sent) => {
    if (sent % 100_000 === 0) console.log(`fuzz: ${sent} sent`);
  },
});
const lines = [
  ['messages sent', result.sent],
  ['acknowledged (PUBACK)', result.acknowledged],
  ['  stored (≥ 1 observation)', result.stored],
  ['  dead-lettered only', result.deadLettered],
  ['  redeliveries absorbed', result.duplicates],
  ['  status messages', result.statuses],
  ['refused oversize, unacknowledged', result.refusedOversize],
  ['  their dead letters', result.oversizeDeadLetters],
  ['observations on the stream', result.observations],
  ['dead-letter rows (= events)', `${result.deadLetterRows} (${result.deadLetterEvents})`],
  ['crashes', result.crashes],
  ['unaccounted acknowledged', result.unaccounted],
  ['seconds', result.seconds.toFixed(1)],
  ['messages/s', (result.sent / result.seconds).toFixed(0)],
];
for (const [label, value] of lines) console.log(`${label.padEnd(36)} ${value}`);
if (result.crashMessages.length) console.log(`crash messages:\n  ${result.crashMessages.join('\n  ')}`);
if (json) writeFileSync(json, JSON.stringify({ seed, clients, window, ...result }, null, 2));
const ok =
  result.crashes === 0 &&
  result.unaccounted === 0 &&
  result.oversizeDeadLetters === result.refusedOversize &&
  result.deadLetterRows === result.deadLetterEvents;
process.exit(ok ? 0 : 1);
