import {
  ACVPU_CODES,
  type CanonicalObservation,
  canonicalObservationSchema,
  INSPIRED_OXYGEN_CODES,
  MANUAL_OBSERVATION_FIELDS,
  type ManualObservationRequest,
  type ObservationEvent,
  PARAMETER_DEFINITIONS,
} from '@vigil/contracts';

/**
 * Turns a nurse's manual entry into canonical observations (source `manual`), one per parameter, the
 * same shape device readings take, so the scorer treats them alike. Ids derive from one message id so a
 * retried publish deduplicates in the observation store.
 */
export function manualObservationEvents(input: {
  request: ManualObservationRequest;
  patientId: string;
  enteredBy: string;
  messageId: string;
  receivedAt: Date;
}): ObservationEvent[] {
  const { request, patientId, enteredBy, messageId, receivedAt } = input;
  const events: ObservationEvent[] = [];
  MANUAL_OBSERVATION_FIELDS.forEach((field, index) => {
    const raw = request[field];
    if (raw === undefined) return;
    const def = PARAMETER_DEFINITIONS[field];
    let value: number;
    let valueCode: string | null = null;
    if (field === 'consciousness') {
      valueCode = raw as string;
      value = ACVPU_CODES.indexOf(raw as (typeof ACVPU_CODES)[number]);
    } else if (field === 'inspiredOxygen') {
      valueCode = raw as string;
      value = INSPIRED_OXYGEN_CODES.indexOf(raw as (typeof INSPIRED_OXYGEN_CODES)[number]);
    } else {
      value = raw as number;
    }
    const observation: CanonicalObservation = canonicalObservationSchema.parse({
      id: `manual:${messageId}:${index}`,
      patientId,
      deviceId: null,
      parameter: field,
      value,
      valueCode,
      unit: def.unit,
      loinc: def.loinc,
      mdc: def.mdc,
      original: null,
      measuredAt: new Date(request.measuredAt).toISOString(),
      receivedAt: receivedAt.toISOString(),
      source: 'manual',
      messageId,
      seq: null,
      detail: null,
      enteredBy,
    });
    events.push({ type: 'observation', observation });
  });
  return events;
}
