import { clinicalResponse, type News2Result } from '@vigil/clinical';
import { PARAMETER_DEFINITIONS, type Parameter } from '@vigil/contracts';
import { type EntryBook, iso } from './fhir-bundle';
import {
  NEWS2_SPO2_SCALE2_SNOMED,
  NEWS2_SUB_SCORES,
  NEWS2_TOTAL_SNOMED,
  SYSTEMS,
  UK_CORE_OBSERVATION_PROFILE,
  VIGIL_SYSTEMS,
  type News2SubScoreCode,
} from './fhir-codes';
import type { FhirScoreInput } from './fhir-export';
import type {
  Annotation,
  CodeableConcept,
  Coding,
  Observation,
  ObservationComponent,
  Reference,
} from './fhir-types';
import type { NormalisedObservation } from './fhir-vital-signs';

/** NEWS2 is an assessment score: category `survey`, as in the UK Core clinical-observations guidance. */
const SURVEY: CodeableConcept = {
  coding: [{ system: SYSTEMS.observationCategory, code: 'survey', display: 'Survey' }],
};

/** Readings of each parameter, oldest first, for the derivedFrom fallback. */
export type ReadingsByParameter = ReadonlyMap<Parameter, readonly NormalisedObservation[]>;

export function readingsByParameter(observations: readonly NormalisedObservation[]): ReadingsByParameter {
  const out = new Map<Parameter, NormalisedObservation[]>();
  for (const o of observations) {
    const list = out.get(o.parameter) ?? [];
    list.push(o);
    out.set(o.parameter, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.measuredAt.getTime() - b.measuredAt.getTime());
  return out;
}

/** Binary search: a long export has a reading a minute, and a score every few. */
function latestAtOrBefore(
  sorted: readonly NormalisedObservation[],
  at: number,
): NormalisedObservation | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].measuredAt.getTime() <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1] : undefined;
}

export function scoreKey(s: FhirScoreInput): string {
  return `${s.score.scoredAt}|${s.score.scorerVersion}`;
}

const INTERPRETATION: Readonly<Record<News2Result['band'], Coding>> = {
  high: { system: SYSTEMS.interpretation, code: 'HH', display: 'Critical high' },
  medium: { system: SYSTEMS.interpretation, code: 'H', display: 'High' },
  'low-medium': { system: SYSTEMS.interpretation, code: 'H', display: 'High' },
  low: { system: SYSTEMS.interpretation, code: 'N', display: 'Normal' },
};
const INDETERMINATE: Coding = { system: SYSTEMS.interpretation, code: 'IND', display: 'Indeterminate' };

function subScoreCode(row: News2SubScoreCode, spo2Scale: 1 | 2): CodeableConcept {
  const coding = row.key === 'spo2' && spo2Scale === 2 ? NEWS2_SPO2_SCALE2_SNOMED : row;
  return { coding: [{ system: SYSTEMS.snomed, code: coding.code, display: coding.display }] };
}

export function toNews2Observation(
  s: FhirScoreInput,
  readings: ReadingsByParameter,
  book: EntryBook,
  subject: Reference,
): Observation {
  const { score } = s;
  const scoredAt = iso(score.scoredAt, 'scoredAt of a NEWS2 score');
  const missingRows = NEWS2_SUB_SCORES.filter((r) => typeof score.perParameter[r.key] !== 'number');
  const partial = score.partial || missingRows.length > 0;
  const missingNames = missingRows.map((r) => PARAMETER_DEFINITIONS[r.parameter].display);

  const component: ObservationComponent[] = NEWS2_SUB_SCORES.map((row) => {
    const value = score.perParameter[row.key];
    return typeof value === 'number'
      ? { code: subScoreCode(row, score.spo2Scale), valueInteger: value }
      : {
          code: subScoreCode(row, score.spo2Scale),
          dataAbsentReason: {
            coding: [{ system: SYSTEMS.dataAbsentReason, code: 'unknown', display: 'Unknown' }],
            text: 'Not recorded in time for this score: the total is a lower bound',
          },
        };
  });

  const result: News2Result = {
    perParameter: score.perParameter,
    total: score.total,
    band: score.band,
    partial,
    missing: score.missing.length > 0 ? score.missing : missingRows.map((r) => r.inputField),
    redScore: score.redScore,
  };
  const response = clinicalResponse(result);
  const bandText =
    `NEWS2 ${score.total}, band ${score.band}` +
    (score.redScore ? ', red score (a single parameter scoring 3)' : '') +
    (partial ? ' — PARTIAL: the true score may be higher' : '');
  const note: Annotation[] = [];
  if (partial) {
    note.push({
      text:
        `Partial NEWS2: not recorded ${missingNames.join(', ') || 'some parameters'}. ` +
        `The total of ${score.total} is a lower bound, not a complete score.`,
    });
  }
  note.push({ text: response.description });
  if (score.retrospective)
    note.push({ text: 'Scored from late data: recorded for the record, never paged as new.' });

  return {
    resourceType: 'Observation',
    meta: { profile: [UK_CORE_OBSERVATION_PROFILE] },
    identifier: [{ system: VIGIL_SYSTEMS.news2Score, value: `${scoredAt}|${score.scorerVersion}` }],
    // `preliminary` ("data may be incomplete") so a consumer cannot take a partial score as final (HZ-08).
    status: partial ? 'preliminary' : 'final',
    category: [SURVEY],
    code: { coding: [{ system: SYSTEMS.snomed, ...NEWS2_TOTAL_SNOMED }], text: 'NEWS2 total score' },
    subject,
    effectiveDateTime: scoredAt,
    ...(s.storedAt ? { issued: iso(s.storedAt, 'storedAt of a NEWS2 score') } : {}),
    valueInteger: score.total,
    interpretation: [
      {
        coding: [partial && score.band === 'low' ? INDETERMINATE : INTERPRETATION[score.band]],
        text: bandText,
      },
    ],
    note,
    derivedFrom: derivedFrom(s, readings, book),
    component,
  };
}

/**
 * The readings behind a score. Stored scores list them (`observationIds`); for a score stored without
 * them, the newest reading of each scored parameter at or before the score time stands in — the same
 * "newest value per parameter" rule the scorer applies, limited to sub-scores actually present.
 */
function derivedFrom(
  s: FhirScoreInput,
  readings: ReadingsByParameter,
  book: EntryBook,
): Reference[] | undefined {
  let ids: readonly string[] = s.observationIds;
  if (ids.length === 0) {
    const at = new Date(s.score.scoredAt).getTime();
    ids = NEWS2_SUB_SCORES.filter((r) => typeof s.score.perParameter[r.key] === 'number').flatMap((r) => {
      const latest = latestAtOrBefore(readings.get(r.parameter) ?? [], at);
      return latest ? [latest.id] : [];
    });
  }
  const seen = new Set<string>();
  const refs: Reference[] = [];
  for (const id of ids) {
    const url = book.observationUrl(id);
    if (url === undefined) {
      // Outside the exported window: a logical reference, never a dangling literal one.
      refs.push({
        identifier: { system: VIGIL_SYSTEMS.observationId, value: id },
        display: 'Observation not in this export',
      });
    } else if (!seen.has(url)) {
      seen.add(url);
      refs.push({ reference: url, type: 'Observation' });
    }
  }
  return refs.length > 0 ? refs : undefined;
}
