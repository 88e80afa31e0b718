import type { DataSource, QueryRunner } from 'typeorm';

/**
 * The one thing the time-series and alert repositories need from a database: run a statement, get
 * its rows. A TypeORM transaction and a migration's query runner both fit behind it.
 * `UPDATE … RETURNING` is written as a CTE where rows matter, so every driver returns plain rows.
 */
export interface SqlClient {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

function fromQueryRunner(runner: QueryRunner): SqlClient {
  return {
    async query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      const result = await runner.query(sql, params ? [...params] : undefined, true);
      return (result.records ?? []) as T[];
    },
  };
}

/**
 * A TypeORM DataSource seen as a {@link SqlClient}, plus transactions. A transaction is one
 * connection: everything `work` does through the client it is given commits or rolls back together.
 */
export class SqlDatabase implements SqlClient {
  constructor(private readonly dataSource: DataSource) {}

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await fromQueryRunner(runner).query<T>(sql, params);
    } finally {
      await runner.release();
    }
  }

  /** Runs `work` in one transaction; it commits only if `work` resolves. */
  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const result = await work(fromQueryRunner(runner));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }
}
