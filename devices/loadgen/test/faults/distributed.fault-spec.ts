import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  cutDatabaseProxy,
  killScorer,
  observePipeline,
  restartKafka,
  restartMosquittoDistributed,
} from './distributed-faults';
import type { DistributedSystem } from './distributed-system';
import {
  ARTIFACTS_DIR,
  FaultEnvironment,
  failures,
  NO_FAILURES,
  type RoundResult,
  type RoundSpec,
  type Scale,
  SHORT,
  withLoadFromEnv,
} from './fault-harness';
import type { FaultEvidence } from './faults';

/**
 * The fault suite in the distributed mode (issue 15): the built apps as separate processes — two ingest, two
 * scorer, two api — on a private Kafka broker (infra/kafka/kafka.sh on free ports, data in a temporary
 * folder), a private Mosquitto and a fresh database that the services reach through a TCP proxy (so the
 * database cut is theirs alone; the real PostgreSQL is never stopped). Same load, same oracle as the
 * embedded rounds: every PUBACKed (device, seq) stored exactly once, exactly one NEWS2 episode per patient
 * whose readings crossed the band, no other. Each round also measures what its fault did (delays of readings
 * and alerts, consumer lag, time until every device's readings flowed again) into its history file and
 * artifacts/faults/<mode>/distributed-measurements.json.
 */
const measurements: Record<string, unknown> = {};

/**
 * The short suite's load in both modes (48 readings/s): the distributed pipeline on this 2-core machine
 * drains it with a backlog already (see the no-fault round), so the full suite's 160/s would measure the
 * backlog, not the fault. The full suite cuts the database for 30 s instead of 5 and keeps things down longer.
 * FAULTS_DEVICES, FAULTS_MESSAGES_PER_DEVICE and FAULTS_INTERVAL_MS set the load here too.
 */
const SCALE: Scale = withLoadFromEnv({
  devices: 12,
  messagesPerDevice: 48,
  intervalMs: 250,
  databaseCutMs: SHORT ? 5_000 : 30_000,
  downMs: SHORT ? 1_000 : 3_000,
  settleMs: 180_000,
  // Longer than a Kafka consumer group may legitimately pause: a member that crashed while the broker was down
  // is only dropped at its 30 s session timeout, kafkajs restarts a crashed consumer after up to 30 s of backoff,
  // and the stall guard replaces a silent consumer after 20–25 s. With 30 s, one CI run of HZ-51 stopped waiting
  // with two devices' last readings not stored and counted them lost; whether they were late or gone was not
  // recorded (a round now prints how its wait ended and what the services said last when anything is missing).
  stallMs: 90_000,
});

/**
 * 7–10 minutes here (five rounds, each with its own Kafka broker and six services on a loaded 2-core
 * machine): part of the full suite (`npm run test:faults`), not of the short one CI runs, unless
 * FAULTS_DISTRIBUTED=1 asks for it.
 */
const RUN = !SHORT || process.env['FAULTS_DISTRIBUTED'] === '1';

