import {
  type CanonicalObservation,
  canonicalObservationSchema,
  type ObservationEvent,
  PARAMETER_DEFINITIONS,
} from '@vigil/contracts';
import type { ReportedSource, ReportedValue } from '@vigil/questionnaires';

/**
 * Turns reported values (questionnaire answers, typed readings) into canonical observations with their
 * source, the same shape device readings and a nurse's manual entries take: published to
 * `vitals.observations`, they are stored and scored by the scorer like any other reading (never scored
 * here). Ids derive from one message id so a retried publish deduplicates.
 */
export function reportedObservationEvents(input: {
  values: readonly ReportedValue[];
  patientId: string;
  source: ReportedSource;
  enteredBy: string;
  messageId: string;
  measuredAt: Date;
  receivedAt: Date;
}): ObservationEvent[] {
  return input.values.map((v, index) => {
    const def = PARAMETER_DEFINITIONS[v.parameter];
    const observation: CanonicalObservation = canonicalObservationSchema.parse({
      id: `reported:${input.messageId}:${index}`,
      patientId: input.patientId,
      deviceId: null,
      parameter: v.parameter,
      value: v.value,
      valueCode: v.valueCode,
      unit: def.unit,
      loinc: def.loinc,
      mdc: def.mdc,
      original: null,
      measuredAt: input.measuredAt.toISOString(),
      receivedAt: input.receivedAt.toISOString(),
      source: input.source,
      messageId: input.messageId,
      seq: null,
      detail: { questionId: v.questionId },
      enteredBy: input.enteredBy,
    });
    return { type: 'observation', observation };
  });
}
