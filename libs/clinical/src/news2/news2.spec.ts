import {
  NEWS2_INPUT_FIELDS,
  NEWS2_SCORER_VERSION,
  clinicalResponse,
  scoreNews2,
  type News2Input,
  type News2Result,
} from './news2';

/** Every parameter present and in its normal (0) band. */
const NORMAL: News2Input = {
  respiratoryRate: 16,
  spo2: 97,
  spo2Scale: 1,
  onOxygen: false,
  systolicBp: 120,
  pulse: 70,
  consciousness: 'A',
  temperatureC: 37,
};

const ZEROS: News2Result['perParameter'] = {
  respiratoryRate: 0,
  spo2: 0,
  airOrOxygen: 0,
  systolicBp: 0,
  pulse: 0,
  consciousness: 0,
  temperature: 0,
};

function score(overrides: Partial<News2Input>): News2Result {
  return scoreNews2({ ...NORMAL, ...overrides });
}

/** Lets a test pass what the type forbids, as untyped callers (JSON, JS) can. */
function scoreUntyped(input: Record<string, unknown>): News2Result {
  return scoreNews2(input as unknown as News2Input);
}

describe('scoreNews2', () => {
  it('scores a complete normal set as 0, low, not partial', () => {
    expect(scoreNews2(NORMAL)).toEqual({
      perParameter: ZEROS,
      total: 0,
      band: 'low',
      partial: false,
      missing: [],
      redScore: false,
    });
  });

  it('exports a scorer version', () => {
    expect(NEWS2_SCORER_VERSION).toBe('news2@1');
  });

  describe('respiration rate (≤8 3, 9–11 1, 12–20 0, 21–24 2, ≥25 3)', () => {
    it.each([
      [-1, 3],
      [0, 3],
      [8, 3],
      [8.01, 1],
      [8.5, 1],
      [9, 1],
      [11, 1],
      [11.01, 0],
      [12, 0],
      [20, 0],
      [20.01, 2],
      [21, 2],
      [24, 2],
      [24.01, 3],
      [25, 3],
      [60, 3],
    ])('%p /min scores %p', (value, expected) => {
      const result = score({ respiratoryRate: value });
      expect(result.perParameter).toEqual({ ...ZEROS, respiratoryRate: expected });
      expect(result.total).toBe(expected);
    });
  });

  describe('SpO2 scale 1 (≤91 3, 92–93 2, 94–95 1, ≥96 0)', () => {
    it.each([
      [0, 3],
      [91, 3],
      [91.01, 2],
      [92, 2],
      [93, 2],
      [93.01, 1],
      [94, 1],
      [95, 1],
      [95.01, 0],
      [96, 0],
      [100, 0],
    ])('%p%% on air scores %p', (value, expected) => {
      expect(score({ spo2: value }).perParameter.spo2).toBe(expected);
    });

    it('does not depend on oxygen (oxygen is scored as its own parameter)', () => {
      expect(score({ spo2: 100, onOxygen: true }).perParameter).toEqual({ ...ZEROS, airOrOxygen: 2 });
      expect(score({ spo2: 92, onOxygen: true }).perParameter.spo2).toBe(2);
    });
  });

  describe('SpO2 scale 2', () => {
    it.each([
      [83, 3],
      [83.01, 2],
      [84, 2],
      [85, 2],
      [85.01, 1],
      [86, 1],
      [87, 1],
      [87.01, 0],
      [88, 0],
      [92, 0],
      [92.01, 0],
      [93, 0],
      [97, 0],
      [100, 0],
    ])('on air: %p%% scores %p (≥93 on air is 0)', (value, expected) => {
      expect(score({ spo2Scale: 2, onOxygen: false, spo2: value }).perParameter.spo2).toBe(expected);
    });

    it.each([
      [83, 3],
      [83.01, 2],
      [85, 2],
      [85.01, 1],
      [87, 1],
      [87.01, 0],
      [92, 0],
      [92.01, 1],
      [93, 1],
      [94, 1],
      [94.01, 2],
      [95, 2],
      [96, 2],
      [96.01, 3],
      [97, 3],
      [100, 3],
    ])('on oxygen: %p%% scores %p', (value, expected) => {
      expect(score({ spo2Scale: 2, onOxygen: true, spo2: value }).perParameter.spo2).toBe(expected);
    });

    it('above 92% with onOxygen missing: scores as on air (0) and is partial with onOxygen missing', () => {
      const result = scoreNews2({ ...NORMAL, spo2Scale: 2, onOxygen: undefined, spo2: 98 });
      expect(result.perParameter.spo2).toBe(0);
      expect(result.perParameter).not.toHaveProperty('airOrOxygen');
      expect(result.partial).toBe(true);
      expect(result.missing).toEqual(['onOxygen']);
      expect(result.band).toBe('low');
    });

    it('at or below 92% with onOxygen missing: scores normally (the score does not depend on oxygen)', () => {
      const result = score({ spo2Scale: 2, onOxygen: undefined, spo2: 84 });
      expect(result.perParameter.spo2).toBe(2);
      expect(result.missing).toEqual(['onOxygen']);
    });
  });

  describe('air or oxygen', () => {
    it('scores oxygen 2 and air 0', () => {
      expect(score({ onOxygen: true }).perParameter.airOrOxygen).toBe(2);
      expect(score({ onOxygen: false }).perParameter.airOrOxygen).toBe(0);
    });

    it('is absent from perParameter when onOxygen is not given', () => {
      const result = score({ onOxygen: undefined });
      expect('airOrOxygen' in result.perParameter).toBe(false);
      expect(result.missing).toEqual(['onOxygen']);
      expect(result.partial).toBe(true);
    });
  });

  describe('systolic BP (≤90 3, 91–100 2, 101–110 1, 111–219 0, ≥220 3)', () => {
    it.each([
      [-5, 3],
      [0, 3],
      [90, 3],
      [90.01, 2],
      [91, 2],
      [100, 2],
      [100.01, 1],
      [101, 1],
      [110, 1],
      [110.01, 0],
      [111, 0],
      [219, 0],
      [219.01, 3],
      [219.5, 3],
      [220, 3],
      [300, 3],
    ])('%p mmHg scores %p', (value, expected) => {
      const result = score({ systolicBp: value });
      expect(result.perParameter).toEqual({ ...ZEROS, systolicBp: expected });
      expect(result.total).toBe(expected);
    });
  });

  describe('pulse (≤40 3, 41–50 1, 51–90 0, 91–110 1, 111–130 2, ≥131 3)', () => {
    it.each([
      [-1, 3],
      [40, 3],
      [40.01, 1],
      [41, 1],
      [50, 1],
      [50.01, 0],
      [51, 0],
      [90, 0],
      [90.01, 1],
      [90.5, 1],
      [91, 1],
      [110, 1],
      [110.01, 2],
      [111, 2],
      [130, 2],
      [130.01, 3],
      [131, 3],
    ])('%p /min scores %p', (value, expected) => {
      const result = score({ pulse: value });
      expect(result.perParameter).toEqual({ ...ZEROS, pulse: expected });
      expect(result.total).toBe(expected);
    });
  });

  describe('consciousness (A 0; new confusion, V, P, U 3)', () => {
    it.each([
      ['A', 0],
      ['C', 3],
      ['V', 3],
      ['P', 3],
      ['U', 3],
    ] as const)('%s scores %p', (value, expected) => {
      const result = score({ consciousness: value });
      expect(result.perParameter).toEqual({ ...ZEROS, consciousness: expected });
      expect(result.redScore).toBe(expected === 3);
    });
  });

  describe('temperature (≤35.0 3, 35.1–36.0 1, 36.1–38.0 0, 38.1–39.0 1, ≥39.1 2)', () => {
    it.each([
      [-10, 3],
      [34, 3],
      [35.0, 3],
      [35.01, 1],
      [35.04, 1],
      [35.1, 1],
      [36.0, 1],
      [36.01, 0],
      [36.1, 0],
      [38.0, 0],
      [38.01, 1],
      [38.1, 1],
      [39.0, 1],
      [39.01, 2],
      [39.1, 2],
      [42, 2],
    ])('%p °C scores %p', (value, expected) => {
      const result = score({ temperatureC: value });
      expect(result.perParameter).toEqual({ ...ZEROS, temperature: expected });
      expect(result.total).toBe(expected);
    });
  });

  describe('bands', () => {
    it('low: total 0', () => {
      expect(score({}).band).toBe('low');
    });

    it('low: total 4 with no single 3', () => {
      const result = score({ respiratoryRate: 22, pulse: 95, temperatureC: 38.5 });
      expect(result.total).toBe(4);
      expect(result.redScore).toBe(false);
      expect(result.band).toBe('low');
    });

    it('low-medium: a single 3 with total 3', () => {
      const result = score({ consciousness: 'V' });
      expect(result.total).toBe(3);
      expect(result.redScore).toBe(true);
      expect(result.band).toBe('low-medium');
    });

    it('low-medium: a single 3 with total 4', () => {
      const result = score({ systolicBp: 85, pulse: 95 });
      expect(result.total).toBe(4);
      expect(result.band).toBe('low-medium');
    });

    it('medium: total 5 without a 3', () => {
      const result = score({ respiratoryRate: 22, systolicBp: 95, pulse: 95 });
      expect(result.total).toBe(5);
      expect(result.redScore).toBe(false);
      expect(result.band).toBe('medium');
    });

    it('medium beats low-medium: total 5 including a 3', () => {
      const result = score({ consciousness: 'C', respiratoryRate: 22 });
      expect(result.total).toBe(5);
      expect(result.redScore).toBe(true);
      expect(result.band).toBe('medium');
    });

    it('medium: total 6', () => {
      const result = score({ respiratoryRate: 22, systolicBp: 95, pulse: 120 });
      expect(result.total).toBe(6);
      expect(result.band).toBe('medium');
    });

    it('high: total 7', () => {
      const result = score({ consciousness: 'U', respiratoryRate: 25, pulse: 95 });
      expect(result.total).toBe(7);
      expect(result.band).toBe('high');
    });

    it('high: every parameter at its worst', () => {
      const result = scoreNews2({
        respiratoryRate: 30,
        spo2: 80,
        spo2Scale: 1,
        onOxygen: true,
        systolicBp: 80,
        pulse: 140,
        consciousness: 'U',
        temperatureC: 34,
      });
      expect(result.total).toBe(3 + 3 + 2 + 3 + 3 + 3 + 3);
      expect(result.band).toBe('high');
      expect(result.redScore).toBe(true);
    });
  });

  describe('red score', () => {
    it('oxygen alone (2) is not a red score', () => {
      const result = score({ onOxygen: true });
      expect(result.total).toBe(2);
      expect(result.redScore).toBe(false);
      expect(result.band).toBe('low');
    });

    it('oxygen with other 2s is still not red', () => {
      const result = score({ onOxygen: true, respiratoryRate: 22 });
      expect(result.total).toBe(4);
      expect(result.redScore).toBe(false);
      expect(result.band).toBe('low');
    });

    it('scale 2 SpO2 ≥97 on oxygen is red (the SpO2 row scores 3)', () => {
      const result = score({ spo2Scale: 2, onOxygen: true, spo2: 98 });
      expect(result.perParameter.spo2).toBe(3);
      expect(result.total).toBe(5);
      expect(result.redScore).toBe(true);
      expect(result.band).toBe('medium');
    });
  });

  describe('missing parameters', () => {
    it('an empty set is partial, lists every field in the documented order and scores nothing', () => {
      expect(scoreNews2({ spo2Scale: 1 })).toEqual({
        perParameter: {},
        total: 0,
        band: 'low',
        partial: true,
        missing: [
          'respiratoryRate',
          'spo2',
          'onOxygen',
          'systolicBp',
          'pulse',
          'consciousness',
          'temperatureC',
        ],
        redScore: false,
      });
      expect(NEWS2_INPUT_FIELDS).toEqual(scoreNews2({ spo2Scale: 2 }).missing);
    });

    it('the home case: respiration rate and consciousness missing are never scored as 0', () => {
      const result = score({ respiratoryRate: undefined, consciousness: undefined, pulse: 95 });
      expect(result.perParameter).toEqual({
        spo2: 0,
        airOrOxygen: 0,
        systolicBp: 0,
        pulse: 1,
        temperature: 0,
      });
      expect(result.total).toBe(1);
      expect(result.partial).toBe(true);
      expect(result.missing).toEqual(['respiratoryRate', 'consciousness']);
    });

    it('lists missing fields in the documented order whatever order the input keys come in', () => {
      const result = scoreNews2({ temperatureC: 37, spo2Scale: 1, pulse: 70, spo2: 97 });
      expect(result.missing).toEqual(['respiratoryRate', 'onOxygen', 'systolicBp', 'consciousness']);
    });

    it('a key set to undefined is the same as a key left out', () => {
      const { temperatureC, ...withoutTemperature } = NORMAL;
      void temperatureC;
      expect(score({ temperatureC: undefined })).toEqual(scoreNews2(withoutTemperature));
    });

    it('a partial set can still reach a high band from what is present', () => {
      const result = scoreNews2({ spo2Scale: 1, respiratoryRate: 30, systolicBp: 80, pulse: 140 });
      expect(result.total).toBe(9);
      expect(result.band).toBe('high');
      expect(result.partial).toBe(true);
    });

    it('does not modify its input', () => {
      const input: News2Input = { ...NORMAL, pulse: undefined };
      const copy = { ...input };
      scoreNews2(input);
      expect(input).toEqual(copy);
    });
  });

  describe('invalid input throws RangeError', () => {
    it.each([['X'], ['a'], [''], ['N'], ['Alert'], [3], [null], [true]])('consciousness %p', (value) => {
      expect(() => scoreUntyped({ ...NORMAL, consciousness: value })).toThrow(RangeError);
      expect(() => scoreUntyped({ ...NORMAL, consciousness: value })).toThrow(/consciousness/);
    });

    it('consciousness is an own ACVPU letter, not an inherited property name', () => {
      expect(() => scoreUntyped({ ...NORMAL, consciousness: 'toString' })).toThrow(RangeError);
    });

    it.each([[0], [3], [1.5], ['1'], [NaN], [null], [undefined], [true]])('spo2Scale %p', (value) => {
      expect(() => scoreUntyped({ ...NORMAL, spo2Scale: value })).toThrow(RangeError);
      expect(() => scoreUntyped({ ...NORMAL, spo2Scale: value })).toThrow(/spo2Scale/);
    });

    const numericFields = ['respiratoryRate', 'spo2', 'systolicBp', 'pulse', 'temperatureC'];
    const badNumbers: unknown[] = [NaN, Infinity, -Infinity, '90', null, true, {}, [], 10n];
    it.each(numericFields.flatMap((field) => badNumbers.map((value) => [field, value])))(
      '%s = %p',
      (field, value) => {
        expect(() => scoreUntyped({ ...NORMAL, [field as string]: value })).toThrow(RangeError);
        expect(() => scoreUntyped({ ...NORMAL, [field as string]: value })).toThrow(
          new RegExp(`${field as string} must be a finite number`),
        );
      },
    );

    it.each([['yes'], [1], [0], [null], ['true']])('onOxygen %p', (value) => {
      expect(() => scoreUntyped({ ...NORMAL, onOxygen: value })).toThrow(RangeError);
      expect(() => scoreUntyped({ ...NORMAL, onOxygen: value })).toThrow(/onOxygen/);
    });

    it.each([[null], [undefined], [42], ['input']])('input %p', (value) => {
      expect(() => scoreNews2(value as unknown as News2Input)).toThrow(RangeError);
    });

    it('scores finite negative numbers per the table (plausibility is checked elsewhere)', () => {
      const result = score({ respiratoryRate: -1, spo2: -1, systolicBp: -1, pulse: -1, temperatureC: -1 });
      expect(result.perParameter).toEqual({
        ...ZEROS,
        respiratoryRate: 3,
        spo2: 3,
        systolicBp: 3,
        pulse: 3,
        temperature: 3,
      });
    });
  });
});

