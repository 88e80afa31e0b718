import type { OxygenPrescriptionRequest, OxygenPrescriptionView, Spo2ScaleRequest } from '@vigil/contracts';
import type { FieldError } from '../common/ErrorSummary';

/** NHS error-message wording; the server checks the same rules again (reason required, R9). */
export const REASON_REQUIRED = 'Enter why you are making this change';

function reasonError(id: string, reason: string): FieldError[] {
  return reason.trim().length === 0 ? [{ href: id, message: REASON_REQUIRED }] : [];
}

/** N1: a prescription needs air or oxygen chosen and a reason. */
export function validateOxygenPrescription(input: { onOxygen: boolean | null; reason: string }): {
  errors: FieldError[];
  body: OxygenPrescriptionRequest | null;
} {
  const errors: FieldError[] = [
    ...(input.onOxygen === null
      ? [{ href: 'oxygen-prescription-air', message: 'Select on air or on oxygen' }]
      : []),
    ...reasonError('oxygen-prescription-reason', input.reason),
  ];
  return {
    errors,
    body:
      errors.length === 0 && input.onOxygen !== null
        ? { onOxygen: input.onOxygen, reason: input.reason.trim() }
        : null,
  };
}

/** R9: a scale change needs a reason (the form offers only the other scale). */
export function validateScaleChange(input: { scale: 1 | 2; reason: string }): {
  errors: FieldError[];
  body: Spo2ScaleRequest | null;
} {
  const errors = reasonError('spo2-scale-reason', input.reason);
  return { errors, body: errors.length === 0 ? { scale: input.scale, reason: input.reason.trim() } : null };
}

/**
 * N1: the banner's words for the oxygen prescription. On SpO2 scale 2 with none recorded, air or oxygen
 * is unknown unless a reading says: the nurse is told so (and NEWS2 shows its range).
 */
export function oxygenPrescriptionText(
  prescription: OxygenPrescriptionView | null,
  spo2Scale: 1 | 2,
): { text: string; warn: boolean } {
  if (prescription) {
    return { text: prescription.onOxygen ? 'On oxygen (prescribed)' : 'On air (prescribed)', warn: false };
  }
  return spo2Scale === 2
    ? { text: 'Not recorded – air or oxygen unknown', warn: true }
    : { text: 'Not recorded', warn: false };
}
