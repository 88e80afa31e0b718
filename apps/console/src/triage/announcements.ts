import type { AlertSeverity, AlertView } from '@vigil/contracts';
import { patientName } from '../common/format';
import { attentionOf, newAlertIds, renewedAlertIds, worsenedAlertIds } from './triage-order';

/** What the queue had the last time it was announced. */
export interface SeenAlerts {
  severities: ReadonlyMap<string, AlertSeverity>;
  attention: ReadonlyMap<string, string>;
}

type Announced = Pick<AlertView, 'id' | 'severity' | 'openedAt' | 'attentionSince' | 'reason' | 'patient'>;

function describe(a: Announced): string {
  return `${a.severity} alert for ${a.patient ? patientName(a.patient) : 'a patient'}: ${a.reason}`;
}

/**
 * HZ-02, R2: what to announce for a refetched list, given what was seen before (null on the first load:
 * nothing is announced), and what counts as seen from now on. New alerts, worsened ones, and ones that
 * ask for attention again (a second fall, a re-prompt) are each announced; a worsening also moves
 * `attentionSince`, so it is announced once, as a worsening.
 */
export function announcementFor(
  previous: SeenAlerts | null,
  alerts: readonly Announced[],
): { text: string | null; seen: SeenAlerts } {
  const fresh = newAlertIds(previous === null ? null : new Set(previous.severities.keys()), alerts);
  const worsened = worsenedAlertIds(previous?.severities ?? null, alerts);
  const renewed = renewedAlertIds(previous?.attention ?? null, alerts).filter((id) => !worsened.includes(id));
  const part = (ids: string[], one: string, many: string) =>
    `${ids.length === 1 ? one : `${ids.length} ${many}`}. ${alerts
      .filter((a) => ids.includes(a.id))
      .map(describe)
      .join('. ')}`;
  const parts: string[] = [];
  if (fresh.length > 0) parts.push(part(fresh, 'New alert', 'new alerts'));
  if (worsened.length > 0) parts.push(part(worsened, 'Alert worsened', 'alerts worsened'));
  if (renewed.length > 0)
    parts.push(part(renewed, 'Alert needs attention again', 'alerts need attention again'));
  return {
    text: parts.length > 0 ? parts.join('. ') : null,
    seen: {
      severities: new Map(alerts.map((a) => [a.id, a.severity])),
      attention: new Map(alerts.map((a) => [a.id, attentionOf(a)])),
    },
  };
}

/** What a queue has announced so far, and for which scope (a ward, all wards, the CCC). */
export interface AnnouncedQueue {
  scope: string;
  alerts: SeenAlerts;
}

/**
 * One list as the queue shows it, in a scope. The first real list of a scope is recorded as seen and
 * announces nothing; later ones announce what is new, worse or asking again. A placeholder list — the
 * previous ward's alerts kept on screen while the newly chosen ward's load — is neither announced nor
 * recorded: recorded under the new ward, it would make every alert of that ward read as new.
 */
export function announceStep(
  current: AnnouncedQueue | null,
  alerts: readonly Announced[],
  scope: string,
  placeholder: boolean,
): { text: string | null; next: AnnouncedQueue | null } {
  if (placeholder) return { text: null, next: current };
  const previous = current && current.scope === scope ? current.alerts : null;
  const { text, seen } = announcementFor(previous, alerts);
  return { text, next: { scope, alerts: seen } };
}
