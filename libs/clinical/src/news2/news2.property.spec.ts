import fc from 'fast-check';
import { NEWS2_INPUT_FIELDS, scoreNews2, type Acvpu, type News2Band, type News2Input } from './news2';

const BAND_RANK: Record<News2Band, number> = { low: 0, 'low-medium': 1, medium: 2, high: 3 };

const acvpu = fc.constantFrom<Acvpu>('A', 'C', 'V', 'P', 'U');
const scale = fc.constantFrom<1 | 2>(1, 2);

/** Any subset of parameters, values across and beyond the clinical ranges. */
const input: fc.Arbitrary<News2Input> = fc
  .tuple(
    scale,
    fc.record(
      {
        respiratoryRate: fc.double({ noNaN: true, min: -10, max: 80 }),
        spo2: fc.double({ noNaN: true, min: -5, max: 110 }),
        onOxygen: fc.boolean(),
        systolicBp: fc.double({ noNaN: true, min: -10, max: 320 }),
        pulse: fc.double({ noNaN: true, min: -10, max: 260 }),
        consciousness: acvpu,
        temperatureC: fc.double({ noNaN: true, min: 20, max: 46 }),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([spo2Scale, rest]) => ({ spo2Scale, ...rest }));

/** The same, with any finite double at all (including -0, subnormals and ±MAX_VALUE). */
const anyFinite = fc.double({ noNaN: true, noDefaultInfinity: true });
const extremeInput: fc.Arbitrary<News2Input> = fc
  .tuple(
    scale,
    fc.record(
      {
        respiratoryRate: anyFinite,
        spo2: anyFinite,
        onOxygen: fc.boolean(),
        systolicBp: anyFinite,
        pulse: anyFinite,
        consciousness: acvpu,
        temperatureC: anyFinite,
      },
      { requiredKeys: [] },
    ),
  )
  .map(([spo2Scale, rest]) => ({ spo2Scale, ...rest }));

function sum(scores: Record<string, number | undefined>): number {
  return Object.values(scores).reduce<number>((acc, s) => acc + (s ?? 0), 0);
}

describe('scoreNews2 properties', () => {
  it('total is the sum of perParameter, and band, redScore and partial follow from the scores', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = scoreNews2(i);
        const scores = Object.values(r.perParameter);
        expect(r.total).toBe(sum(r.perParameter));
        for (const s of scores) expect([0, 1, 2, 3]).toContain(s);
        expect(r.perParameter.airOrOxygen ?? 0).toBeLessThanOrEqual(2);
        expect(r.redScore).toBe(scores.includes(3));
        const expected: News2Band =
          r.total >= 7 ? 'high' : r.total >= 5 ? 'medium' : r.redScore ? 'low-medium' : 'low';
        expect(r.band).toBe(expected);
        expect(r.partial).toBe(r.missing.length > 0);
      }),
    );
  });

  it('missing lists exactly the absent fields, in the documented order', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = scoreNews2(i);
        expect(r.missing).toEqual(NEWS2_INPUT_FIELDS.filter((f) => i[f] === undefined));
        expect('airOrOxygen' in r.perParameter).toBe(i.onOxygen !== undefined);
        expect('temperature' in r.perParameter).toBe(i.temperatureC !== undefined);
        for (const f of ['respiratoryRate', 'spo2', 'systolicBp', 'pulse', 'consciousness'] as const) {
          expect(f in r.perParameter).toBe(i[f] !== undefined);
        }
      }),
    );
  });

  it('removing a parameter never lowers the band or total without marking it partial and missing', () => {
    fc.assert(
      fc.property(input, fc.constantFrom(...NEWS2_INPUT_FIELDS), (i, field) => {
        fc.pre(i[field] !== undefined);
        const full = scoreNews2(i);
        const reduced = scoreNews2({ ...i, [field]: undefined });
        // Less information never raises the score (so it can never invent an alert)...
        expect(reduced.total).toBeLessThanOrEqual(full.total);
        // ...and any drop is flagged, so it is never shown as a true low score.
        expect(reduced.partial).toBe(true);
        expect(reduced.missing).toContain(field);
        if (BAND_RANK[reduced.band] < BAND_RANK[full.band]) {
          expect(reduced.partial).toBe(true);
        }
      }),
    );
  });

  describe('each score is non-decreasing as its value moves away from the normal range', () => {
    // A value inside each parameter's 0 band; moving outwards from it in either direction.
    const cases: {
      name: string;
      normal: number;
      make: (v: number) => News2Input;
      pick: (i: News2Input) => number | undefined;
    }[] = [
      {
        name: 'respiration rate',
        normal: 16,
        make: (v) => ({ spo2Scale: 1, respiratoryRate: v }),
        pick: (i) => scoreNews2(i).perParameter.respiratoryRate,
      },
      {
        name: 'SpO2 scale 1',
        normal: 98,
        make: (v) => ({ spo2Scale: 1, spo2: v }),
        pick: (i) => scoreNews2(i).perParameter.spo2,
      },
      {
        name: 'SpO2 scale 2 on air',
        normal: 90,
        make: (v) => ({ spo2Scale: 2, onOxygen: false, spo2: v }),
        pick: (i) => scoreNews2(i).perParameter.spo2,
      },
      {
        name: 'SpO2 scale 2 on oxygen',
        normal: 90,
        make: (v) => ({ spo2Scale: 2, onOxygen: true, spo2: v }),
        pick: (i) => scoreNews2(i).perParameter.spo2,
      },
      {
        name: 'systolic BP',
        normal: 150,
        make: (v) => ({ spo2Scale: 1, systolicBp: v }),
        pick: (i) => scoreNews2(i).perParameter.systolicBp,
      },
      {
        name: 'pulse',
        normal: 70,
        make: (v) => ({ spo2Scale: 1, pulse: v }),
        pick: (i) => scoreNews2(i).perParameter.pulse,
      },
      {
        name: 'temperature',
        normal: 37,
        make: (v) => ({ spo2Scale: 1, temperatureC: v }),
        pick: (i) => scoreNews2(i).perParameter.temperature,
      },
    ];

    it.each(cases)('$name', ({ normal, make, pick }) => {
      const offset = fc.double({ noNaN: true, min: 0, max: 300 });
      fc.assert(
        fc.property(fc.constantFrom(-1, 1), offset, offset, (direction, a, b) => {
          const [near, far] = a <= b ? [a, b] : [b, a];
          const nearScore = pick(make(normal + direction * near));
          const farScore = pick(make(normal + direction * far));
          expect(nearScore).toBeDefined();
          expect(farScore).toBeGreaterThanOrEqual(nearScore as number);
        }),
      );
    });

    it('SpO2 scale 2 with onOxygen unknown scores as on air, never above on oxygen', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, min: 50, max: 100 }), (spo2) => {
          const unknown = scoreNews2({ spo2Scale: 2, spo2 }).perParameter.spo2;
          expect(unknown).toBe(scoreNews2({ spo2Scale: 2, spo2, onOxygen: false }).perParameter.spo2);
          expect(unknown).toBeLessThanOrEqual(
            scoreNews2({ spo2Scale: 2, spo2, onOxygen: true }).perParameter.spo2 as number,
          );
        }),
      );
    });
  });

  it('agrees with the RCP chart read literally for the values it prints (whole numbers; tenths for °C)', () => {
    // An independent oracle: the chart's printed integer ranges, inclusive at both ends.
    const inRanges = (v: number, rows: [number, number, number][]): number => {
      const row = rows.find(([lo, hi]) => v >= lo && v <= hi);
      if (!row) throw new Error(`no chart row for ${v}`);
      return row[2];
    };
    const INF = Number.MAX_SAFE_INTEGER;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 50, max: 100 }),
        fc.boolean(),
        fc.integer({ min: 40, max: 300 }),
        fc.integer({ min: 0, max: 250 }),
        fc.integer({ min: 300, max: 440 }),
        (rr, spo2, onOxygen, sbp, pulse, tenthsC) => {
          const one = scoreNews2({
            spo2Scale: 1,
            respiratoryRate: rr,
            spo2,
            onOxygen,
            systolicBp: sbp,
            pulse,
            temperatureC: tenthsC / 10,
          }).perParameter;
          const two = scoreNews2({ spo2Scale: 2, spo2, onOxygen }).perParameter;
          expect(one.respiratoryRate).toBe(
            inRanges(rr, [
              [-INF, 8, 3],
              [9, 11, 1],
              [12, 20, 0],
              [21, 24, 2],
              [25, INF, 3],
            ]),
          );
          expect(one.spo2).toBe(
            inRanges(spo2, [
              [-INF, 91, 3],
              [92, 93, 2],
              [94, 95, 1],
              [96, INF, 0],
            ]),
          );
          expect(two.spo2).toBe(
            inRanges(spo2, [
              [-INF, 83, 3],
              [84, 85, 2],
              [86, 87, 1],
              [88, 92, 0],
              [93, 94, onOxygen ? 1 : 0],
              [95, 96, onOxygen ? 2 : 0],
              [97, INF, onOxygen ? 3 : 0],
            ]),
          );
          expect(one.airOrOxygen).toBe(onOxygen ? 2 : 0);
          expect(one.systolicBp).toBe(
            inRanges(sbp, [
              [-INF, 90, 3],
              [91, 100, 2],
              [101, 110, 1],
              [111, 219, 0],
              [220, INF, 3],
            ]),
          );
          expect(one.pulse).toBe(
            inRanges(pulse, [
              [-INF, 40, 3],
              [41, 50, 1],
              [51, 90, 0],
              [91, 110, 1],
              [111, 130, 2],
              [131, INF, 3],
            ]),
          );
          expect(one.temperature).toBe(
            inRanges(tenthsC, [
              [-INF, 350, 3],
              [351, 360, 1],
              [361, 380, 0],
              [381, 390, 1],
              [391, INF, 2],
            ]),
          );
        },
      ),
    );
  });

  it('never outputs NaN or a non-finite number, whatever finite input it gets', () => {
    fc.assert(
      fc.property(extremeInput, (i) => {
        const r = scoreNews2(i);
        expect(Number.isFinite(r.total)).toBe(true);
        for (const s of Object.values(r.perParameter)) expect(Number.isFinite(s)).toBe(true);
        expect(JSON.stringify(r)).not.toMatch(/NaN|null|Infinity/);
      }),
    );
  });

  it('throws RangeError for any non-finite number in any numeric field', () => {
    fc.assert(
      fc.property(
        input,
        fc.constantFrom('respiratoryRate', 'spo2', 'systolicBp', 'pulse', 'temperatureC'),
        fc.constantFrom(NaN, Infinity, -Infinity),
        (i, field, bad) => {
          expect(() => scoreNews2({ ...i, [field]: bad })).toThrow(RangeError);
        },
      ),
    );
  });
});
