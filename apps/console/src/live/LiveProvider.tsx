import { useQueryClient } from '@tanstack/react-query';
import { socketEvents, type ServerToClientEvents } from '@vigil/contracts';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import { keys } from '../api/queries';
import { careHomeKeys } from '../care-home/care-home-api';
import { smiKeys } from '../smi/smi-api';
import { LiveContext } from './LiveContext';

interface Props {
  /** Only a signed-in user has a socket: the handshake authenticates from the session cookie. */
  enabled: boolean;
  onSessionEnded: () => void;
  children: ReactNode;
}

/**
 * The live connection. Sockets only say "something changed": each event invalidates the queries it
 * touches and TanStack Query refetches over REST, so nothing here holds server state.
 */
export function LiveProvider({ enabled, onSessionEnded, children }: Props) {
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  const [everConnected, setEverConnected] = useState(false);
  const [message, setMessage] = useState('');

  const announce = useCallback((text: string) => {
    // Clearing first makes a repeat of the same words announce again.
    setMessage('');
    window.setTimeout(() => setMessage(text), 50);
  }, []);

  useEffect(() => {
    if (!enabled) return;
    // WebSocket only: the server checks Origin on the handshake, and a same-origin long-polling GET
    // carries no Origin header, so polling would be refused (403) while a WebSocket upgrade always has one.
    const socket: Socket<ServerToClientEvents> = io({
      path: '/socket.io',
      transports: ['websocket'],
      withCredentials: true,
    });
    socket.on('connect', () => {
      setConnected(true);
      setEverConnected(true);
      // Anything may have changed while we were away.
      void queryClient.invalidateQueries();
    });
    socket.on('disconnect', () => setConnected(false));
    socket.on('connect_error', () => setConnected(false));
    socket.on(socketEvents.alert, (event) => {
      void queryClient.invalidateQueries({ queryKey: keys.alerts });
      void queryClient.invalidateQueries({ queryKey: keys.ccc });
      void queryClient.invalidateQueries({ queryKey: keys.patient(event.alert.patientId) });
    });
    socket.on(socketEvents.scores, ({ scores }) => {
      // One digest per second per room: the ward lists refetch once, each patient who changed once.
      void queryClient.invalidateQueries({ queryKey: keys.patientList(undefined).slice(0, 2) });
      for (const event of scores) {
        void queryClient.invalidateQueries({ queryKey: keys.patient(event.patientId) });
        void queryClient.invalidateQueries({ queryKey: keys.observations(event.patientId) });
      }
    });
    socket.on(socketEvents.pipeline, () => {
      void queryClient.invalidateQueries({ queryKey: keys.status });
    });
    socket.on(socketEvents.smi, (event) => {
      // Issue 14: the missed check-ins list and the header's badge refetch; a new one is announced.
      void queryClient.invalidateQueries({ queryKey: smiKeys.all });
      if (event.type === 'smi.missed') announce('A new missed check-in has come in.');
    });
    socket.on(socketEvents.careHome, (event) => {
      // Issue 14: one of the home's residents' falls changed: its falls list and falls view refetch.
      void queryClient.invalidateQueries({ queryKey: [...careHomeKeys.homes, event.careHomeId] });
      if (event.type === 'alert.opened') announce('A resident has fallen: a fall is waiting for you.');
    });
    socket.on(socketEvents.sessionEnded, () => onSessionEnded());
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
      setConnected(false);
    };
  }, [enabled, queryClient, onSessionEnded, announce]);

  const value = useMemo(() => ({ connected, everConnected, announce }), [connected, everConnected, announce]);

  return (
    <LiveContext.Provider value={value}>
      {children}
      <div
        className="nhsuk-u-visually-hidden"
        role="alert"
        aria-live="assertive"
        aria-atomic="true"
        data-testid="live-region"
      >
        {message}
      </div>
    </LiveContext.Provider>
  );
}
