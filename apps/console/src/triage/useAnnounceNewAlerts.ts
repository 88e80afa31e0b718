import type { AlertSeverity, AlertView } from '@vigil/contracts';
import { useEffect, useRef } from 'react';
import { patientName } from '../common/format';
import { useLive } from '../live/LiveContext';
import { newAlertIds, worsenedAlertIds } from './triage-order';

/**
 * HZ-02: a new alert, or a seen one whose severity worsened, is announced in the assertive live region.
 * It is derived from the refetched list (not the socket payload), so polling while the socket is down
 * announces too.
 */
export function useAnnounceNewAlerts(alerts: AlertView[] | undefined, scope: string): void {
  const { announce } = useLive();
  const seen = useRef<{ scope: string; severities: Map<string, AlertSeverity> } | null>(null);
  useEffect(() => {
    if (!alerts) return;
    const previous = seen.current && seen.current.scope === scope ? seen.current.severities : null;
    const fresh = newAlertIds(previous === null ? null : new Set(previous.keys()), alerts);
    const worsened = worsenedAlertIds(previous, alerts);
    seen.current = { scope, severities: new Map(alerts.map((a) => [a.id, a.severity])) };
    if (fresh.length === 0 && worsened.length === 0) return;
    const describe = (a: AlertView) =>
      `${a.severity} alert for ${a.patient ? patientName(a.patient) : 'a patient'}: ${a.reason}`;
    const parts: string[] = [];
    if (fresh.length > 0) {
      const words = alerts.filter((a) => fresh.includes(a.id)).map(describe);
      parts.push(`${fresh.length === 1 ? 'New alert' : `${fresh.length} new alerts`}. ${words.join('. ')}`);
    }
    if (worsened.length > 0) {
      const words = alerts.filter((a) => worsened.includes(a.id)).map(describe);
      parts.push(
        `${worsened.length === 1 ? 'Alert worsened' : `${worsened.length} alerts worsened`}. ${words.join('. ')}`,
      );
    }
    announce(parts.join('. '));
  }, [alerts, scope, announce]);
}
