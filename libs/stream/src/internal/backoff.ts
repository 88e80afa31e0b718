/** Redelivery backoff after a failed batch: exponential, capped, no jitter (one consumer per partition). */
export interface RetryOptions {
  /** Delay before the first redelivery (default 100 ms). */
  initialDelayMs?: number;
  /** Upper bound of the delay (default 30 000 ms). */
  maxDelayMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
}

export interface ResolvedRetry {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
}

export function resolveRetry(options: RetryOptions | undefined): ResolvedRetry {
  const resolved = {
    initialDelayMs: options?.initialDelayMs ?? 100,
    maxDelayMs: options?.maxDelayMs ?? 30_000,
    factor: options?.factor ?? 2,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`retry.${name} must be a finite number ≥ 0`);
  }
  if (resolved.factor < 1) throw new RangeError('retry.factor must be ≥ 1');
  return resolved;
}

/** Delay before redelivering a batch that failed `failures` times (1 = first failure). */
export function backoffDelay(retry: ResolvedRetry, failures: number): number {
  const exponent = Math.max(0, failures - 1);
  return Math.min(retry.maxDelayMs, retry.initialDelayMs * retry.factor ** exponent);
}
