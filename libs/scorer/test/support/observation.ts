import type { CanonicalObservation, Parameter, VitalsStreamEvent } from '@vigil/contracts';

/**
 * One observation as a single `observation` event (ingest groups a message's readings into one `readings` event
 * with `observationEvents`; the scorer reads both): numbers from a device, coded values (air or oxygen, ACVPU)
 * entered by a nurse. The id is derived from patient, parameter and time, so a replay is
 * recognisably the same reading.
 */
export function observation(
  patientId: string,
  parameter: Parameter,
  value: number | string,
  at: number,
  /** When ingest received it (default: as measured); R7 on arrival judges freshness at receipt. */
  receivedAtMs: number = at,
): VitalsStreamEvent {
  const coded = typeof value === 'string';
  const measuredAt = new Date(at).toISOString();
  const o: CanonicalObservation = {
    id: `${patientId}:${parameter}:${at}`,
    patientId,
    deviceId: coded ? null : `dev-${patientId.slice(0, 8)}-${parameter}`,
    parameter,
    value: coded ? (value === 'oxygen' ? 1 : 0) : value,
    valueCode: coded ? value : null,
    unit: '1',
    loinc: null,
    mdc: null,
    original: null,
    measuredAt,
    receivedAt: new Date(receivedAtMs).toISOString(),
    source: coded ? 'manual' : 'json',
    messageId: `${patientId}:${at}`,
    seq: null,
    detail: null,
    enteredBy: coded ? 'nurse-1' : null,
  };
  return { type: 'observation', observation: o };
}
