/**
 * An ingest process for the HZ-03 crash test, run as a child (`node -r tools/register-ts.cjs ingest-child.ts`)
 * so the test can SIGKILL it. It is production ingest wired as in the embedded mode: the mqtt.js
 * subscriber (persistent session, shared subscription, PUBACK after durable) → IngestService → the
 * in-process stream, whose consumer commits each batch to the test database before acknowledging it:
 * the real idempotent observation store, plus a plain table of every delivery so the test can see
 * republishes that the store absorbed.
 *
 * Environment: DATABASE_URL, MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD, MQTT_CLIENT_ID.
 * Prints `ready` on stdout once subscribed; exits cleanly on SIGTERM.
 */
import { expandVitalsEvent, streamTopics, type VitalsStreamEvent } from '@vigil/contracts';
import { ObservationsRepository, openDatabase, SqlDatabase } from '@vigil/storage';
import { InProcessStream } from '@vigil/stream';
import { connectMqttIngest, createIngestStores, IngestService } from '../../../src/index';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const ds = await openDatabase({ url: env('DATABASE_URL'), poolSize: 6, applicationName: 'hz03-ingest' });
  const sql = new SqlDatabase(ds);
  const observations = new ObservationsRepository();
  const stream = new InProcessStream({ partitions: 4 });

  const sink = await stream.subscribe<VitalsStreamEvent>({
    topic: streamTopics.observations,
    groupId: 'hz03-sink',
    handle: async (batch) => {
      const stored = batch.records.flatMap((r) => expandVitalsEvent(r.value));
      // Two statements, each committed before the batch is acknowledged; the delivery log first, so it
      // never holds fewer rows than the store.
      await sql.query(
        `INSERT INTO hz03_deliveries (device_id, seq, observation_id)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[])`,
        [stored.map((o) => o.deviceId), stored.map((o) => o.seq), stored.map((o) => o.id)],
      );
      await observations.insertMany(
        sql,
        stored.map((observation) => ({ observation, retrospective: false })),
      );
    },
  });
  // Nothing here should be rejected; the test counts dead letters in the database instead.
  const deadLetters = await stream.subscribe({
    topic: streamTopics.deadLetters,
    groupId: 'hz03-dead-letters',
    handle: async () => undefined,
  });

  const stores = createIngestStores(ds);
  await stores.start();
  const service = new IngestService(stores, stream, undefined, { clockOffsets: stores.clockOffsets });
  const ingest = await connectMqttIngest({
    url: env('MQTT_URL'),
    username: env('MQTT_USERNAME'),
    password: env('MQTT_PASSWORD'),
    clientId: env('MQTT_CLIENT_ID'),
    protocolVersion: 5,
    shared: true,
    reconnectPeriod: 200,
    handle: async (topic, payload) => {
      await service.handle(topic, payload);
    },
    onError: (error) => process.stderr.write(`ingest-child: ${error.message}\n`),
  });
  await ingest.subscribed;
  process.stdout.write('ready\n');

  process.once('SIGTERM', () => {
    void (async () => {
      await ingest.close();
      await sink.close();
      await deadLetters.close();
      await stores.close();
      await stream.close();
      await ds.destroy();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest-child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
