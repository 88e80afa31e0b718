import type { CanonicalObservation, Parameter } from '@vigil/contracts';
import { severityRank } from '@vigil/contracts';
import fc from 'fast-check';
import { type AlertActionInput, AlertActionError, applyAlertAction } from './actions';
import type { AlertAuditEntry, AlertChanges, AlertRecord } from './alert-record';
import { type ClinicalState, currentScore, EMPTY_STATE, liveState } from './clinical-state';
import { decideReadings } from './decide';
import { DEFAULT_ALERTING_POLICY, DEFAULT_FRESHNESS_MINUTES } from './policy';
import { evaluateDeterioration } from './rules/deterioration.rule';
import { patient, reading } from './rules/test-context';
import { decideTimers } from './timers';

/**
 * Properties of the pure alerting core over generated event sequences (≥ 10,000 per property): readings
 * of every NEWS2 parameter at random event times and in random arrival order, falls, people acting on
 * alerts, and timers firing. Each run folds the events through the same functions the scorer and the api
 * call, carrying the unresolved episodes from step to step as the database would.
 */
const RUNS = 10_000;
const P = patient();
const T0 = Date.parse('2026-11-25T06:00:00Z');
const MIN = 60_000;

const NUMERIC: readonly [Parameter, number, number][] = [
  ['respiratoryRate', 6, 30],
  ['spo2', 85, 100],
  ['systolicBp', 80, 230],
  ['heartRate', 35, 140],
  ['temperature', 34.5, 40],
];

type Step =
  | { kind: 'reading'; parameter: Parameter; value: number; minute: number; arrival: number }
  | { kind: 'fall'; minute: number; arrival: number }
  | {
      kind: 'action';
      action: 'acknowledge' | 'escalate' | 'resolve' | 'snooze';
      which: number;
      arrival: number;
    }
  | { kind: 'timer'; arrival: number }
  /** A store-and-forward backlog: measured `late` minutes before it arrives (past the freshness window). */
  | { kind: 'backlog'; parameter: Parameter; value: number; late: number; arrival: number }
  | { kind: 'backlog-fall'; late: number; arrival: number };

const minute = fc.integer({ min: 0, max: 600 });
const arrival = fc.integer({ min: 0, max: 30 });
const readingStep: fc.Arbitrary<Step> = fc
  .tuple(fc.constantFrom(...NUMERIC), fc.double({ min: 0, max: 1, noNaN: true }), minute, arrival)
  .map(([[parameter, lo, hi], f, m, a]) => ({
    kind: 'reading' as const,
    parameter,
    value: Math.round((lo + f * (hi - lo)) * 10) / 10,
    minute: m,
    arrival: a,
  }));
const fallStep: fc.Arbitrary<Step> = fc
  .tuple(minute, arrival)
  .map(([m, a]) => ({ kind: 'fall' as const, minute: m, arrival: a }));
const actionStep: fc.Arbitrary<Step> = fc
  .tuple(
    fc.constantFrom('acknowledge', 'escalate', 'resolve', 'snooze') as fc.Arbitrary<'acknowledge'>,
    fc.nat(),
    arrival,
  )
  .map(([action, which, a]) => ({ kind: 'action' as const, action, which, arrival: a }));
const timerStep: fc.Arbitrary<Step> = arrival.map((a) => ({ kind: 'timer' as const, arrival: a }));
/** Minutes late: from just at the freshness window to two days past it. */
const lateness = fc.integer({ min: DEFAULT_FRESHNESS_MINUTES, max: DEFAULT_FRESHNESS_MINUTES + 2 * 24 * 60 });
const backlogStep: fc.Arbitrary<Step> = fc
  .tuple(fc.constantFrom(...NUMERIC), fc.double({ min: 0, max: 1, noNaN: true }), lateness, arrival)
  .map(([[parameter, lo, hi], f, late, a]) => ({
    kind: 'backlog' as const,
    parameter,
    value: Math.round((lo + f * (hi - lo)) * 10) / 10,
    late,
    arrival: a,
  }));
const backlogFallStep: fc.Arbitrary<Step> = fc
  .tuple(lateness, arrival)
  .map(([late, a]) => ({ kind: 'backlog-fall' as const, late, arrival: a }));

/** Event sequences: with people acting and timers firing (and store-and-forward backlogs), or readings only. */
const steps = (withPeople: boolean) =>
  fc.array(
    withPeople
      ? fc.oneof(
          { arbitrary: readingStep, weight: 6 },
          { arbitrary: fallStep, weight: 1 },
          { arbitrary: actionStep, weight: 2 },
          { arbitrary: timerStep, weight: 1 },
          { arbitrary: backlogStep, weight: 2 },
          { arbitrary: backlogFallStep, weight: 1 },
        )
      : fc.oneof({ arbitrary: readingStep, weight: 6 }, { arbitrary: fallStep, weight: 1 }),
    { minLength: 1, maxLength: 10 },
  );

