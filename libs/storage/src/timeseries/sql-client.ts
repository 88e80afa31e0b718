import type { DataSource } from 'typeorm';

/**
 * The one thing the time-series and alert repositories need from a database: run a statement, get
 * its rows. A transaction on a pooled connection fits behind it, as does anything with such a `query`.
 * `UPDATE … RETURNING` is written as a CTE where rows matter, so every driver returns plain rows.
 */
export interface SqlClient {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** The pg pool under a TypeORM DataSource (TypeORM's postgres driver keeps it as `master`). */
interface PgPool {
  connect(): Promise<PgPoolClient>;
}

interface PgPoolClient {
  query(sql: string, params?: unknown[]): Promise<PgResult | PgResult[]>;
  release(error?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

interface PgResult {
  rows: unknown[];
}

/** The rows of a statement (of the last one, when a text holds several). */
function rowsOf<T>(result: PgResult | PgResult[]): T[] {
  return (Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows) as T[];
}

function poolOf(dataSource: DataSource): PgPool {
  const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
  if (!pool) throw new Error('SqlDatabase needs an initialised PostgreSQL DataSource');
  return pool;
}

/**
 * A DataSource's PostgreSQL pool seen as a {@link SqlClient}, plus transactions. A transaction is one
 * connection: everything `work` does through the client it is given commits or rolls back together.
 * Statements go straight to node-postgres on the DataSource's pool — TypeORM's query runners stay off the
 * hot path (issue 11); results are the same plain rows.
 */
export class SqlDatabase implements SqlClient {
  constructor(private readonly dataSource: DataSource) {}

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    const client = await poolOf(this.dataSource).connect();
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      return rowsOf<T>(await client.query(sql, params ? [...params] : undefined));
    } catch (error) {
      broken ??= connectionLost(error);
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /** Runs `work` in one transaction; it commits only if `work` resolves. */
  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client = await poolOf(this.dataSource).connect();
    const tx: SqlClient = {
      async query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
        return rowsOf<R>(await client.query(sql, params ? [...params] : undefined));
      },
    };
    let broken: Error | undefined;
    // The pool listens for errors only on idle connections: one checked out here needs a listener of its own,
    // or a connection reset while the transaction waits (on the stream, say) is an unhandled 'error' event that
    // kills the process (found by the distributed fault suite's database cut: a scorer died mid-relay).
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken ??= connectionLost(error);
      if (!broken) await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
      throw error;
    } finally {
      // A connection that failed is discarded, not returned to the pool.
      client.removeListener('error', onError);
      client.release(broken);
    }
  }
}

/** The error when the connection itself failed (then it must not go back to the pool), else undefined. */
function connectionLost(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const lost =
    (typeof code === 'string' && (/^(08|57P)/.test(code) || /^E(CONN|PIPE)/.test(code))) ||
    /Connection terminated|connection error|Client has encountered a connection error/i.test(error.message);
  return lost ? error : undefined;
}
