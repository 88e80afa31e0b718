import { scoreNews2, type News2Input } from '@vigil/clinical';
import type { CanonicalObservation, Parameter } from '@vigil/contracts';
import type { PatientScoringContext } from '@vigil/storage';
import type { ReadingContext } from './rule';

/** Builders for the rules' unit tests. */
export const AT = new Date('2026-11-25T10:00:00Z');

export function patient(over: Partial<PatientScoringContext> = {}): PatientScoringContext {
  return {
    patientId: '2f1d1a3c-8d2e-4a43-9d61-0b7a9c1e2f30',
    wardId: '5b0c1f7e-1d2a-4c3b-9e8f-7a6b5c4d3e2f',
    spo2Scale: 1,
    pathway: 'general',
    thresholds: [],
    monitoring: {},
    admittedAt: new Date('2026-11-20T00:00:00Z'),
    dischargedAt: null,
    ...over,
  };
}

export function reading(
  parameter: Parameter,
  value: number,
  detail: CanonicalObservation['detail'] = null,
): CanonicalObservation {
  return {
    id: `r:${parameter}:${value}`,
    patientId: patient().patientId,
    deviceId: 'dev-1',
    parameter,
    value,
    valueCode: null,
    unit: '1',
    loinc: null,
    mdc: null,
    original: null,
    measuredAt: AT.toISOString(),
    receivedAt: AT.toISOString(),
    source: 'json',
    messageId: 'm',
    seq: 1,
    detail,
    enteredBy: null,
  };
}

export function ctx(
  over: {
    input?: Omit<News2Input, 'spo2Scale'>;
    readings?: CanonicalObservation[];
    patient?: PatientScoringContext;
  } = {},
): ReadingContext {
  return {
    patient: over.patient ?? patient(),
    at: AT,
    readings: over.readings ?? [],
    score: over.input ? scoreNews2({ spo2Scale: 1, ...over.input }) : null,
  };
}

export const COMPLETE: Omit<News2Input, 'spo2Scale'> = {
  respiratoryRate: 16,
  spo2: 97,
  onOxygen: false,
  systolicBp: 125,
  pulse: 72,
  consciousness: 'A',
  temperatureC: 37,
};
