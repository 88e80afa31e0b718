import type { AlertView } from '@vigil/contracts';
import { useEffect, useRef } from 'react';
import { useLive } from '../live/LiveContext';
import { announcementFor, type SeenAlerts } from './announcements';

/**
 * HZ-02, R2: announces new alerts, worsened ones and ones asking for attention again in the assertive
 * live region. It is derived from the refetched list (not the socket payload), so polling while the
 * socket is down announces too.
 */
export function useAnnounceNewAlerts(alerts: AlertView[] | undefined, scope: string): void {
  const { announce } = useLive();
  const seen = useRef<{ scope: string; alerts: SeenAlerts } | null>(null);
  useEffect(() => {
    if (!alerts) return;
    const previous = seen.current && seen.current.scope === scope ? seen.current.alerts : null;
    const { text, seen: next } = announcementFor(previous, alerts);
    seen.current = { scope, alerts: next };
    if (text) announce(text);
  }, [alerts, scope, announce]);
}
