import type { AlertView } from '@vigil/contracts';
import { useEffect, useRef } from 'react';
import { patientName } from '../common/format';
import { useLive } from '../live/LiveContext';
import { newAlertIds } from './triage-order';

/**
 * HZ-02: a new alert is announced in the assertive live region. It is derived from the refetched
 * list (not the socket payload), so polling while the socket is down announces too.
 */
export function useAnnounceNewAlerts(alerts: AlertView[] | undefined, scope: string): void {
  const { announce } = useLive();
  const seen = useRef<{ scope: string; ids: Set<string> } | null>(null);
  useEffect(() => {
    if (!alerts) return;
    const previous = seen.current && seen.current.scope === scope ? seen.current.ids : null;
    const fresh = newAlertIds(previous, alerts);
    seen.current = { scope, ids: new Set(alerts.map((a) => a.id)) };
    if (fresh.length === 0) return;
    const words = alerts
      .filter((a) => fresh.includes(a.id))
      .map((a) => `${a.severity} alert for ${a.patient ? patientName(a.patient) : 'a patient'}: ${a.reason}`);
    announce(`${fresh.length === 1 ? 'New alert' : `${fresh.length} new alerts`}. ${words.join('. ')}`);
  }, [alerts, scope, announce]);
}
