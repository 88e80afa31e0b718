import { createContext, useContext } from 'react';

export interface LiveState {
  /** The socket is connected now. */
  connected: boolean;
  /** The socket has connected at least once since sign-in (before that, "down" would be noise). */
  everConnected: boolean;
  /** Put a message in the assertive live region (HZ-02). */
  announce: (message: string) => void;
}

export const LiveContext = createContext<LiveState>({
  connected: false,
  everConnected: false,
  announce: () => undefined,
});

export function useLive(): LiveState {
  return useContext(LiveContext);
}
