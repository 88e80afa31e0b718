import type { AlertView } from '@vigil/contracts';
import { useEffect, useRef } from 'react';
import { useLive } from '../live/LiveContext';
import { type AnnouncedQueue, announceStep } from './announcements';

/**
 * HZ-02, R2: announces new alerts, worsened ones and ones asking for attention again in the assertive
 * live region. It is derived from the refetched list (not the socket payload), so polling while the
 * socket is down announces too. `placeholder`: the list on screen is the previous scope's, kept while the
 * new scope's loads (`isPlaceholderData`), and is not taken as the new scope's.
 */
export function useAnnounceNewAlerts(
  alerts: AlertView[] | undefined,
  scope: string,
  placeholder = false,
): void {
  const { announce } = useLive();
  const seen = useRef<AnnouncedQueue | null>(null);
  useEffect(() => {
    if (!alerts) return;
    const { text, next } = announceStep(seen.current, alerts, scope, placeholder);
    seen.current = next;
    if (text) announce(text);
  }, [alerts, scope, placeholder, announce]);
}