/** The whole world of one patient: state, unresolved episodes, the wall clock, and every change made. */
interface World {
  state: ClinicalState;
  open: Map<string, AlertRecord>;
  now: number;
  audits: AlertAuditEntry[];
  resolved: AlertRecord[];
}

type ReadingStep = Extract<Step, { kind: 'reading' | 'fall' | 'backlog' | 'backlog-fall' }>;

/**
 * A step's observation, received at `now` (ingest's stamp: its arrival, which R7 on arrival judges freshness
 * at); a backlog's is measured `late` minutes before it.
 */
function observationOf(s: ReadingStep, seq: number, now: number): CanonicalObservation {
  const backlog = s.kind === 'backlog' || s.kind === 'backlog-fall';
  const measuredAt = new Date(backlog ? now - s.late * MIN : T0 + s.minute * MIN).toISOString();
  const receivedAt = new Date(now).toISOString();
  return s.kind === 'fall' || s.kind === 'backlog-fall'
    ? reading('fall', 1, null, { id: `o${seq}`, measuredAt, receivedAt })
    : reading(s.parameter, s.value, null, { id: `o${seq}`, measuredAt, receivedAt });
}

function applyChanges(w: World, changes: AlertChanges): void {
  for (const r of changes.save) {
    if (r.state === 'resolved') {
      w.open.delete(r.id);
      w.resolved.push(r);
    } else w.open.set(r.id, r);
  }
  w.audits.push(...changes.audits);
}

function newWorld(): World {
  return { state: EMPTY_STATE, open: new Map(), now: T0, audits: [], resolved: [] };
}

/** One step; returns the changes it made. */
function step(w: World, s: Step, seq: number): AlertChanges {
  w.now += (s.arrival + 1) * MIN;
  const now = new Date(w.now);
  switch (s.kind) {
    case 'reading':
    case 'fall':
    case 'backlog':
    case 'backlog-fall': {
      const d = decideReadings({
        now,
        policy: DEFAULT_ALERTING_POLICY,
        patients: new Map([[P.patientId, P]]),
        states: new Map([[P.patientId, w.state]]),
        episodes: [...w.open.values()],
        observations: [observationOf(s, seq, w.now)],
        statuses: [],
      });
      w.state = d.states.get(P.patientId) ?? w.state;
      applyChanges(w, d.alerts);
      return d.alerts;
    }
    case 'timer': {
      const changes = decideTimers([...w.open.values()], now, DEFAULT_ALERTING_POLICY);
      applyChanges(w, changes);
      return changes;
    }
    case 'action': {
      const list = [...w.open.values()];
      if (list.length === 0) return { save: [], audits: [], events: [] };
      const target = list[s.which % list.length];
      const input: AlertActionInput =
        s.action === 'escalate'
          ? { action: 'escalate', reason: 'needs review' }
          : s.action === 'resolve'
            ? { action: 'resolve', note: 'seen' }
            : s.action === 'snooze'
              ? { action: 'snooze', minutes: 10 }
              : { action: 'acknowledge' };
      try {
        const c = applyAlertAction(
          target,
          input,
          { userId: 'nurse-1', role: 'nurse' },
          now,
          DEFAULT_ALERTING_POLICY,
        );
        const changes = { save: [c.record], audits: [c.audit], events: [c.event] };
        applyChanges(w, changes);
        return changes;
      } catch (e) {
        if (e instanceof AlertActionError) return { save: [], audits: [], events: [] };
        throw e;
      }
    }
  }
}

/** The clinical alert's severity the state calls for at `now` (its values still fresh then: R7), or null. */
function demanded(state: ClinicalState, now: number) {
  const live = liveState(state, new Date(now), DEFAULT_FRESHNESS_MINUTES);
  const score = currentScore(live, P);
  const [f] = evaluateDeterioration({
    patient: P,
    at: score?.at ?? new Date(T0),
    readings: [reading('heartRate', 1)],
    state: live,
    score,
    freshnessMinutes: DEFAULT_FRESHNESS_MINUTES,
  });
  return f?.active ? f.severity : null;
}

