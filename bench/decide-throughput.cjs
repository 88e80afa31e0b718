// The scorer's pure decision alone (issue 11): splitBatch → retrospectiveIds → decideReadings over batches like the
// end-to-end benchmark's (200 patients, 23 five-measurement messages per batch, all normal), no database, no
// stream. Prints µs per device message for six rounds (the first warms up).  node bench/decide-throughput.cjs
require('../tools/register-ts.cjs');
const {
  decideReadings,
  retrospectiveIds,
  splitBatch,
  DEFAULT_ALERTING_POLICY,
} = require('../libs/alerting/src/index.ts');
const { patient, reading } = require('../libs/alerting/src/rules/test-context.ts');
const { observationEvents } = require('../libs/contracts/src/index.ts');
const N = 200;
const patients = new Map();
const ids = [];
for (let i = 0; i < N; i++) {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  ids.push(id);
  patients.set(id, patient({ patientId: id }));
}
let states = new Map();
let t = Date.parse('2026-12-06T10:00:00Z');
function batch(n) {
  const obs = [];
  for (let k = 0; k < n; k++) {
    const pid = ids[Math.floor(Math.random() * N)];
    t += 1;
    const at = new Date(t).toISOString();
    const dev = `dev-${pid.slice(-4)}`;
    for (const [p, v] of [
      ['spo2', 96],
      ['heartRate', 70 + (k % 10)],
      ['respiratoryRate', 16],
      ['temperature', 37],
      ['systolicBp', 120],
    ])
      obs.push(reading(p, v, null, { patientId: pid, deviceId: dev, measuredAt: at, receivedAt: at }));
  }
  return observationEvents(obs);
}
const batches = Array.from({ length: 400 }, () => batch(23));
const now = new Date(t + 1000);
function run() {
  for (const events of batches) {
    const b = splitBatch(events);
    const late = retrospectiveIds(states, b.observations);
    const d = decideReadings({
      now,
      policy: DEFAULT_ALERTING_POLICY,
      patients,
      states,
      episodes: [],
      observations: b.observations.filter((o) => !late.has(o.id)),
      statuses: [],
    });
    for (const [k, v] of d.states) states.set(k, v);
  }
}
for (let r = 0; r < 6; r++) {
  states = new Map();
  const s = process.hrtime.bigint();
  run();
  const us = Number(process.hrtime.bigint() - s) / 1e3;
  console.log('µs per reading (message)', (us / (400 * 23)).toFixed(1));
}