(RUN ? describe : describe.skip)(
  `distributed fault injection (${SHORT ? 'short' : 'full'}${RUN ? '' : ' — skipped: full suite only, or FAULTS_DISTRIBUTED=1'}: ${SCALE.devices} devices × ${SCALE.messagesPerDevice} readings per round; 2 ingest, 2 scorer, 2 api, Kafka)`,
  () => {
    beforeAll(() => {
      FaultEnvironment.build();
    });

    afterAll(() => {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      writeFileSync(
        path.join(ARTIFACTS_DIR, 'distributed-measurements.json'),
        `${JSON.stringify({ date: new Date().toISOString(), scale: SCALE, rounds: measurements }, null, 2)}\n`,
      );
    });

    async function round(spec: RoundSpec<DistributedSystem>): Promise<RoundResult> {
      const env = await FaultEnvironment.startDistributed(SCALE);
      try {
        const result = await env.runRound({ ...spec, measure: true });
        measurements[spec.name] = {
          evidence: result.evidence,
          timing: result.timing,
          unacknowledged: result.unacknowledged,
          fleetReconnects: result.fleetReconnects,
          verdict: {
            acknowledged: result.verdict.acknowledged,
            lost: result.verdict.lost.length,
            duplicated: result.verdict.duplicated.length,
            expectedAlerts: result.verdict.expectedAlerts,
            missedAlerts: result.verdict.missedAlerts.length,
            duplicatedAlerts: result.verdict.duplicatedAlerts.length,
            spuriousAlerts: result.verdict.spuriousAlerts.length,
          },
        };
        process.stdout.write(
          `[distributed faults] ${spec.name}: ${JSON.stringify({ evidence: result.evidence, timing: result.timing })}\n`,
        );
        return result;
      } finally {
        await env.stop();
      }
    }

    const expectExact = (result: RoundResult) => {
      expect(failures(result)).toEqual(NO_FAILURES(result.historyFile));
      expect(result.verdict.acknowledged).toBeGreaterThan(SCALE.devices * SCALE.messagesPerDevice * 0.9);
      expect(result.verdict.expectedAlerts).toBeGreaterThan(0);
    };
    const detail = (result: RoundResult) => (result.evidence as FaultEvidence).detail;

    it('HZ-50 HZ-54 no fault: the same load through 2 ingest, Kafka and 2 scorers is stored exactly once, alerts exact (the reference for the delays below)', async () => {
      const result = await round({
        name: 'HZ-54 distributed baseline',
        seed: 1500,
        fault: (ctx) => observePipeline(ctx),
      });
      expectExact(result);
    });

    it('HZ-50 kill -9 of a scorer mid-batch: the other takes its partitions over; nothing acknowledged lost or duplicated, alerts exact (0 lost, 0 duplicated)', async () => {
      const result = await round({
        name: 'HZ-50 distributed scorer sigkill',
        seed: 1501,
        fault: (ctx) => killScorer(ctx, 0.35),
      });
      expectExact(result);
      // The survivor really took the dead scorer's partitions over: every device's readings flowed again.
      expect(detail(result)['everyDeviceStoredAgainAfterMs']).toEqual(expect.any(Number));
      expect((result.evidence as FaultEvidence).signal).not.toBeNull();
    });

    it('HZ-51 Kafka broker restart mid-load: ingest withholds PUBACKs until Kafka has the readings; nothing acknowledged lost or duplicated, alerts exact', async () => {
      const result = await round({
        name: 'HZ-51 distributed kafka restart',
        seed: 1502,
        fault: (ctx) => restartKafka(ctx, 0.35),
      });
      expectExact(result);
      expect(detail(result)['everyDeviceStoredAgainAfterMs']).toEqual(expect.any(Number));
    });

    it('HZ-52 Mosquitto restart mid-load (persistent sessions, both ingests): nothing acknowledged lost or duplicated, alerts exact', async () => {
      const result = await round({
        name: 'HZ-52 distributed mosquitto restart',
        seed: 1503,
        fault: (ctx) => restartMosquittoDistributed(ctx, 0.35),
      });
      expect(result.fleetReconnects).toBeGreaterThanOrEqual(SCALE.devices);
      expectExact(result);
      expect((result.evidence as FaultEvidence).signal).not.toBeNull();
    });

    it(`HZ-53 PostgreSQL cut off from every service for ${SCALE.databaseCutMs / 1000} s (TCP proxy): nothing acknowledged lost or duplicated, alerts exact, the cut shows in /health`, async () => {
      const result = await round({
        name: 'HZ-53 distributed postgres cut',
        seed: 1504,
        fault: (ctx) => cutDatabaseProxy(ctx, 0.2, SCALE.databaseCutMs),
      });
      expect(detail(result)['connectionsReset']).toBeGreaterThan(0);
      expectExact(result);
      expect((result.evidence as FaultEvidence).signal).not.toBeNull();
    });
  },
);
