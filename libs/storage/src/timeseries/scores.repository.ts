import type { News2Score } from '@vigil/contracts';
import type { SqlClient } from './sql-client';

export interface ScoreToStore {
  patientId: string;
  score: News2Score;
  /** The observations the score was computed from (FHIR `derivedFrom`). */
  observationIds: readonly string[];
}

export interface StoredScore extends ScoreToStore {
  storedAt: Date;
}

interface ScoreRow {
  patient_id: string;
  scored_at: Date;
  scorer_version: string;
  total: number;
  band: News2Score['band'];
  partial: boolean;
  missing: string[];
  red_score: boolean;
  per_parameter: Record<string, number>;
  spo2_scale: number;
  retrospective: boolean;
  observation_ids: string[];
  stored_at: Date;
  range_lowest: number | null;
  range_highest: number | null;
  oxygen_source: News2Score['oxygenSource'] | null;
}

/** NEWS2 scores as a time series; one multi-row, idempotent insert per batch. */
export class ScoresRepository {
  /**
   * Stores scores. A score for the same patient, event time and scorer version is replaced only when it
   * was computed from other observations (a late reading from a second device changed the current state
   * at that time: R1); a replayed batch changes nothing. Returns the keys `patientId|scoredAt ISO` of the
   * rows inserted or replaced now.
   */
  async insertMany(tx: SqlClient, items: readonly ScoreToStore[]): Promise<Set<string>> {
    if (items.length === 0) return new Set();
    // One row per key: a statement may not update the same row twice (the last one is the newest decision).
    const unique = [
      ...new Map(
        items.map((i) => [`${i.patientId}|${i.score.scoredAt}|${i.score.scorerVersion}`, i]),
      ).values(),
    ];
    const params: unknown[] = [];
    const tuples = unique.map(({ patientId, score: s, observationIds }) => {
      const base = params.length;
      params.push(
        patientId,
        s.scoredAt,
        s.scorerVersion,
        s.total,
        s.band,
        s.partial,
        s.missing,
        s.redScore,
        JSON.stringify(s.perParameter),
        s.spo2Scale,
        s.retrospective,
        [...observationIds],
        s.range?.lowest ?? null,
        s.range?.highest ?? null,
        s.oxygenSource,
      );
      return `(${Array.from({ length: 15 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    const rows = await tx.query<{ patient_id: string; scored_at: Date }>(
      `INSERT INTO news2_scores (patient_id, scored_at, scorer_version, total, band, partial, missing, red_score,
         per_parameter, spo2_scale, retrospective, observation_ids, range_lowest, range_highest, oxygen_source)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (patient_id, scored_at, scorer_version) DO UPDATE SET
         total = EXCLUDED.total, band = EXCLUDED.band, partial = EXCLUDED.partial, missing = EXCLUDED.missing,
         red_score = EXCLUDED.red_score, per_parameter = EXCLUDED.per_parameter, spo2_scale = EXCLUDED.spo2_scale,
         retrospective = EXCLUDED.retrospective, observation_ids = EXCLUDED.observation_ids,
         range_lowest = EXCLUDED.range_lowest, range_highest = EXCLUDED.range_highest,
         oxygen_source = EXCLUDED.oxygen_source
       WHERE news2_scores.observation_ids IS DISTINCT FROM EXCLUDED.observation_ids
       RETURNING patient_id, scored_at`,
      params,
    );
    return new Set(rows.map((r) => `${r.patient_id}|${new Date(r.scored_at).toISOString()}`));
  }

  async listForPatient(sql: SqlClient, patientId: string, from: Date, to: Date): Promise<StoredScore[]> {
    const rows = await sql.query<ScoreRow>(
      `SELECT * FROM news2_scores WHERE patient_id = $1 AND scored_at >= $2 AND scored_at < $3
       ORDER BY scored_at, scorer_version`,
      [patientId, from, to],
    );
    return rows.map((r) => ({
      patientId: r.patient_id,
      observationIds: r.observation_ids,
      storedAt: new Date(r.stored_at),
      score: toNews2Score(r),
    }));
  }

  /** The newest non-retrospective score of each patient since `since` (what the console shows as current). */
  async latestForPatients(
    sql: SqlClient,
    patientIds: readonly string[],
    since: Date,
  ): Promise<Map<string, News2Score>> {
    if (patientIds.length === 0) return new Map();
    const rows = await sql.query<ScoreRow>(
      `SELECT DISTINCT ON (patient_id) *
       FROM news2_scores
       WHERE patient_id = ANY($1::uuid[]) AND scored_at >= $2 AND NOT retrospective
       ORDER BY patient_id, scored_at DESC, scorer_version DESC`,
      [[...patientIds], since],
    );
    return new Map(rows.map((r) => [r.patient_id, toNews2Score(r)]));
  }
}

function toNews2Score(r: ScoreRow): News2Score {
  return {
    total: Number(r.total),
    band: r.band,
    partial: r.partial,
    missing: r.missing,
    redScore: r.red_score,
    perParameter: r.per_parameter,
    scorerVersion: r.scorer_version,
    scoredAt: new Date(r.scored_at).toISOString(),
    retrospective: r.retrospective,
    spo2Scale: Number(r.spo2_scale) === 2 ? 2 : 1,
    range:
      r.range_lowest === null || r.range_highest === null
        ? null
        : { lowest: Number(r.range_lowest), highest: Number(r.range_highest) },
    oxygenSource: r.oxygen_source ?? 'unknown',
  };
}
