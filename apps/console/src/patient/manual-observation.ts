import type { AcvpuCode, InspiredOxygenCode, ManualObservationRequest } from '@vigil/contracts';

export interface ManualObservationInput {
  respiratoryRate: string;
  consciousness: AcvpuCode | '';
  inspiredOxygen: InspiredOxygenCode | '';
}

export interface ManualObservationResult {
  errors: { href: string; message: string }[];
  body: ManualObservationRequest | null;
}

/** Client-side checks with NHS wording; the api validates again with the shared zod schema. */
export function validateManualObservation(input: ManualObservationInput, now: Date): ManualObservationResult {
  const errors: { href: string; message: string }[] = [];
  const body: ManualObservationRequest = { measuredAt: now.toISOString() };
  const rr = input.respiratoryRate.trim();
  if (rr) {
    const value = Number(rr);
    if (!Number.isFinite(value) || !/^[0-9]+(\.[0-9]+)?$/.test(rr)) {
      errors.push({ href: 'manual-rr', message: 'Respiration rate must be a number, like 18' });
    } else if (value < 2 || value > 80) {
      errors.push({ href: 'manual-rr', message: 'Respiration rate must be between 2 and 80' });
    } else {
      body.respiratoryRate = value;
    }
  }
  if (input.consciousness) body.consciousness = input.consciousness;
  if (input.inspiredOxygen) body.inspiredOxygen = input.inspiredOxygen;
  if (errors.length === 0 && !rr && !input.consciousness && !input.inspiredOxygen) {
    errors.push({ href: 'manual-rr', message: 'Enter at least one observation' });
  }
  return { errors, body: errors.length === 0 ? body : null };
}
