// Bytes per observation row with the real schema (issue 11, lean storage): `npm run bench -- rows [server-url]`.
// Creates a database of its own on the server (default the local PostgreSQL; pass the TimescaleDB cluster's URL,
// postgres://postgres@127.0.0.1:5433/postgres, for hypertables), applies the migrations, writes 120,000 device
// readings (200 devices × 100 messages × 6 vital signs, one day's partition) through the scorer's own
// `ObservationsRepository.insertMany`, reports heap, index and dictionary bytes per compact row (`observation_rows`;
// and, on TimescaleDB, bytes per row after compressing every chunk), then drops the database. Needs the build (`node tools/build.mjs`).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { openDatabase, SqlDatabase, ObservationsRepository } = require(
  path.join(here, '../dist/libs/storage/src/index.js'),
);
const server =
  process.argv[2] ?? process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `vigil_row_bytes_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(server);
url.pathname = `/${name}`;
const ds = await openDatabase({ url: url.toString(), poolSize: 2 });
try {
  const sql = new SqlDatabase(ds);
  const repo = new ObservationsRepository();
  const vitals = [
    ['respiratoryRate', '/min', 18, 'MDC_RESP_RATE'],
    ['spo2', '%', 96, 'MDC_PULS_OXIM_SAT_O2'],
    ['heartRate', '/min', 72, 'MDC_PULS_OXIM_PULS_RATE'],
    ['temperature', 'Cel', 37.1, 'MDC_TEMP_BODY'],
    ['systolicBp', 'mm[Hg]', 120, 'MDC_PRESS_BLD_NONINV_SYS'],
    ['diastolicBp', 'mm[Hg]', 80, 'MDC_PRESS_BLD_NONINV_DIA'],
  ];
  const start = Date.now() - 6 * 3600_000;
  let rows = 0;
  for (let seq = 0; seq < 100; seq += 1) {
    const items = [];
    for (let d = 0; d < 200; d += 1) {
      const deviceId = `ward3-ox-${String(d).padStart(4, '0')}`;
      const at = new Date(start + seq * 60_000 + d * 97).toISOString();
      vitals.forEach(([parameter, unit, base, mdc], index) =>
        items.push({
          retrospective: false,
          observation: {
            id: `${deviceId}:${seq}:${index}`,
            patientId: `00000000-0000-4000-8000-${String(d).padStart(12, '0')}`,
            deviceId,
            parameter,
            value: base + ((seq * 7 + d) % 5) / 2,
            valueCode: null,
            unit,
            loinc: null,
            mdc,
            original: null,
            measuredAt: at,
            receivedAt: at,
            source: 'json',
            messageId: `${deviceId}:${seq}`,
            seq,
            detail: null,
            enteredBy: null,
          },
        }),
      );
    }
    rows += (await sql.transaction((tx) => repo.insertMany(tx, items))).size;
  }
  await sql.query('VACUUM ANALYZE observation_rows');
  const [{ hyper }] = await sql.query(
    `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
       AND to_regclass('timescaledb_information.hypertables') IS NOT NULL AS hyper`,
  );
  const isHyper =
    hyper &&
    (
      await sql.query(
        `SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'observation_rows'`,
      )
    ).length > 0;
  // The four dictionaries (a row per patient, device, parameter and kind of reading), with their indexes.
  const [{ d }] = await sql.query(
    `SELECT sum(pg_total_relation_size(t))::bigint AS d FROM unnest(ARRAY['observation_patients',
       'observation_devices', 'observation_parameters', 'observation_kinds']::regclass[]) AS t`,
  );
  const dictionaries = Number(d);
  const result = { server: `${url.host}`, rows, dictionaryBytesPerRow: dictionaries / rows };
  if (isHyper) {
    const size = async () =>
      Number((await sql.query(`SELECT hypertable_size('observation_rows')::bigint AS b`))[0].b) +
      dictionaries;
    result.storage = 'timescaledb-hypertable';
    result.bytesPerRow = (await size()) / rows;
    await sql.query(
      `SELECT count(compress_chunk(c, if_not_compressed => true)) FROM show_chunks('observation_rows') c`,
    );
    result.bytesPerRowCompressed = (await size()) / rows;
    // Where the compressed bytes go: each column of the compressed chunks, per row (TOAST included).
    const chunks = await sql.query(
      `SELECT format('%I.%I', c2.schema_name, c2.table_name) AS rel
         FROM _timescaledb_catalog.chunk c1 JOIN _timescaledb_catalog.chunk c2 ON c2.id = c1.compressed_chunk_id
         JOIN _timescaledb_catalog.hypertable h ON h.id = c1.hypertable_id WHERE h.table_name = 'observation_rows'`,
    );
    const columns = await sql.query(
      `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
      [chunks[0].rel],
    );
    const perColumn = {};
    for (const { attname } of columns) {
      let bytes = 0;
      for (const { rel } of chunks) {
        const [{ b }] = await sql.query(
          `SELECT coalesce(sum(pg_column_size(${JSON.stringify(attname)})), 0)::bigint AS b FROM ${rel}`,
        );
        bytes += Number(b);
      }
      perColumn[attname] = bytes / rows;
    }
    result.compressedColumnBytesPerRow = Object.fromEntries(
      Object.entries(perColumn).sort((a, b) => b[1] - a[1]),
    );
  } else {
    const parts = await sql.query(
      `SELECT c.relname AS rel, pg_relation_size(c.oid)::bigint AS bytes, c.relkind AS kind
         FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'observation_rows'::regclass
       UNION ALL
       SELECT regexp_replace(ic.relname, '^observation_rows_[a-z0-9_]*?_(?=(patient|id|measured))', ''),
              pg_relation_size(ic.oid)::bigint, 'i'
         FROM pg_inherits h JOIN pg_index i ON i.indrelid = h.inhrelid JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE h.inhparent = 'observation_rows'::regclass`,
    );
    const heap = parts.filter((p) => p.kind !== 'i').reduce((a, p) => a + Number(p.bytes), 0);
    const indexes = {};
    for (const p of parts.filter((x) => x.kind === 'i'))
      indexes[p.rel] = (indexes[p.rel] ?? 0) + Number(p.bytes);
    result.storage = 'postgresql-partitioned';
    result.heapBytesPerRow = heap / rows;
    result.indexBytesPerRow = Object.fromEntries(Object.entries(indexes).map(([k, v]) => [k, v / rows]));
    result.bytesPerRow = (heap + Object.values(indexes).reduce((a, b) => a + b, 0) + dictionaries) / rows;
  }
  console.log(JSON.stringify(result, (_, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v), 2));
} finally {
  await ds.destroy();
  await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  await admin.end();
}
