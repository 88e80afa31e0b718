import { cutDatabase, type FaultEvidence, killVigil, restartMosquitto } from './faults';
import {
  type FaultContext,
  FaultEnvironment,
  failures,
  NO_FAILURES,
  type RoundResult,
  type RoundSpec,
  SCALE,
  SHORT,
} from './fault-harness';
import { waitFor } from './wait';

/**
 * The fault-injection suite (issue 7, SPEC §6): the built Vigil runtime as its own process on our own
 * Mosquitto (persistent sessions) and a fresh database, under a steady QoS 1 load from simulated devices.
 * Each round injects one fault (the last all of them at once) on a fresh environment, and the oracle then
 * holds the database to: every PUBACKed (device, seq) stored exactly once — or dead-lettered with its
 * reason when invalid by design — and exactly one NEWS2 episode per patient whose readings crossed the
 * band (reference `scoreNews2`), no other. Every round's history (plan + seed, sends, PUBACKs, faults,
 * verdict, the runtime's output) goes to artifacts/faults/ for a replay. `FAULTS_MODE=short` is the CI form.
 */
const TEN_MINUTES = 10 * 60_000;

describe(`fault injection (${SHORT ? 'short' : 'full'}: ${SCALE.devices} devices × ${SCALE.messagesPerDevice} readings per round)`, () => {
  const evidence: FaultEvidence[] = [];

  beforeAll(() => {
    FaultEnvironment.build();
  });

  /** Runs one round on its own environment, and whatever `after` checks while that environment is up. */
  async function round(
    spec: RoundSpec,
    after?: (env: FaultEnvironment) => Promise<void>,
  ): Promise<RoundResult> {
    const env = await FaultEnvironment.start();
    try {
      const result = await env.runRound(spec);
      await after?.(env);
      return result;
    } finally {
      await env.stop();
    }
  }

  const expectExact = (result: RoundResult) => {
    expect(failures(result)).toEqual(NO_FAILURES(result.historyFile));
    // The oracle judged something: readings were acknowledged and some patients had to page.
    expect(result.verdict.acknowledged).toBeGreaterThan(SCALE.devices * SCALE.messagesPerDevice * 0.9);
    expect(result.verdict.expectedAlerts).toBeGreaterThan(0);
  };

  it('HZ-03 HZ-14 SIGKILL of the Vigil process mid-load, then a restart: nothing acknowledged lost or duplicated, alerts exact', async () => {
    const result = await round({
      name: 'HZ-03 vigil sigkill',
      seed: 101,
      fault: async (ctx) => {
        const e = await killVigil(ctx, 0.35);
        evidence.push(e);
        return e;
      },
    });
    expectExact(result);
  });

  it('HZ-03 HZ-14 Mosquitto restart mid-load (persistent sessions): nothing acknowledged lost or duplicated, alerts exact', async () => {
    const result = await round({
      name: 'HZ-03 mosquitto restart',
      seed: 202,
      fault: async (ctx) => {
        const e = await restartMosquitto(ctx, 0.35);
        evidence.push(e);
        return e;
      },
    });
    // The devices really lost their broker: every one had to reconnect.
    expect(result.fleetReconnects).toBeGreaterThanOrEqual(SCALE.devices);
    expectExact(result);
  });

  it(`HZ-01 HZ-03 HZ-14 PostgreSQL connections cut repeatedly for ${SCALE.databaseCutMs / 1000} s: nothing acknowledged lost or duplicated, alerts exact, the pipeline heartbeat resumes`, async () => {
    let cutEndedAt = new Date();
    const result = await round(
      {
        name: 'HZ-03 postgres cut',
        seed: 303,
        fault: async (ctx) => {
          const e = await cutDatabase(ctx, 0.2, SCALE.databaseCutMs);
          cutEndedAt = new Date();
          evidence.push(e);
          return e;
        },
      },
      async (env) => {
        // HZ-01: the synthetic heartbeat (ingest → stream → scorer, every 30 s in the runtime) is recorded
        // again after the cut, and no stalled-pipeline alert is left open.
        await waitFor(
          'a pipeline heartbeat recorded after the cut',
          45_000,
          async () => {
            const at = await env.db.lastHeartbeatAt();
            return at !== null && at >= cutEndedAt;
          },
          500,
        );
        // The stalled-pipeline alerts clear on the scorer's next timer run after the heartbeat (every 30 s by
        // default): under a heavy load (issue 11: 2,000 readings/s) the heartbeat returns only as the backlog drains,
        // so the clearing is waited for — bounded by two timer runs — rather than expected at that instant.
        const stalledOpen = async () =>
          (await env.db.technicalAlerts()).filter(
            (a) => a.ruleId === 'pipeline-stalled' && a.state === 'open',
          );
        await waitFor(
          'the stalled-pipeline alerts to clear',
          65_000,
          async () => (await stalledOpen()).length === 0,
          1000,
        ).catch(() => undefined);
        expect(await stalledOpen()).toEqual([]);
      },
    );
    expect((result.evidence as FaultEvidence).detail['terminated']).toEqual(expect.any(Number));
    expect((result.evidence as FaultEvidence).detail['terminated'] as number).toBeGreaterThan(0);
    expectExact(result);
  });

  it('HZ-04 5% of readings re-published 1–3 times and 5% reordered: each stored once, alerts neither missed nor doubled', async () => {
    const result = await round({
      name: 'HZ-04 duplicates and reordering',
      seed: 404,
      duplicateShare: 0.05,
      reorderShare: 0.05,
    });
    // Duplicates really reached the broker and were acknowledged there.
    expect(result.duplicatesAcknowledged).toBeGreaterThan(0);
    expectExact(result);
  });

  it('HZ-03 HZ-20 R12 devices with clocks 10 minutes fast and 10 minutes slow are corrected for, stored and flagged, alerts exact', async () => {
    const result = await round({
      name: 'clock skew',
      seed: 505,
      clockSkewsMs: [TEN_MINUTES, -TEN_MINUTES],
    });
    expectExact(result);
  });

  it('HZ-03 HZ-04 HZ-14 all faults mixed in one round: nothing acknowledged lost or duplicated, alerts exact', async () => {
    const result = await round({
      name: 'HZ-14 mixed faults',
      seed: 606,
      duplicateShare: 0.05,
      reorderShare: 0.05,
      clockSkewsMs: [TEN_MINUTES, -TEN_MINUTES],
      fault: async (ctx: FaultContext) => {
        const all = [
          await cutDatabase(ctx, 0.1, Math.min(SCALE.databaseCutMs, 10_000)),
          await restartMosquitto(ctx, 0.55),
          await killVigil(ctx, 0.75),
        ];
        evidence.push(...all);
        return all;
      },
    });
    expectExact(result);
  });

  it('HZ-14 every infrastructure fault injected is visible in a metric or a technical alert', () => {
    expect(evidence.map((e) => e.fault).sort()).toEqual(
      expect.arrayContaining(['mosquitto-restart', 'postgres-cut', 'vigil-sigkill']),
    );
    expect(evidence.filter((e) => e.signal === null)).toEqual([]);
  });
});