describe('alerting core properties (fast-check)', () => {
  it(`HZ-02 no worsening of the current score goes without a notification (${RUNS} sequences)`, () => {
    fc.assert(
      fc.property(steps(true), (seq) => {
        const w = newWorld();
        seq.forEach((s, i) => {
          // What the nurse was already told: the unresolved clinical alert's severity, if any.
          // A worsening: the state now calls for a more urgent alert than it did, and than the one shown.
          const shown = [...w.open.values()].find((a) => a.ruleId === 'deterioration')?.severity ?? null;
          const before = demanded(w.state, w.now);
          const changes = step(w, s, i);
          if (s.kind !== 'reading') return;
          const after = demanded(w.state, w.now);
          const worse = (x: typeof after, than: typeof after) =>
            x !== null && (than === null || severityRank(x) < severityRank(than));
          const worsened = worse(after, before) && worse(after, shown);
          if (!worsened) return;
          const told = changes.events.some(
            (e) =>
              e.alert.ruleId === 'deterioration' &&
              e.alert.severity === after &&
              (e.type === 'alert.opened' || e.type === 'alert.updated') &&
              e.alert.state !== 'resolved' &&
              e.alert.snoozedUntil === null,
          );
          if (!told) throw new Error(`worsening to ${after} at step ${i} was not notified`);
        });
      }),
      { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it(`HZ-02 R2 every fall event yields an unacknowledged, unsnoozed alert (${RUNS} sequences)`, () => {
    fc.assert(
      fc.property(steps(true), (seq) => {
        const w = newWorld();
        seq.forEach((s, i) => {
          const changes = step(w, s, i);
          if (s.kind !== 'fall') return;
          const fall = [...w.open.values()].find((a) => a.ruleId === 'fall');
          if (!fall || fall.state !== 'open' || fall.snoozedUntil !== null || fall.escalatedAt === null) {
            throw new Error(`fall at step ${i} left ${JSON.stringify(fall?.state)}`);
          }
          if (!changes.events.some((e) => e.alert.id === fall.id))
            throw new Error(`fall at step ${i} was silent`);
        });
      }),
      { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it(`HZ-07 arrival order does not change the final state (${RUNS} sequences)`, () => {
    fc.assert(
      fc.property(
        steps(false).chain((seq) =>
          fc.tuple(
            fc.constant(seq),
            fc.shuffledSubarray(seq, { minLength: seq.length, maxLength: seq.length }),
          ),
        ),
        ([inOrder, shuffled]) => {
          const ids = new Map(inOrder.map((s, i) => [s, i]));
          const final = (list: Step[]) => {
            const w = newWorld();
            for (const s of list) step(w, s, ids.get(s) as number);
            return w;
          };
          const a = final(inOrder);
          const b = final(shuffled);
          // The same readings (when each was received differs with the order: not part of the clinical state).
          const entries = (st: ClinicalState) =>
            [...st.entries()]
              .map(([k, v]) => [k, { ...v, receivedAt: undefined }] as const)
              .sort(([x], [y]) => x.localeCompare(y));
          expect(entries(a.state)).toEqual(entries(b.state));
          expect(currentScore(a.state, P)?.result).toEqual(currentScore(b.state, P)?.result);
          expect(demanded(a.state, a.now)).toEqual(demanded(b.state, b.now));
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it(`HZ-06 HZ-07 R7 no reading older than the freshness window on arrival opens, worsens or clears a clinical alert; a fall that late still alerts (${RUNS} sequences)`, () => {
    fc.assert(
      fc.property(steps(true), (seq) => {
        const w = newWorld();
        seq.forEach((s, i) => {
          const changes = step(w, s, i);
          if (s.kind === 'backlog') {
            // Nothing saved, nothing published: no alert opened, updated, worsened, cleared or resolved.
            if (changes.save.length > 0 || changes.events.length > 0) {
              throw new Error(
                `backlog at step ${i} changed ${JSON.stringify(changes.events.map((e) => e.type))}`,
              );
            }
            // At most a note on an alert already there, in its audit trail.
            if (changes.audits.some((a) => a.action !== 'late-data-not-paged' || !w.open.has(a.alertId))) {
              throw new Error(`backlog at step ${i} wrote ${JSON.stringify(changes.audits)}`);
            }
          }
          if (s.kind === 'backlog-fall') {
            const fall = [...w.open.values()].find((a) => a.ruleId === 'fall');
            if (!fall || fall.state !== 'open' || fall.snoozedUntil !== null || fall.escalatedAt === null) {
              throw new Error(`late fall at step ${i} left ${JSON.stringify(fall?.state)}`);
            }
            const told = changes.events.find((e) => e.alert.id === fall.id);
            if (!told?.alert.reason.includes('Late data: this fall reached Vigil')) {
              throw new Error(`late fall at step ${i} did not say how late it was`);
            }
          }
        });
      }),
      { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it(`HZ-15 an alert never leaves the open set without an actor or a rule that resolved it (${RUNS} sequences)`, () => {
    fc.assert(
      fc.property(steps(true), (seq) => {
        const w = newWorld();
        seq.forEach((s, i) => step(w, s, i));
        for (const r of w.resolved) {
          const entry = w.audits.find((a) => a.alertId === r.id && a.toState === 'resolved');
          if (!entry) throw new Error(`alert ${r.id} resolved with no audit row`);
          const byPerson = entry.actor !== null && r.resolvedBy === entry.actor;
          const byRule =
            entry.actor === null && entry.action === 'auto-resolved' && entry.detail?.['rule'] === r.ruleId;
          if (!(byPerson || byRule) || !r.resolutionNote?.trim()) {
            throw new Error(`alert ${r.id} resolved without an actor or rule: ${JSON.stringify(entry)}`);
          }
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });
});
