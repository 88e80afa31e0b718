import type { DataSource, QueryRunner } from 'typeorm';

/**
 * The one thing the time-series and alert repositories need from a database: run a statement, get
 * its rows. A transaction on a pooled connection fits behind it, as does anything with such a `query`.
 * `UPDATE … RETURNING` is written as a CTE where rows matter, so every driver returns plain rows.
 */
export interface SqlClient {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * A transaction's client (`SqlDatabase.transaction`). Its statements go to the server as soon as they are issued,
 * each behind the ones issued before it (node-postgres' pipeline mode), so statements issued without waiting for
 * each other's results share one round trip instead of taking one each (issue 11: the scorer's batch took seven round
 * trips, each waiting for a busy event loop to read the answer). They run in the order they were issued; once one
 * fails the transaction is aborted, and every statement after it fails too.
 */
export interface SqlTransaction extends SqlClient {
  /**
   * Commits without waiting for the answers to the statements already issued: the writes that end a transaction and
   * its COMMIT share one round trip. COMMIT is sent once the statements issued so far have been handed to the
   * connection (the same turn of the event loop), and only if none of them, nor `issued` (the caller's promise
   * for them), has failed by then: a statement that fails in this process (a parameter that cannot be sent, a
   * repository that throws before sending) aborts the transaction instead of leaving a COMMIT of the others.
   * Resolves once committed; rejects with the first failure if the server rolled back instead (a statement failed
   * there). No statement may be issued after it: one would be refused, not run outside the transaction.
   */
  commit(issued?: Promise<unknown>): Promise<void>;
}

export interface TransactionOptions {
  /**
   * Send BEGIN with the first statements instead of a round trip ahead of them (the scorer's hot path). If BEGIN
   * failed, those statements would have run outside any transaction; BEGIN (with `SET LOCAL statement_timeout` to a
   * whole number) does not fail on a connection that answers, but only work whose first statements are reads or
   * idempotent should ask for it. Their results reach `work` only once BEGIN succeeded.
   */
  beginWithFirstStatements?: boolean;
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
  /**
   * node-postgres' pipeline mode (in the 8.x this repository pins): queries are sent without waiting for the
   * answers to the ones before. A plain field, read on every query; switched on only while a transaction holds
   * the connection, and off again before it goes back to the pool. Absent from older versions.
   */
  pipeline?: boolean;
  release(error?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

interface PgResult {
  rows: unknown[];
  /** The command tag: `COMMIT`, or `ROLLBACK` when COMMIT ended a transaction a failed statement had aborted. */
  command?: string;
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

  /**
   * Runs `work` in one transaction; it commits only if `work` resolves (and its `commit()`, if it called it,
   * committed). Statements are pipelined (see {@link SqlTransaction}). If `work` throws after its `commit()`
   * resolved, the transaction is committed and this still rejects. A failure while the answers to a COMMIT's round
   * trip are awaited (the connection lost) leaves it unknown whether the server committed, as a lost COMMIT always
   * did: callers that cache what they wrote must forget it when this rejects.
   *
   * Each statement's read timeout (`statementTimeoutMs` + 1 s) runs from when it is issued, so statements issued
   * together share theirs with those queued ahead of them; a pipeline whose statements together wait longer fails
   * and is retried, as one slow statement is.
   */
  async transaction<T>(
    work: (tx: SqlTransaction) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const client = await poolOf(this.dataSource).connect();
    // Without the field (a node-postgres before pipeline mode) this sets nothing, and node-postgres queues the
    // statements issued together and sends them one after another: correct, only slower.
    client.pipeline = true;
    let inFlight = 0;
    const send = (sql: string, params?: readonly unknown[]): Promise<PgResult | PgResult[]> => {
      const sent = client.query(this.statement(sql, params));
      inFlight += 1;
      void sent.then(
        () => (inFlight -= 1),
        () => (inFlight -= 1),
      );
      return sent;
    };
    // Set once the transaction is ending (rolling back, or over): a statement issued from then on is refused.
    let ending: string | null = null;
    let commitSent: Promise<void> | null = null;
    const refuseIfEnding = (what: string) => {
      if (ending) throw new Error(`a statement was issued after its transaction ${ending} (${what})`);
    };
    const refuse = (what: string) => {
      refuseIfEnding(what);
      if (commitSent) throw new Error(`a statement was issued after its transaction's COMMIT (${what})`);
    };
    const begun = send(
      this.statementTimeoutMs === undefined
        ? 'BEGIN'
        : `BEGIN; SET LOCAL statement_timeout = ${this.statementTimeoutMs}`,
    );
    // Awaited by every statement and by the commit, and at the end; never left unhandled meanwhile.
    begun.catch(() => undefined);
    // The first statement that failed, here or at the server: the transaction then never commits, and a COMMIT the
    // server answered with ROLLBACK rejects with it (its code intact, so a serialisation failure or a lost connection
    // is still told apart), not with a message that hides it.
    let failure = null as { error: unknown } | null;
    const fail = (error: unknown) => (failure ??= { error });
    // Read through a call: TypeScript would otherwise keep the narrowing of a check made before an await.
    const failedWith = () => failure;
    const tx: SqlTransaction = {
      query: async <R>(sql: string, params?: readonly unknown[]): Promise<R[]> => {
        refuse(sql.slice(0, 60));
        if (!options.beginWithFirstStatements) {
          await begun;
          // Issued before the COMMIT, so sent before it (the COMMIT waits for BEGIN too); not if rolling back.
          refuseIfEnding(sql.slice(0, 60));
        }
        const sent = send(sql, params);
        // Recorded as soon as the answer is read, before the answers behind it (a COMMIT's) are acted on.
        sent.catch(fail);
        const [, result] = await Promise.all([begun, sent]);
        return rowsOf<R>(result);
      },
      commit: (issued) => {
        refuse('COMMIT');
        issued?.catch(fail);
        // One turn later: what failed in this process while the statements were issued has failed by then.
        const committed = (async () => {
          if (!options.beginWithFirstStatements) await begun;
          await new Promise<void>((resolve) => setImmediate(resolve));
          // Failed, or rolling back already (the caller gave up first): no COMMIT is sent.
          const early = failedWith();
          if (early) throw early.error;
          if (ending) throw new Error(`the transaction ${ending} before its COMMIT`);
          const [, result] = await Promise.all([begun, send('COMMIT')]);
          const command = Array.isArray(result) ? result.at(-1)?.command : result.command;
          if (command !== undefined && command !== 'COMMIT') {
            const first = failedWith();
            throw first
              ? first.error
              : new Error(`the transaction was rolled back, not committed (the server answered ${command})`);
          }
        })();
        // Awaited by the caller or at the end; never an unhandled rejection if the caller throws first.
        committed.catch(() => undefined);
        commitSent = committed;
        return committed;
      },
    };
    let broken: Error | undefined;
    // The pool listens for errors only on idle connections: one checked out here needs a listener of its own,
    // or a connection reset while the transaction waits (on the stream, say) is an unhandled 'error' event that
    // kills the process (found by the distributed fault suite's database cut: a scorer died mid-relay).
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      const result = await work(tx);
      await (commitSent ?? tx.commit());
      return result;
    } catch (error) {
      ending = 'rolled back';
      broken ??= connectionLost(error);
      // Behind everything already sent: once it answers, nothing of this transaction is still running.
      if (!broken) await send('ROLLBACK').catch((rollback: Error) => (broken = rollback));
      throw error;
    } finally {
      ending = 'ended';
      // A connection with a statement still unanswered never goes back to the pool: its answer would reach the next
      // user. Normally there is none (ROLLBACK and COMMIT answer after everything sent before them).
      if (!broken && inFlight > 0) broken = new Error(`${inFlight} statement(s) still unanswered at the end`);
      // A connection that failed is discarded, not returned to the pool.
      client.removeListener('error', onError);
      if (!broken) client.pipeline = false;
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
