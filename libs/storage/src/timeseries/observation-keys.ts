import type { SqlClient } from './sql-client';

/** One of the dictionaries of compact observation rows (`observation-rows-schema.ts`). */
interface DictionaryShape {
  table: string;
  /** The columns that name an entry, with their SQL array types, in key order. */
  columns: readonly { name: string; type: string }[];
}

const PATIENTS: DictionaryShape = {
  table: 'observation_patients',
  columns: [{ name: 'patient_id', type: 'uuid' }],
};
const DEVICES: DictionaryShape = {
  table: 'observation_devices',
  columns: [{ name: 'device_id', type: 'text' }],
};
const PARAMETERS: DictionaryShape = {
  table: 'observation_parameters',
  columns: [{ name: 'parameter', type: 'text' }],
};
const KINDS: DictionaryShape = {
  table: 'observation_kinds',
  columns: [
    { name: 'unit', type: 'text' },
    { name: 'mdc', type: 'text' },
    { name: 'source', type: 'text' },
  ],
};

const SEPARATOR = '\u0000';

/**
 * Small integer keys for the names an observation row refers to, held in memory once known. The hot path
 * therefore sends no dictionary statement once every patient, device, parameter and kind in a batch has been
 * seen; a batch with a new one sends one statement per dictionary concerned, in the batch's own transaction.
 *
 * Only keys known to be committed are remembered: one found already stored, or inserted by another
 * transaction (`xmax <> 0` after `ON CONFLICT DO UPDATE`: the row was there). A key this transaction inserted
 * is used for this batch only: were the transaction rolled back, a remembered key would point at nothing and
 * every later row written with it would lose its name. Entries are never deleted or renamed, so what is
 * remembered stays true, across instances too.
 */
class KeyDictionary {
  private readonly known = new Map<string, number>();
  private readonly statement: string;

  constructor(private readonly shape: DictionaryShape) {
    const names = shape.columns.map((c) => c.name);
    const list = names.join(', ');
    const of = (alias: string): string => names.map((n) => `${alias}.${n}`).join(', ');
    const unnest = shape.columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
    const same = names.map((n) => `f.${n} = w.${n}`).join(' AND ');
    // Found rows first, so only names missing from this snapshot draw on the identity sequence (smallint keys
    // must not be spent on every call); one committed meanwhile by another transaction still comes back, through
    // the conflict. A found row counts as committed unless this very transaction inserted it (an earlier call in
    // the same batch). New names go in sorted, so two instances adding the same ones wait for each other instead
    // of deadlocking.
    this.statement = `WITH wanted AS (SELECT DISTINCT * FROM unnest(${unnest}) AS w(${list})),
      found AS (SELECT d.key, ${of('d')}, (d.xmin::text <> (txid_current() % 4294967296)::text) AS committed
                FROM ${shape.table} d JOIN wanted w USING (${list})),
      added AS (INSERT INTO ${shape.table} AS d (${list})
                SELECT ${of('w')} FROM wanted w WHERE NOT EXISTS (SELECT 1 FROM found f WHERE ${same})
                ORDER BY ${of('w')}
                ON CONFLICT (${list}) DO UPDATE SET ${names[0]} = EXCLUDED.${names[0]}
                RETURNING d.key, ${of('d')}, (d.xmax <> 0) AS committed)
      SELECT * FROM found UNION ALL SELECT * FROM added`;
  }

  /** The key of every name in `names` (each name its columns joined by NUL), adding what is missing. */
  async keys(tx: SqlClient, names: Iterable<string>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const name of names) {
      if (out.has(name)) continue;
      const key = this.known.get(name);
      if (key === undefined) missing.push(name);
      else out.set(name, key);
    }
    if (missing.length === 0) return out;
    const columns = this.shape.columns.map((_, i) => missing.map((m) => m.split(SEPARATOR)[i]));
    const rows = await tx.query<Record<string, unknown> & { key: number; committed: boolean }>(
      this.statement,
      columns,
    );
    for (const row of rows) {
      const name = this.shape.columns.map((c) => String(row[c.name])).join(SEPARATOR);
      out.set(name, Number(row.key));
      if (row.committed) this.known.set(name, Number(row.key));
    }
    for (const name of missing) {
      if (!out.has(name))
        throw new Error(`${this.shape.table}: no key came back for ${name.split(SEPARATOR).join(', ')}`);
    }
    return out;
  }
}

/** The names of one observation row, as dictionary entries. */
export interface ObservationNames {
  patientId: string;
  deviceId: string | null;
  parameter: string;
  unit: string;
  mdc: string | null;
  source: string;
}

/** The keys of one observation row. */
export interface ObservationKeys {
  patient: number;
  device: number | null;
  parameter: number;
  kind: number;
}

/** The four dictionaries of compact observation rows, with the keys known to this process. */
export class ObservationKeyDictionaries {
  private readonly patients = new KeyDictionary(PATIENTS);
  private readonly devices = new KeyDictionary(DEVICES);
  private readonly parameters = new KeyDictionary(PARAMETERS);
  private readonly kinds = new KeyDictionary(KINDS);

  /** The keys of each row, in order; names not yet in a dictionary are added in `tx`. */
  async resolve(tx: SqlClient, rows: readonly ObservationNames[]): Promise<ObservationKeys[]> {
    const named = rows.map((r) => ({
      // PostgreSQL gives a uuid back in lower case; the name must match what comes back.
      patient: r.patientId.toLowerCase(),
      device: r.deviceId,
      parameter: r.parameter,
      kind: [r.unit, r.mdc ?? '', r.source].join(SEPARATOR),
    }));
    // One after the other: statements on one connection queue anyway (and node-postgres is retiring overlap).
    const patients = await this.patients.keys(
      tx,
      named.map((n) => n.patient),
    );
    const devices = await this.devices.keys(
      tx,
      named.flatMap((n) => (n.device === null ? [] : [n.device])),
    );
    const parameters = await this.parameters.keys(
      tx,
      named.map((n) => n.parameter),
    );
    const kinds = await this.kinds.keys(
      tx,
      named.map((n) => n.kind),
    );
    return named.map((n) => ({
      patient: patients.get(n.patient) as number,
      device: n.device === null ? null : (devices.get(n.device) as number),
      parameter: parameters.get(n.parameter) as number,
      kind: kinds.get(n.kind) as number,
    }));
  }
}
