import { ALERT_OUTCOMES, type AlertOutcome } from '@vigil/contracts';

/** What came of an alert, recorded whenever a person resolves one (single-sourced in contracts). */
export { ALERT_OUTCOMES, type AlertOutcome };

export const ALERT_OUTCOME_LABELS: Readonly<Record<AlertOutcome, string>> = {
  'advice-given': 'Advice given',
  'medication-change': 'Medication change',
  'clinician-visit': 'Clinician visit',
  'urgent-community-response': 'Urgent community response',
  'ambulance-or-ed': '999 or emergency department',
  'no-action': 'No action needed',
};

/** How a stay on the virtual ward ended (issue 13). */
export const DISCHARGE_OUTCOMES = [
  'recovered-at-home',
  'admitted-to-hospital',
  'died',
  'transferred',
] as const;
export type DischargeOutcome = (typeof DISCHARGE_OUTCOMES)[number];

export const DISCHARGE_OUTCOME_LABELS: Readonly<Record<DischargeOutcome, string>> = {
  'recovered-at-home': 'Recovered at home',
  'admitted-to-hospital': 'Admitted to hospital',
  died: 'Died',
  transferred: 'Transferred to another service',
};

/** The device-return step at discharge. */
export const DEVICE_RETURN_STATUSES = ['returned', 'collection-booked', 'not-applicable'] as const;
export type DeviceReturnStatus = (typeof DEVICE_RETURN_STATUSES)[number];

/**
 * A treatment-escalation ceiling recorded per patient, after the ReSPECT process (Resuscitation Council UK,
 * "ReSPECT: Recommended Summary Plan for Emergency Care and Treatment", 2016/2020): the agreed focus of
 * care and whether CPR is to be attempted. It is shown wherever escalation is decided; it never silences an
 * alert — a person decides with it in view.
 */
export const CEILING_FOCUS = ['full-escalation', 'selective-treatment', 'comfort-care'] as const;
export type CeilingFocus = (typeof CEILING_FOCUS)[number];

export const CEILING_LABELS: Readonly<Record<CeilingFocus, string>> = {
  'full-escalation': 'Full escalation of treatment (including hospital admission)',
  'selective-treatment': 'Selective treatment: escalation within agreed limits',
  'comfort-care': 'Symptom control and comfort at home',
};

export interface TreatmentCeiling {
  focus: CeilingFocus;
  cprAttempt: boolean;
  /** Free text of the ReSPECT form's recommendations, e.g. "not for ventilation; oral antibiotics at home". */
  note: string;
  recordedBy: string;
  /** ISO instant. */
  recordedAt: string;
}

/** What a ceiling means for the top tier of escalation, in words for whoever escalates. */
export function ceilingAdvice(ceiling: TreatmentCeiling | null): string {
  if (!ceiling) return 'No treatment-escalation ceiling recorded: escalate fully.';
  const cpr = ceiling.cprAttempt ? 'CPR to be attempted.' : 'Not for CPR.';
  switch (ceiling.focus) {
    case 'full-escalation':
      return `ReSPECT: full escalation. ${cpr}`;
    case 'selective-treatment':
      return `ReSPECT: selective treatment — check the plan before 999 or admission. ${cpr}`;
    case 'comfort-care':
      return `ReSPECT: comfort care at home — urgent community response rather than 999 unless the plan says otherwise. ${cpr}`;
  }
}
