import type { AlertEvent, PipelineStatusEvent, ScoreEvent } from './alerts';

/** socket.io event names, server → console. Sockets only notify; the console refetches over REST. */
export const socketEvents = {
  alert: 'alert',
  /** Score updates, digested: at most one per room per second, with the newest of each patient that changed. */
  scores: 'scores',
  pipeline: 'pipeline',
  /** Sent just before the server closes a socket whose session ended (logout, role change). */
  sessionEnded: 'session:ended',
} as const;

/** The score updates of one room since its last digest, oldest first, one (the newest) per patient. */
export interface ScoresDigest {
  scores: ScoreEvent[];
}

/** socket.io rooms. A nurse joins the rooms of their wards; coordinators join the CCC room. */
export const socketRooms = {
  ward: (wardId: string): string => `ward:${wardId}`,
  ccc: 'ccc',
  admin: 'admin',
} as const;

export interface ServerToClientEvents {
  alert: (event: AlertEvent) => void;
  scores: (event: ScoresDigest) => void;
  pipeline: (event: PipelineStatusEvent) => void;
  'session:ended': (event: { reason: string }) => void;
}
