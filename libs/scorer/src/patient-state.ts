import { NEWS2_SCORER_VERSION, type News2Input, type News2Result, scoreNews2 } from '@vigil/clinical';
import type { AcvpuCode, News2Score, Parameter } from '@vigil/contracts';
import type { LatestValue } from '@vigil/storage';

/** The parameters NEWS2 reads. */
export const NEWS2_PARAMETERS: ReadonlySet<Parameter> = new Set<Parameter>([
  'respiratoryRate',
  'spo2',
  'inspiredOxygen',
  'systolicBp',
  'heartRate',
  'consciousness',
  'temperature',
]);

/** Latest value per parameter of one patient, by event time. */
export type PatientValues = Map<Parameter, LatestValue>;

/**
 * The NEWS2 input at event time `at`: the newest value of each parameter measured in
 * (at − freshness, at]. An older value is stale and left out, so the score is partial rather than
 * built on yesterday's reading (SPEC §4).
 */
export function news2InputAt(
  values: Iterable<LatestValue>,
  at: Date,
  freshnessMs: number,
  spo2Scale: 1 | 2,
): { input: News2Input; observationIds: string[] } {
  const input: News2Input = { spo2Scale };
  const observationIds: string[] = [];
  for (const v of values) {
    const age = at.getTime() - v.measuredAt.getTime();
    if (age < 0 || age >= freshnessMs || !NEWS2_PARAMETERS.has(v.parameter)) continue;
    switch (v.parameter) {
      case 'respiratoryRate':
        input.respiratoryRate = v.value;
        break;
      case 'spo2':
        input.spo2 = v.value;
        break;
      case 'inspiredOxygen':
        input.onOxygen = v.valueCode === 'oxygen';
        break;
      case 'systolicBp':
        input.systolicBp = v.value;
        break;
      case 'heartRate':
        input.pulse = v.value;
        break;
      case 'consciousness':
        input.consciousness = (v.valueCode ?? 'A') as AcvpuCode;
        break;
      case 'temperature':
        input.temperatureC = v.value;
        break;
      case 'diastolicBp':
      case 'meanArterialPressure':
      case 'fall':
        continue;
    }
    observationIds.push(v.observationId);
  }
  return { input, observationIds: observationIds.sort() };
}

export function toNews2Score(
  result: News2Result,
  scoredAt: Date,
  spo2Scale: 1 | 2,
  retrospective: boolean,
): News2Score {
  const perParameter: Record<string, number> = {};
  for (const [k, v] of Object.entries(result.perParameter)) if (typeof v === 'number') perParameter[k] = v;
  return {
    total: result.total,
    band: result.band,
    partial: result.partial,
    missing: result.missing,
    redScore: result.redScore,
    perParameter,
    scorerVersion: NEWS2_SCORER_VERSION,
    scoredAt: scoredAt.toISOString(),
    retrospective,
    spo2Scale,
  };
}

export { scoreNews2 };
