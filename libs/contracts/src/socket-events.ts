import type { AlertEvent, PipelineStatusEvent, ScoreEvent } from './alerts';
import type { SmiEvent } from './care-homes';

/** socket.io event names, server → console. Sockets only notify; the console refetches over REST. */
export const socketEvents = {
  alert: 'alert',
  score: 'score',
  pipeline: 'pipeline',
  /** Issue 14: a missed SMI check-in, or a contact about one (to the coordinator, the ward and admins). */
  smi: 'smi',
  /** Sent just before the server closes a socket whose session ended (logout, role change). */
  sessionEnded: 'session:ended',
} as const;

/** socket.io rooms. A nurse joins the rooms of their wards; coordinators join the CCC room. */
export const socketRooms = {
  ward: (wardId: string): string => `ward:${wardId}`,
  ccc: 'ccc',
  admin: 'admin',
} as const;

export interface ServerToClientEvents {
  alert: (event: AlertEvent) => void;
  score: (event: ScoreEvent) => void;
  pipeline: (event: PipelineStatusEvent) => void;
  smi: (event: SmiEvent) => void;
  'session:ended': (event: { reason: string }) => void;
}