describe('clinicalResponse', () => {
  it('total 0: 12-hourly, routine', () => {
    expect(clinicalResponse(scoreNews2(NORMAL))).toEqual({
      band: 'low',
      minimumObservationFrequency: '12-hourly',
      minimumObservationIntervalMinutes: 720,
      responseLevel: 'routine',
      description: expect.stringContaining('12-hourly'),
    });
  });

  it('total 1–4: 4–6-hourly (240 minutes, the stricter end), ward-based nurse assessment', () => {
    for (const overrides of [{ pulse: 95 }, { respiratoryRate: 22, pulse: 95, temperatureC: 38.5 }]) {
      const response = clinicalResponse(score(overrides));
      expect(response).toMatchObject({
        band: 'low',
        minimumObservationFrequency: '4-6-hourly',
        minimumObservationIntervalMinutes: 240,
        responseLevel: 'ward-based',
      });
      expect(response.description).toMatch(/registered nurse/);
      expect(response).not.toHaveProperty('partial');
    }
  });

  it('a single 3 (low-medium): 1-hourly, urgent ward-based', () => {
    expect(clinicalResponse(score({ consciousness: 'C' }))).toMatchObject({
      band: 'low-medium',
      minimumObservationFrequency: '1-hourly',
      minimumObservationIntervalMinutes: 60,
      responseLevel: 'urgent-ward-based',
    });
  });

  it('5–6 (medium): 1-hourly, urgent', () => {
    expect(clinicalResponse(score({ respiratoryRate: 22, systolicBp: 95, pulse: 95 }))).toMatchObject({
      band: 'medium',
      minimumObservationFrequency: '1-hourly',
      minimumObservationIntervalMinutes: 60,
      responseLevel: 'urgent',
    });
  });

  it('≥7 (high): continuous, emergency', () => {
    expect(clinicalResponse(score({ consciousness: 'U', respiratoryRate: 25, pulse: 95 }))).toMatchObject({
      band: 'high',
      minimumObservationFrequency: 'continuous',
      minimumObservationIntervalMinutes: 0,
      responseLevel: 'emergency',
    });
  });

  it('a partial result says the score is incomplete and names what is missing', () => {
    const response = clinicalResponse(score({ respiratoryRate: undefined, consciousness: undefined }));
    expect(response).toMatchObject({
      band: 'low',
      minimumObservationFrequency: '12-hourly',
      responseLevel: 'routine',
      partial: true,
    });
    expect(response.description).toMatch(/^Incomplete score/);
    expect(response.description).toContain('respiratoryRate, consciousness');
    expect(response.description).toContain('must not be read as a true low score');
  });

  it('a partial result that lists nothing missing still says it is incomplete', () => {
    const result: News2Result = { ...scoreNews2(NORMAL), partial: true, missing: [] };
    const response = clinicalResponse(result);
    expect(response.partial).toBe(true);
    expect(response.description).toContain('not recorded: some parameters');
  });
});
