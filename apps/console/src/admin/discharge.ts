import { dischargeBlockers } from '@vigil/alerting';
import {
  DEVICE_RETURN_VALUES,
  DISCHARGE_OUTCOME_VALUES,
  type AlertView,
  type PathwayDischargeRequest,
} from '@vigil/contracts';
import type { FieldError } from '../common/ErrorSummary';

/** R14: the alerts that stand in the way of a discharge, most urgent first (by `@vigil/alerting`). */
export function dischargeBlockerAlerts<T extends Pick<AlertView, 'id' | 'state' | 'openedAt'>>(
  alerts: readonly T[],
): T[] {
  const blocking = new Set(dischargeBlockers(alerts));
  return alerts.filter((a) => blocking.has(a.id));
}

export const HANDOVER_NOTE_REQUIRED =
  'Enter a handover note: who takes over each open alert, and what they need to know';
export const OUTCOME_REQUIRED = 'Select the outcome of the stay';
export const DEVICES_REQUIRED = 'Select what happens to the devices';

/** The discharge form's control ids (the pathway discharge page and the admin panel share the form). */
export const DISCHARGE_IDS = {
  outcome: 'discharge-outcome',
  devices: 'discharge-devices',
  note: 'discharge-note',
  handover: 'discharge-handover',
} as const;

export interface DischargeFormValues {
  outcome: string;
  deviceReturn: string;
  note: string;
  handover: string;
}

/**
 * The one discharge (issue 13, POST /api/patients/{id}/pathway-discharge): the outcome of the stay and what
 * happens to the devices are required; R14: with open alerts a handover note is required too, and resolves
 * each of them (the api checks this again); without, no handover note is sent.
 */
export function dischargeFormRequest(
  values: DischargeFormValues,
  blockers: number,
): { errors: FieldError[]; body: PathwayDischargeRequest | null } {
  const errors: FieldError[] = [];
  if (!(DISCHARGE_OUTCOME_VALUES as readonly string[]).includes(values.outcome))
    errors.push({ href: DISCHARGE_IDS.outcome, message: OUTCOME_REQUIRED });
  if (!(DEVICE_RETURN_VALUES as readonly string[]).includes(values.deviceReturn))
    errors.push({ href: DISCHARGE_IDS.devices, message: DEVICES_REQUIRED });
  const handover = values.handover.trim();
  if (blockers > 0 && !handover)
    errors.push({ href: DISCHARGE_IDS.handover, message: HANDOVER_NOTE_REQUIRED });
  if (errors.length > 0) return { errors, body: null };
  return {
    errors,
    body: {
      outcome: values.outcome as PathwayDischargeRequest['outcome'],
      deviceReturn: values.deviceReturn as PathwayDischargeRequest['deviceReturn'],
      note: values.note.trim(),
      ...(blockers > 0 ? { handoverNote: handover } : {}),
    },
  };
}
