// What both benchmarks need around PostgreSQL: a throwaway database on the server they measure against, and
// valid NHS numbers for the patients they admit. Load tools/register-ts.cjs first (for @vigil/clinical).
const { Client } = require('pg');
const { nhsNumberCheckDigit } = require('@vigil/clinical');

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs one statement on the server's maintenance database (CREATE/DROP DATABASE). */
async function admin(sqlText) {
  const c = new Client({ connectionString: SERVER_URL });
  await c.connect();
  try {
    return await c.query(sqlText);
  } finally {
    await c.end();
  }
}

/** The URL of database `name` on the same server. */
function databaseUrl(name) {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Valid NHS numbers (Modulus 11, via @vigil/clinical) from a counter. */
function* nhsNumbers() {
  for (let n = 900000000; ; n += 1) {
    const check = nhsNumberCheckDigit(String(n));
    if (check !== null) yield `${n}${check}`;
  }
}

module.exports = { SERVER_URL, admin, databaseUrl, nhsNumbers };
