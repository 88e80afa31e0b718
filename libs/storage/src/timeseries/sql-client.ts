import type { DataSource, QueryRunner } from 'typeorm';

/**
 * The one thing the time-series and alert repositories need from a database: run a statement, get
 * its rows. A transaction on a pooled connection fits behind it, as does anything with such a `query`.
 * `UPDATE … RETURNING` is written as a CTE where rows matter, so every driver returns plain rows.
 */
export interface SqlClient {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** A migration's QueryRunner as a {@link SqlClient}, so migrations can call the schema helpers. */
export function queryRunnerSql(q: QueryRunner): SqlClient {
  return { query: async (text, params) => q.query(text, params ? [...params] : undefined) };
}

/** The pg pool under a TypeORM DataSource (TypeORM's postgres driver keeps it as `master`). */
interface PgPool {
  connect(): Promise<PgPoolClient>;
}

/** A statement as node-postgres takes it, with its own read timeout (`query_timeout`). */
interface PgStatement {
  text: string;
  values?: unknown[];
  query_timeout?: number;
}

interface PgPoolClient {
  query(statement: string | PgStatement, params?: unknown[]): Promise<PgResult | PgResult[]>;
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

export interface SqlDatabaseOptions {
  /**
   * The longest one statement may take, in ms (`DATABASE_STATEMENT_TIMEOUT_MS` for the scorer and the stream
   * journal). In a transaction the server cancels a statement that runs longer (`SET LOCAL statement_timeout`,
   * sent with the BEGIN: no extra round trip), which rolls the transaction back and frees its locks; and
   * whatever the server does, this process stops waiting for an answer a second after that and discards the
   * connection, so a database that swallows packets without resetting the connection (a network partition)
   * fails the statement instead of hanging its caller for ever. Unset: no bound (migrations, reports).
   */
  statementTimeoutMs?: number;
}

/** How much longer than the server's bound the client waits for the answer (the cancel's own round trip). */
const READ_TIMEOUT_GRACE_MS = 1000;

/**
 * A DataSource's PostgreSQL pool seen as a {@link SqlClient}, plus transactions. A transaction is one
 * connection: everything `work` does through the client it is given commits or rolls back together.
 * Statements go straight to node-postgres on the DataSource's pool — TypeORM's query runners stay off the
 * hot path (issue 11); results are the same plain rows.
 */
export class SqlDatabase implements SqlClient {
  private readonly statementTimeoutMs: number | undefined;

  constructor(
    private readonly dataSource: DataSource,
    options: SqlDatabaseOptions = {},
  ) {
    const ms = options.statementTimeoutMs;
    if (ms !== undefined && (!Number.isInteger(ms) || ms < 1))
      throw new RangeError(`statementTimeoutMs must be a whole number of ms above 0, got ${ms}`);
    this.statementTimeoutMs = ms;
  }

  /** The statement with its read timeout when bounded; the plain text otherwise. */
  private statement(text: string, params?: readonly unknown[]): string | PgStatement {
    const values = params ? [...params] : undefined;
    if (this.statementTimeoutMs === undefined) return values ? { text, values } : text;
    return { text, values, query_timeout: this.statementTimeoutMs + READ_TIMEOUT_GRACE_MS };
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    const client = await poolOf(this.dataSource).connect();
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      return rowsOf<T>(await client.query(this.statement(sql, params)));
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
      query: async <R>(sql: string, params?: readonly unknown[]): Promise<R[]> =>
        rowsOf<R>(await client.query(this.statement(sql, params))),
    };
    let broken: Error | undefined;
    // The pool listens for errors only on idle connections: one checked out here needs a listener of its own,
    // or a connection reset while the transaction waits (on the stream, say) is an unhandled 'error' event that
    // kills the process (found by the distributed fault suite's database cut: a scorer died mid-relay).
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query(
        this.statement(
          this.statementTimeoutMs === undefined
            ? 'BEGIN'
            : `BEGIN; SET LOCAL statement_timeout = ${this.statementTimeoutMs}`,
        ),
      );
      const result = await work(tx);
      await client.query(this.statement('COMMIT'));
      return result;
    } catch (error) {
      broken ??= connectionLost(error);
      if (!broken)
        await client.query(this.statement('ROLLBACK')).catch((rollback: Error) => (broken = rollback));
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
    // node-postgres' read timeout: the statement may still be running, or the answer lost on the way.
    /Connection terminated|connection error|Client has encountered a connection error|Query read timeout/i.test(
      error.message,
    );
  return lost ? error : undefined;
}
