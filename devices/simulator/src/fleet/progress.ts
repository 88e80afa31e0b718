import type { FleetStats } from './fleet';

/** One line of counts; no patient identifiers (they never belong in logs). */
export function formatProgress(stats: FleetStats): string {
  const parts = [
    `patients ${stats.patients}`,
    `devices ${stats.connected}/${stats.devices} connected` +
      (stats.silent ? `, ${stats.silent} offline by scenario` : ''),
    `sent ${stats.sent} (${stats.measurements} measurements)`,
    `acked ${stats.acknowledged}`,
    `pending ${stats.pending}`,
    `malformed sent ${stats.malformed}` +
      (stats.deadLettered === null ? '' : `, dead-lettered ${stats.deadLettered}`),
    `reconnects ${stats.reconnects}`,
  ];
  if (stats.dropped > 0) parts.push(`dropped ${stats.dropped}`);
  if (stats.reminded > 0) parts.push(`reminders answered ${stats.reminded}`);
  return parts.join(' · ');
}

export interface ProgressOutput {
  isTTY?: boolean;
  write(chunk: string): unknown;
}

export interface ProgressReporter {
  /** Writes the final line (ending any in-place line) and stops. */
  stop(): void;
}

/**
 * Live progress: on a terminal, one status line rewritten in place; otherwise (a log file, or the
 * embedded runtime reading our stdout) a plain line every `plainIntervalMs`.
 */
export function startProgress(
  output: ProgressOutput,
  stats: () => FleetStats,
  options: { ttyIntervalMs?: number; plainIntervalMs?: number } = {},
): ProgressReporter {
  const tty = output.isTTY === true;
  const render = (): void => {
    if (tty) output.write(`\r\x1b[2K${formatProgress(stats())}`);
    else output.write(`${new Date().toISOString()} ${formatProgress(stats())}\n`);
  };
  const timer = setInterval(
    render,
    tty ? (options.ttyIntervalMs ?? 500) : (options.plainIntervalMs ?? 10_000),
  );
  timer.unref();
  if (tty) render();
  return {
    stop: () => {
      clearInterval(timer);
      if (tty) output.write(`\r\x1b[2K${formatProgress(stats())}\n`);
      else render();
    },
  };
}
