import type { IngestService } from './ingest.service';

export interface PipelineHeartbeatOptions {
  /** Names this ingest instance in the heartbeat (no patient data). */
  source: string;
  /** Milliseconds between beats (default 30 s); keep it well under the scorer's stall limit (120 s). */
  intervalMs?: number;
  /** A beat that could not be published; the next one is tried on schedule. */
  onError?(error: Error): void;
}

export interface PipelineHeartbeat {
  /** Beats whose publish resolved (they reached the scorer's commit in the embedded mode). */
  sent(): number;
  stop(): void;
}

/**
 * Emits a synthetic heartbeat through ingest → stream → scorer at once and then on a timer (HZ-01). A beat
 * still waiting on the stream is never stacked with another: a stuck stream must look silent to the
 * scorer, which then raises the stall alert, rather than pile up beats in memory.
 */
export function startPipelineHeartbeat(
  ingest: Pick<IngestService, 'emitPipelineHeartbeat'>,
  options: PipelineHeartbeatOptions,
): PipelineHeartbeat {
  let sent = 0;
  let pending = false;
  const beat = () => {
    if (pending) return;
    pending = true;
    ingest.emitPipelineHeartbeat(options.source).then(
      () => {
        pending = false;
        sent += 1;
      },
      (error: unknown) => {
        pending = false;
        options.onError?.(error instanceof Error ? error : new Error(String(error)));
      },
    );
  };
  beat();
  const timer = setInterval(beat, options.intervalMs ?? 30_000);
  timer.unref();
  return { sent: () => sent, stop: () => clearInterval(timer) };
}
