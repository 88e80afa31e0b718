import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { Client } from 'pg';
import { messageKey } from '../../src/history/history-recorder';
import type { ClinicalAlertRow, DeadLetterRow, StoredRow } from '../../src/oracle/oracle';

/** The real PostgreSQL on this machine (as @vigil/testing uses), unless TEST_DATABASE_URL says otherwise. */
const SERVER_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const withDatabase = (name: string): string => {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
};

async function onServer<T>(fn: (c: Client) => Promise<T>, url = SERVER_URL): Promise<T> {
  const c = new Client({ connectionString: url, application_name: 'vigil-faults' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * The fault suite's view of its own fresh database: setting it up before Vigil runs, cutting Vigil's
 * connections during a round, and reading back what was stored for the oracle. The device scope may not
 * import the backend libs (@vigil/testing, @vigil/storage), so this is plain `pg` on the documented tables.
 */
export class FaultDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  /** A fresh, empty database; Vigil applies its migrations when it starts. */
  static async create(): Promise<FaultDatabase> {
    const name = `vigil_faults_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await onServer((c) => c.query(`CREATE DATABASE "${name}"`));
    return new FaultDatabase(name, withDatabase(name));
  }

  async drop(): Promise<void> {
    await onServer((c) => c.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`));
  }

  private query<T>(text: string, values: unknown[] = []): Promise<T[]> {
    return onServer(async (c) => (await c.query(text, values)).rows as T[], this.url);
  }

  /**
   * An admin account and a ward, written as UsersRepository would (argon2id hash) — the runtime seeds users
   * only with the demo on, and the suite runs it with the demo off.
   */
  async seedAdmin(username: string, password: string, wardName: string): Promise<{ wardId: string }> {
    const passwordHash = await hash(password);
    const [user] = await this.query<{ id: string }>(
      `INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, 'Fault suite admin', 'admin', $2) RETURNING id`,
      [username, passwordHash],
    );
    const [ward] = await this.query<{ id: string }>(`INSERT INTO wards (name) VALUES ($1) RETURNING id`, [
      wardName,
    ]);
    await this.query(`INSERT INTO user_wards (user_id, ward_id) VALUES ($1, $2)`, [user.id, ward.id]);
    return { wardId: ward.id };
  }

  /**
   * Moves the devices' bindings an hour into the past, as for devices bound long before the round: a
   * reading from a clock 10 minutes slow must be late data, not a reading from before the binding.
   */
  async backdateBindings(deviceIds: string[]): Promise<void> {
    await this.query(
      `UPDATE device_bindings SET valid_from = valid_from - interval '1 hour' WHERE device_id = ANY($1)`,
      [deviceIds],
    );
  }

  /**
   * Refuses (or allows again) every new connection to this database, the server and other databases
   * untouched: with {@link terminateBackends}, a database outage for this runtime only.
   */
  async allowConnections(allow: boolean): Promise<void> {
    await onServer((c) =>
      c.query(`ALTER DATABASE "${this.name}" ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`),
    );
  }

  /** Terminates every backend of this database except our own; returns how many were cut. */
  async terminateBackends(): Promise<number> {
    const rows = await onServer(
      async (c) =>
        (
          await c.query<{ n: string }>(
            `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity
              WHERE datname = $1 AND pid <> pg_backend_pid()`,
            [this.name],
          )
        ).rows,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async storedRows(deviceIds: string[]): Promise<StoredRow[]> {
    const rows = await this.query<{ device_id: string; seq: string; parameter: string; corrected: boolean }>(
      `SELECT device_id, seq, parameter, coalesce((detail ->> 'clockCorrected')::boolean, false) AS corrected
       FROM observations WHERE device_id = ANY($1)`,
      [deviceIds],
    );
    return rows.map((r) => ({
      deviceId: r.device_id,
      seq: Number(r.seq),
      parameter: r.parameter,
      clockCorrected: r.corrected === true,
    }));
  }

  /** The readings stored, as `device|seq` keys (the history's message keys). */
  async storedKeys(deviceIds: string[]): Promise<Set<string>> {
    const rows = await this.query<{ device_id: string; seq: string }>(
      `SELECT DISTINCT device_id, seq FROM observations WHERE device_id = ANY($1)`,
      [deviceIds],
    );
    return new Set(rows.map((r) => messageKey(r.device_id, Number(r.seq))));
  }

  /** Distinct readings (device, seq) stored per device. */
  async storedCountsByDevice(deviceIds: string[]): Promise<Map<string, number>> {
    const rows = await this.query<{ device_id: string; n: string }>(
      `SELECT device_id, count(DISTINCT seq) AS n FROM observations WHERE device_id = ANY($1) GROUP BY device_id`,
      [deviceIds],
    );
    return new Map(rows.map((r) => [r.device_id, Number(r.n)]));
  }

  async deadLetters(deviceIds: string[]): Promise<DeadLetterRow[]> {
    const rows = await this.query<{ device_id: string; reason: string; raw: Buffer }>(
      `SELECT device_id, reason, raw FROM dead_letters WHERE device_id = ANY($1)`,
      [deviceIds],
    );
    return rows.map((r) => ({ deviceId: r.device_id, reason: r.reason, seq: seqOf(r.raw) }));
  }

  async clinicalAlerts(patientIds: string[]): Promise<ClinicalAlertRow[]> {
    const rows = await this.query<{ patient_id: string; rule_id: string; subject: string }>(
      `SELECT patient_id, rule_id, subject FROM alerts WHERE kind = 'clinical' AND patient_id = ANY($1::uuid[])`,
      [patientIds],
    );
    return rows.map((r) => ({ patientId: r.patient_id, ruleId: r.rule_id, subject: r.subject }));
  }

  async technicalAlerts(): Promise<{ ruleId: string; state: string }[]> {
    const rows = await this.query<{ rule_id: string; state: string }>(
      `SELECT rule_id, state FROM alerts WHERE kind = 'technical'`,
    );
    return rows.map((r) => ({ ruleId: r.rule_id, state: r.state }));
  }

  /** The newest pipeline heartbeat the scorer recorded (HZ-01), or null before the first. */
  async lastHeartbeatAt(): Promise<Date | null> {
    const [row] = await this.query<{ at: Date | null }>(
      `SELECT max(received_at) AS at FROM pipeline_heartbeats`,
    );
    return row?.at ?? null;
  }
}

function seqOf(raw: Buffer): number | null {
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as { seq?: unknown };
    return typeof parsed.seq === 'number' ? parsed.seq : null;
  } catch {
    // A dead letter keeps only the first 4 KiB of a big payload (issue 12, D1): the envelope's seq comes
    // near its start, so read it from the prefix.
    const match = /"seq"\s*:\s*(\d+)/.exec(raw.toString('utf8'));
    return match ? Number(match[1]) : null;
  }
}
