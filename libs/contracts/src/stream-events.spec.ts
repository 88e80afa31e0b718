import fc from 'fast-check';
import {
  type CanonicalObservation,
  expandVitalsEvent,
  MAX_OBSERVATIONS_PER_READINGS_EVENT,
  observationEvents,
  OBSERVATION_SOURCES,
  PARAMETERS,
  type VitalsStreamEvent,
  vitalsStreamEventSchema,
  vitalsStreamKey,
} from './index';

const PATIENTS = ['2f1d1a3c-8d2e-4a43-9d61-0b7a9c1e2f30', '7c0e5a8e-1b9f-4d3c-8a21-5e6f7a8b9c0d'];

/** Observations as ingest and the api make them: device messages of one or two patients, and hand entries. */
const observation: fc.Arbitrary<CanonicalObservation> = fc
  .record({
    patient: fc.constantFrom(...PATIENTS),
    device: fc.option(fc.constantFrom('ox-1', 'cuff-2'), { nil: null }),
    seq: fc.integer({ min: 0, max: 3 }),
    index: fc.nat(9),
    parameter: fc.constantFrom(...PARAMETERS),
    // Any number JSON carries (it writes -0 as 0, as it did for the per-measurement events).
    value: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
    valueCode: fc.option(fc.constantFrom('A', 'air'), { nil: null }),
    loinc: fc.option(fc.constant('59408-5'), { nil: null }),
    mdc: fc.option(fc.constant('MDC_PULS_OXIM_SAT_O2'), { nil: null }),
    original: fc.option(fc.record({ value: fc.integer(), unit: fc.constant('[degF]') }), { nil: null }),
    minute: fc.integer({ min: 0, max: 59 }),
    received: fc.integer({ min: 0, max: 1 }),
    source: fc.constantFrom(...OBSERVATION_SOURCES),
    detail: fc.option(
      fc.dictionary(fc.constantFrom('a', 'b'), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
      {
        nil: null,
      },
    ),
    enteredBy: fc.option(fc.constant('nurse-1'), { nil: null }),
  })
  .map((r) => ({
    id: r.device ? `${r.device}:${r.seq}:${r.index}` : `manual-${r.index}`,
    patientId: r.patient,
    deviceId: r.device,
    parameter: r.parameter,
    value: r.value,
    valueCode: r.valueCode,
    unit: '%',
    loinc: r.loinc,
    mdc: r.mdc,
    original: r.original,
    measuredAt: `2026-12-06T08:${String(r.minute).padStart(2, '0')}:00.000Z`,
    receivedAt: `2026-12-06T09:0${r.received}:00.000Z`,
    source: r.source,
    messageId: r.device ? `${r.device}:${r.seq}` : `manual-${r.index}`,
    seq: r.device ? r.seq : null,
    detail: r.detail,
    enteredBy: r.enteredBy,
  }));

/** What a consumer gets: the event through JSON and the stream's schema. */
const delivered = (event: VitalsStreamEvent) =>
  vitalsStreamEventSchema.parse(JSON.parse(JSON.stringify(event)));

describe('observation stream events (issue 11: one record per device message)', () => {
  it('give back exactly the observations given, in order, through JSON and validation', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 12 }), (observations) => {
        const events = observationEvents(observations);
        expect(events.map(delivered).flatMap(expandVitalsEvent)).toEqual(observations);
        // Every event is keyed by the patient of each observation it carries: one patient stays in order.
        for (const event of events) {
          for (const o of expandVitalsEvent(event)) expect(vitalsStreamKey(event)).toBe(o.patientId);
        }
      }),
    );
  });

  it("carry a device message's readings for one patient in one event, and anything entered by a person alone", () => {
    const reading = (id: string, patientId: string, parameter: CanonicalObservation['parameter']) =>
      ({
        id,
        patientId,
        deviceId: 'ox-1',
        parameter,
        value: 95,
        valueCode: null,
        unit: '%',
        loinc: '59408-5',
        mdc: null,
        original: null,
        measuredAt: '2026-12-06T08:00:00.000Z',
        receivedAt: '2026-12-06T08:00:01.000Z',
        source: 'json',
        messageId: 'ox-1:7',
        seq: 7,
        detail: null,
        enteredBy: null,
      }) satisfies CanonicalObservation;
    const [a, b] = PATIENTS;
    const manual = {
      ...reading('m-1', a, 'spo2'),
      deviceId: null,
      source: 'manual',
      enteredBy: 'nurse-1',
    } as const;
    const events = observationEvents([
      reading('ox-1:7:0', a, 'spo2'),
      reading('ox-1:7:1', a, 'heartRate'),
      // A store-and-forward message that spans a rebinding: the later reading is the next patient's.
      reading('ox-1:7:2', b, 'spo2'),
      manual,
    ]);
    expect(events.map((e) => [e.type, vitalsStreamKey(e), expandVitalsEvent(e).map((o) => o.id)])).toEqual([
      ['readings', a, ['ox-1:7:0', 'ox-1:7:1']],
      ['readings', b, ['ox-1:7:2']],
      ['observation', a, ['m-1']],
    ]);
    // What the readings share is said once; null fields are left out.
    expect(JSON.stringify(events[0])).not.toContain('null');
    expect(JSON.stringify(events[0]).match(/ox-1:7"/g)).toHaveLength(1);
  });

  it('split a long store-and-forward upload into events of at most 10 observations, same key, in order', () => {
    const upload: CanonicalObservation[] = Array.from({ length: 23 }, (_, i) => ({
      id: `ox-1:9:${i}`,
      patientId: PATIENTS[0],
      deviceId: 'ox-1',
      parameter: 'spo2',
      value: 90 + (i % 8),
      valueCode: null,
      unit: '%',
      loinc: null,
      mdc: null,
      original: null,
      measuredAt: new Date(Date.parse('2026-12-06T00:00:00Z') + i * 60_000).toISOString(),
      receivedAt: '2026-12-06T08:00:01.000Z',
      source: 'json',
      messageId: 'ox-1:9',
      seq: 9,
      detail: null,
      enteredBy: null,
    }));
    const events = observationEvents(upload);
    expect(MAX_OBSERVATIONS_PER_READINGS_EVENT).toBe(10);
    expect(events.map((e) => [e.type, vitalsStreamKey(e), expandVitalsEvent(e).length])).toEqual([
      ['readings', PATIENTS[0], 10],
      ['readings', PATIENTS[0], 10],
      ['readings', PATIENTS[0], 3],
    ]);
    expect(events.flatMap(expandVitalsEvent)).toEqual(upload);
  });

  it('refuse a readings event with no observations or a patient that is not a uuid', () => {
    const event = {
      type: 'readings',
      patientId: PATIENTS[0],
      deviceId: 'ox-1',
      messageId: 'ox-1:7',
      seq: 7,
      receivedAt: '2026-12-06T08:00:01.000Z',
      observations: [],
    };
    expect(vitalsStreamEventSchema.safeParse(event).success).toBe(false);
    const one = {
      id: 'ox-1:7:0',
      parameter: 'spo2',
      value: 95,
      unit: '%',
      measuredAt: '2026-12-06T08:00:00.000Z',
      source: 'json',
    };
    expect(vitalsStreamEventSchema.safeParse({ ...event, observations: [one] }).success).toBe(true);
    expect(
      vitalsStreamEventSchema.safeParse({ ...event, patientId: 'p1', observations: [one] }).success,
    ).toBe(false);
  });
});
