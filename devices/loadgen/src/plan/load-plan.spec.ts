import { readingsEnvelopeSchema, measurementSchema } from '@vigil/contracts';
import { referenceScore } from '../oracle/oracle';
import { buildLoadPlan, type LoadPlanOptions, toEnvelope } from './load-plan';

const options: LoadPlanOptions = {
  seed: 42,
  devices: 40,
  messagesPerDevice: 30,
  intervalMs: 500,
  crossingShare: 0.3,
  duplicateShare: 0.05,
  reorderShare: 0.05,
  clockSkewsMs: [10 * 60_000, -10 * 60_000],
};

describe('buildLoadPlan', () => {
  it('is a pure function of its seed', () => {
    expect(buildLoadPlan(options)).toEqual(buildLoadPlan(options));
    expect(buildLoadPlan({ ...options, seed: 43 })).not.toEqual(buildLoadPlan(options));
  });

  it('sends every seq exactly once in publish order, with about 5% duplicated and 5% reordered', () => {
    const plan = buildLoadPlan(options);
    let duplicated = 0;
    let outOfOrder = 0;
    for (const device of plan.devices) {
      const seqs = device.sendOrder.map((m) => m.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      for (let i = 1; i < seqs.length; i += 1) if (seqs[i] < seqs[i - 1]) outOfOrder += 1;
      for (const m of device.sendOrder) {
        if (m.duplicates > 0) duplicated += 1;
        expect(m.duplicates).toBeLessThanOrEqual(3);
      }
    }
    const total = 40 * 30;
    expect(duplicated / total).toBeGreaterThan(0.02);
    expect(duplicated / total).toBeLessThan(0.09);
    expect(outOfOrder / total).toBeGreaterThan(0.02);
    expect(outOfOrder / total).toBeLessThan(0.09);
  });

  it('keeps stable patients at NEWS2 0 and ends every crossing patient at 5 or more without a red score', () => {
    const plan = buildLoadPlan(options);
    const crossing = plan.devices.filter((d) => d.crossing);
    expect(crossing.length).toBeGreaterThan(3);
    for (const device of plan.devices) {
      const byTime = [...device.sendOrder].sort((a, b) => a.measuredOffsetMs - b.measuredOffsetMs);
      for (const m of byTime) expect(referenceScore(m).redScore).toBe(false);
      const totals = byTime.map((m) => referenceScore(m).total);
      if (device.crossing) {
        expect(totals[0]).toBe(0);
        expect(totals[totals.length - 1]).toBeGreaterThanOrEqual(5);
        // Once crossed, a patient stays in the band: one episode, never a clear in between.
        const first = totals.findIndex((t) => t >= 5);
        expect(totals.slice(first).every((t) => t >= 5)).toBe(true);
      } else {
        expect(totals.every((t) => t === 0)).toBe(true);
      }
    }
  });

  it('gives the first devices the requested clock errors and never makes a skewed patient cross', () => {
    const plan = buildLoadPlan(options);
    expect(plan.devices.map((d) => d.clockSkewMs).slice(0, 3)).toEqual([600_000, -600_000, 0]);
    expect(plan.devices[0].crossing || plan.devices[1].crossing).toBe(false);
    expect(plan.devices[0].sendOrder.find((m) => m.seq === 1)?.measuredOffsetMs).toBe(600_000);
  });
});

describe('toEnvelope', () => {
  it('builds a valid device-protocol v1 envelope whose measurements all validate', () => {
    const plan = buildLoadPlan(options);
    const message = plan.devices[2].sendOrder[0];
    const envelope = toEnvelope('lg-dev-1', message, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 0, 0, 1));
    expect(readingsEnvelopeSchema.parse(envelope).seq).toBe(message.seq);
    for (const m of envelope.measurements) expect(measurementSchema.safeParse(m).success).toBe(true);
    expect(envelope.measurements).toHaveLength(5);
  });
});
