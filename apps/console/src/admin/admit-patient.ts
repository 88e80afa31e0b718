import { isValidNhsNumber, normaliseNhsNumber } from '@vigil/clinical';
import type { AdmitPatientRequest } from '@vigil/contracts';

export interface AdmitInput {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  wardId: string;
  spo2Scale: '1' | '2';
  /** Issue 13: a pathway template, or '' for none. */
  templateId?: string;
}

export interface FormCheck<T> {
  errors: { href: string; message: string }[];
  body: T | null;
}

/** Client-side admission checks (NHS number Modulus 11 included); the api checks again. */
export function validateAdmission(input: AdmitInput): FormCheck<AdmitPatientRequest> {
  const errors: { href: string; message: string }[] = [];
  const nhs = input.nhsNumber.trim();
  if (!nhs) errors.push({ href: 'admit-nhs', message: 'Enter the NHS number' });
  else if (!isValidNhsNumber(nhs))
    errors.push({ href: 'admit-nhs', message: 'Enter a valid NHS number: 10 digits, like 943 476 5919' });
  if (!input.givenName.trim()) errors.push({ href: 'admit-given', message: 'Enter the given name' });
  if (!input.familyName.trim()) errors.push({ href: 'admit-family', message: 'Enter the family name' });
  const dob = input.dateOfBirth.trim();
  if (dob && (!/^\d{4}-\d{2}-\d{2}$/.test(dob) || Number.isNaN(Date.parse(`${dob}T00:00:00Z`))))
    errors.push({ href: 'admit-dob', message: 'Date of birth must be a real date' });
  if (!input.wardId) errors.push({ href: 'admit-ward', message: 'Select a ward' });
  if (errors.length > 0) return { errors, body: null };
  return {
    errors,
    body: {
      nhsNumber: normaliseNhsNumber(nhs),
      givenName: input.givenName.trim(),
      familyName: input.familyName.trim(),
      ...(dob ? { dateOfBirth: dob } : {}),
      wardId: input.wardId,
      spo2Scale: input.spo2Scale === '2' ? 2 : 1,
      ...(input.templateId
        ? { templateId: input.templateId as NonNullable<AdmitPatientRequest['templateId']> }
        : {}),
    },
  };
}
