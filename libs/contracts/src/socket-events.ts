import type { AlertEvent, PipelineStatusEvent, ScoreEvent } from './alerts';
import type { SmiEvent } from './care-homes';

/** socket.io event names, server → console. Sockets only notify; the console refetches over REST. */
export const socketEvents = {
  alert: 'alert',
  /** Score updates, digested: at most one per room per second, with the newest of each patient that changed. */
  scores: 'scores',
  pipeline: 'pipeline',
  /** Issue 14: a missed SMI check-in, or a contact about one (to the coordinator, the ward and admins). */
  smi: 'smi',
  /** Issue 14: one of a care home's residents' falls changed (opened, acknowledged, sent on, resolved). */
  careHome: 'care-home',
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
  /** Issue 14: the staff of one care home. */
  careHome: (careHomeId: string): string => `care-home:${careHomeId}`,
} as const;

/**
 * Issue 14: a care home's staff are told that a resident's fall changed — which home, which alert, what
 * happened — and refetch their falls over REST (they see falls only, never the resident's other alerts).
 */
export interface CareHomeEvent {
  careHomeId: string;
  alertId: string;
  type: AlertEvent['type'];
}

export interface ServerToClientEvents {
  alert: (event: AlertEvent) => void;
  scores: (event: ScoresDigest) => void;
  pipeline: (event: PipelineStatusEvent) => void;
  smi: (event: SmiEvent) => void;
  'care-home': (event: CareHomeEvent) => void;
  'session:ended': (event: { reason: string }) => void;
}
