import type { News2Input } from '@vigil/clinical';
import type { CanonicalObservation, Parameter } from '@vigil/contracts';
import { type AlertRecord, newAlertRecord } from '../alert-record';
import { type ClinicalState, currentScore, EMPTY_STATE, heldValueOf } from '../clinical-state';
import type { PatientContext } from '../patient-context';
import { freshnessMinutes } from '../policy';
import type { ReadingContext } from './rule';

/** Builders for the alerting unit tests. */
export const AT = new Date('2026-11-25T10:00:00Z');

export function patient(over: Partial<PatientContext> = {}): PatientContext {
  return {
    patientId: '2f1d1a3c-8d2e-4a43-9d61-0b7a9c1e2f30',
    wardId: '5b0c1f7e-1d2a-4c3b-9e8f-7a6b5c4d3e2f',
    spo2Scale: 1,
    pathway: 'general',
    thresholds: [],
    monitoring: {},
    oxygenPrescription: null,
    admittedAt: new Date('2026-11-20T00:00:00Z'),
    dischargedAt: null,
    ...over,
  };
}

let seq = 0;

/** A device reading of one parameter; `at` defaults to {@link AT}. */
export function reading(
  parameter: Parameter,
  value: number,
  detail: CanonicalObservation['detail'] = null,
  over: Partial<CanonicalObservation> = {},
): CanonicalObservation {
  const at = over.measuredAt ?? AT.toISOString();
  seq += 1;
  return {
    id: `r:${parameter}:${value}:${at}:${seq}`,
    patientId: patient().patientId,
    deviceId: 'dev-1',
    parameter,
    value,
    valueCode: null,
    unit: '1',
    loinc: null,
    mdc: null,
    original: null,
    measuredAt: at,
    receivedAt: at,
    source: 'json',
    messageId: `m${seq}`,
    seq,
    detail,
    enteredBy: null,
    ...over,
  };
}

const INPUT_PARAMETER: Readonly<Record<string, Parameter>> = {
  respiratoryRate: 'respiratoryRate',
  spo2: 'spo2',
  systolicBp: 'systolicBp',
  pulse: 'heartRate',
  temperatureC: 'temperature',
};

/** Readings that make up a NEWS2 input (air or oxygen and ACVPU as coded values). */
export function readingsOf(input: Omit<News2Input, 'spo2Scale'>, at: Date = AT): CanonicalObservation[] {
  const measuredAt = at.toISOString();
  const out: CanonicalObservation[] = [];
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (field === 'onOxygen') {
      out.push(
        reading('inspiredOxygen', value ? 1 : 0, null, { measuredAt, valueCode: value ? 'oxygen' : 'air' }),
      );
    } else if (field === 'consciousness') {
      out.push(
        reading('consciousness', value === 'A' ? 0 : 3, null, { measuredAt, valueCode: String(value) }),
      );
    } else {
      out.push(reading(INPUT_PARAMETER[field], value as number, null, { measuredAt }));
    }
  }
  return out;
}

export function stateOf(readings: readonly CanonicalObservation[]): ClinicalState {
  return new Map(readings.filter((r) => r.parameter !== 'fall').map((r) => [r.parameter, heldValueOf(r)]));
}

/** A rule's context: the NEWS2 input becomes the state (and the new readings, unless given). */
export function ctx(
  over: {
    input?: Omit<News2Input, 'spo2Scale'>;
    readings?: CanonicalObservation[];
    patient?: PatientContext;
  } = {},
): ReadingContext {
  const p = over.patient ?? patient();
  const fromInput = over.input ? readingsOf(over.input) : [];
  const state = fromInput.length > 0 ? stateOf(fromInput) : EMPTY_STATE;
  return {
    patient: p,
    at: AT,
    readings: over.readings ?? fromInput,
    state,
    score: currentScore(state, p),
    freshnessMinutes: freshnessMinutes(p.monitoring),
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

/** A stored episode for the state-machine tests: a medium clinical alert opened at {@link AT}. */
export function alertRecord(over: Partial<AlertRecord> = {}, at: Date = AT): AlertRecord {
  return {
    ...newAlertRecord({
      patientId: patient().patientId,
      wardId: patient().wardId,
      ruleId: 'deterioration',
      ruleVersion: 1,
      subject: '',
      kind: 'clinical',
      severity: 'medium',
      reason: 'NEWS2 5',
      band: 'medium',
      news2Total: 5,
      partial: false,
      triggeringParameters: [],
      lastObservationAt: at,
      at,
    }),
    ...over,
  };
}
