// Pure helpers of the end-to-end benchmark (percentiles, the step-pass rule, growth per hour), kept apart
// from the I/O so they can be unit-tested (bench/e2e/stats.spec.cjs).

/** Nearest-rank percentile (p in 0..100) of unsorted numbers; null for none. */
function percentile(values, p) {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  // The epsilon keeps 0.999 × 1000 (= 999.0000000000001 in binary) at rank 999, not 1000.
  const rank = Math.ceil((p / 100) * sorted.length - 1e-9);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

function latencySummary(values) {
  return {
    samples: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    p999: percentile(values, 99.9),
    max: values.length ? Math.max(...values) : null,
  };
}

const LIMITS = { p99PublishToAlertMs: 250, backlogSeconds: 1 };

/**
 * Issue 7's rule: a step passes only if every acknowledged reading is stored exactly once, every expected
 * alert arrives exactly once on every socket and no other does, p99 publish→alert ≤ 250 ms and the backlog
 * when the window ends is at most one second of the offered traffic. Returns the reasons it failed.
 */
function stepFailures(step, limits = LIMITS) {
  const reasons = [];
  if (step.lost > 0) reasons.push(`${step.lost} acknowledged reading(s) not stored`);
  if (step.duplicated > 0) reasons.push(`${step.duplicated} reading(s) stored more than once`);
  if (step.missedAlerts > 0) reasons.push(`${step.missedAlerts} alert delivery(ies) missed`);
  if (step.duplicatedAlerts > 0) reasons.push(`${step.duplicatedAlerts} alert delivery(ies) duplicated`);
  if (step.spuriousAlerts > 0) reasons.push(`${step.spuriousAlerts} unexpected clinical alert(s)`);
  if (step.p99PublishToAlertMs !== null && step.p99PublishToAlertMs > limits.p99PublishToAlertMs) {
    reasons.push(
      `p99 publish→alert ${Math.round(step.p99PublishToAlertMs)} ms > ${limits.p99PublishToAlertMs} ms`,
    );
  }
  if (step.expectedAlerts > 0 && step.p99PublishToAlertMs === null) reasons.push('no alert latency measured');
  if (step.backlogAtEnd > step.offeredPerSecond * limits.backlogSeconds) {
    reasons.push(`backlog ${step.backlogAtEnd} > ${limits.backlogSeconds} s of traffic`);
  }
  if (step.achievedOfferedPerSecond < 0.9 * step.offeredPerSecond) {
    reasons.push(`the generator offered only ${Math.round(step.achievedOfferedPerSecond)}/s`);
  }
  return reasons;
}

/** Least-squares slope of (seconds, value) samples, scaled to per hour; null under two samples. */
function growthPerHour(samples) {
  if (samples.length < 2) return null;
  const n = samples.length;
  const mx = samples.reduce((s, [x]) => s + x, 0) / n;
  const my = samples.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of samples) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? null : (num / den) * 3600;
}

/** Median of numbers (the mean of the middle two for an even count); null for none. */
function median(values) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

module.exports = { percentile, latencySummary, stepFailures, growthPerHour, median, LIMITS };
