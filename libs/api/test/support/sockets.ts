import type { AlertEvent, PipelineStatusEvent, ScoreEvent } from '@vigil/contracts';
import { io, type Socket } from 'socket.io-client';

export interface Received {
  alert: AlertEvent[];
  score: ScoreEvent[];
  /** The `scores` digests as they came, one array per socket message. */
  scoreDigests: ScoreEvent[][];
  pipeline: PipelineStatusEvent[];
  sessionEnded: { reason: string }[];
}

export interface TestSocket {
  socket: Socket;
  received: Received;
  /** Resolves with the next pipeline event (used as an in-order sentinel: events on one socket arrive in order). */
  nextPipeline(): Promise<PipelineStatusEvent>;
  disconnected: Promise<string>;
}

/** Opens a socket as a browser would: with the session cookie and an Origin. Rejects when refused. */
export function connectSocket(
  url: string,
  options: { cookie?: string; origin?: string },
): Promise<TestSocket> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers['Cookie'] = options.cookie;
  if (options.origin) headers['Origin'] = options.origin;
  const socket = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
  });
  const received: Received = { alert: [], score: [], scoreDigests: [], pipeline: [], sessionEnded: [] };
  const pipelineWaiters: ((e: PipelineStatusEvent) => void)[] = [];
  socket.on('alert', (e: AlertEvent) => received.alert.push(e));
  socket.on('scores', (e: { scores: ScoreEvent[] }) => {
    received.scoreDigests.push(e.scores);
    received.score.push(...e.scores);
  });
  socket.on('session:ended', (e: { reason: string }) => received.sessionEnded.push(e));
  socket.on('pipeline', (e: PipelineStatusEvent) => {
    received.pipeline.push(e);
    pipelineWaiters.shift()?.(e);
  });
  const disconnected = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));
  return new Promise((resolve, reject) => {
    socket.once('connect', () =>
      resolve({
        socket,
        received,
        disconnected,
        nextPipeline: () => new Promise((r) => pipelineWaiters.push(r)),
      }),
    );
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}
