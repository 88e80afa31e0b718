// How long the compact-rows upgrade takes (migrations 1764800000000 and 1764800001000, issue 11):
// `node bench/compact-rows-migration.mjs [server-url] [readings]` (default the local PostgreSQL, 1,000,000; pass
// postgres://postgres@127.0.0.1:5433/postgres for TimescaleDB). Creates a database of its own, migrates it to just
// before the compact rows, fills the old `observations` table with that many readings (500 devices, six vital
// signs, one every 3 hours back from now, so on TimescaleDB the older chunks are compressed again), times the
// remaining migrations as a start would run them, checks every row is still there, and drops the database.
// Needs the build (`node tools/build.mjs`).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DataSource } from 'typeorm';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { MIGRATIONS, openDatabase } = require(path.join(here, '../dist/libs/storage/src/index.js'));
const server = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const readings = Number(process.argv[3] ?? 1_000_000);
const name = `vigil_compact_migration_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(server);
url.pathname = `/${name}`;
try {
  const before = new DataSource({
    type: 'postgres',
    url: url.toString(),
    migrations: MIGRATIONS.slice(
      0,
      MIGRATIONS.findIndex((m) => m.name === 'CompactObservationRows1764800000000'),
    ),
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
  });
  await before.initialize();
  await before.runMigrations({ transaction: 'each' });
  const perDevice = Math.ceil(readings / 3000);
  await before.query(
    `INSERT INTO observations (id, patient_id, device_id, parameter, value, unit, mdc, measured_at, received_at,
       source, seq, retrospective)
     SELECT 'dev-' || d || ':' || s || ':' || p, ('00000000-0000-4000-8000-' || lpad(d::text, 12, '0'))::uuid,
       'dev-' || d, (ARRAY['spo2','heartRate','respiratoryRate','temperature','systolicBp','diastolicBp'])[p + 1],
       90 + s % 7, '%', 'MDC_X', now() - make_interval(hours => 3 * s), now() - make_interval(hours => 3 * s),
       'json', s, false
     FROM generate_series(0, 499) d, generate_series(0, ${perDevice - 1}) s, generate_series(0, 5) p`,
  );
  const [{ n: rowsBefore }] = await before.query('SELECT count(*)::int AS n FROM observations');
  await before.destroy();
  const t0 = performance.now();
  const ds = await openDatabase({ url: url.toString(), poolSize: 2 });
  const seconds = (performance.now() - t0) / 1000;
  const [{ n: rowsAfter }] = await ds.query('SELECT count(*)::int AS n FROM observations');
  await ds.destroy();
  console.log(
    JSON.stringify({ server: url.host, rowsBefore, rowsAfter, seconds: Math.round(seconds * 10) / 10 }),
  );
  if (rowsAfter !== rowsBefore) process.exitCode = 1;
} finally {
  await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  await admin.end();
}
