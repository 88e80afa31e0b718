import { createHash, randomUUID } from 'node:crypto';
import type { AlertRecord } from '@vigil/alerting';
import {
  ALERT_OUTCOME_LABELS,
  ceilingAdvice,
  DISCHARGE_OUTCOME_LABELS,
  type DeviceReturnStatus,
  type DischargeOutcome,
  type MonitoringPlan,
  TIER_LABELS,
  type TreatmentCeiling,
} from '@vigil/pathways';
import { buildPatientEverythingBundle, type FhirExportInput } from './fhir-export';
import { SYSTEMS } from './fhir-codes';
import type { BundleEntry } from './fhir-types';

/** What the discharge summary is built from (all read in the discharge's transaction). */
export interface DischargeSummaryInput extends FhirExportInput {
  wardName: string;
  plan: MonitoringPlan | null;
  ceiling: TreatmentCeiling | null;
  admittedAt: Date;
  dischargedAt: Date;
  outcome: DischargeOutcome;
  deviceReturn: DeviceReturnStatus;
  note: string;
  dischargedBy: string;
  /** The admission's Encounter id (stored with the discharge). */
  encounterId: string;
}

const LOINC_DISCHARGE_SUMMARY = { system: SYSTEMS.loinc, code: '18842-5', display: 'Discharge summary' };
/** HL7 v3 ActCode HH: care at home, the class of a virtual-ward stay. */
const HOME_HEALTH = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  code: 'HH',
  display: 'home health',
};
/** HL7 discharge-disposition codes for each outcome. */
const DISPOSITION: Readonly<Record<DischargeOutcome, { code: string; display: string }>> = {
  'recovered-at-home': { code: 'home', display: 'Home' },
  'admitted-to-hospital': { code: 'other-hcf', display: 'Other healthcare facility' },
  died: { code: 'exp', display: 'Expired' },
  transferred: { code: 'oth', display: 'Other' },
};

function uuidFor(name: string): string {
  const h = createHash('sha1').update('vigil-discharge-summary').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** FHIR narrative: generated XHTML from lines of plain text. */
function narrative(lines: readonly string[]): { status: 'generated'; div: string } {
  const items = lines.map((l) => `<li>${escapeXml(l)}</li>`).join('');
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml"><ul>${items}</ul></div>` };
}

type AnyResource = Record<string, unknown> & { resourceType: string; id?: string };

/**
 * The discharge summary of a virtual-ward stay as a FHIR R4 document Bundle (issue 13; NICE QS210: a
 * discharge summary with follow-up details, shared with the GP): a `Composition` first (LOINC 18842-5)
 * naming the admission's `Encounter`, with sections for the monitoring period, the NEWS2 trend, the alerts
 * and their outcomes, and the plan; then the `Encounter` and `EpisodeOfCare` of the stay, the ward's
 * `Organization`, and the patient's records as the `$everything` export maps them (UK Core profiles).
 */
export function buildDischargeSummaryBundle(
  input: DischargeSummaryInput,
  options: { generatedAt?: Date; bundleId?: string } = {},
): Record<string, unknown> {
  const generatedAt = options.generatedAt ?? input.dischargedAt;
  const records = buildPatientEverythingBundle(input, { bundleType: 'collection', generatedAt });
  const entries = records.entry as BundleEntry[];
  const patientEntry = entries.find((e) => e.resource.resourceType === 'Patient');
  if (!patientEntry) throw new Error('the export lost the Patient');
  const patientRef = { reference: patientEntry.fullUrl, type: 'Patient' };

  const key = (what: string) => `urn:uuid:${uuidFor(`${input.patient.id}|${input.encounterId}|${what}`)}`;
  const wardUrl = key('ward');
  const episodeUrl = key('episode');
  const encounterUrl = `urn:uuid:${input.encounterId}`;
  const compositionUrl = key('composition');
  const period = { start: input.admittedAt.toISOString(), end: input.dischargedAt.toISOString() };
  const pathway = input.plan?.title ?? 'Virtual ward';

  const ward: AnyResource = {
    resourceType: 'Organization',
    id: wardUrl.slice(9),
    active: true,
    name: `${input.wardName} (virtual ward)`,
  };
  const episode: AnyResource = {
    resourceType: 'EpisodeOfCare',
    id: episodeUrl.slice(9),
    status: 'finished',
    type: [{ text: `Virtual ward: ${pathway}` }],
    patient: patientRef,
    managingOrganization: { reference: wardUrl, type: 'Organization' },
    period,
  };
  const encounter: AnyResource = {
    resourceType: 'Encounter',
    id: input.encounterId,
    identifier: [{ system: 'urn:vigil:encounter-id', value: input.encounterId }],
    status: 'finished',
    class: HOME_HEALTH,
    serviceType: { text: `Virtual ward: ${pathway}` },
    subject: patientRef,
    episodeOfCare: [{ reference: episodeUrl, type: 'EpisodeOfCare' }],
    period,
    hospitalization: {
      dischargeDisposition: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/discharge-disposition',
            ...DISPOSITION[input.outcome],
          },
        ],
        text: DISCHARGE_OUTCOME_LABELS[input.outcome],
      },
    },
    serviceProvider: { reference: wardUrl, type: 'Organization' },
  };

  const ofType = (t: string) => entries.filter((e) => e.resource.resourceType === t);
  const news2Entries = ofType('Observation').filter((e) =>
    JSON.stringify((e.resource as { code?: unknown }).code).includes('1104051000000101'),
  );
  const vitalEntries = ofType('Observation').filter((e) => !news2Entries.includes(e));
  const flagEntries = ofType('Flag');
  const refs = (list: BundleEntry[], type: string) => list.map((e) => ({ reference: e.fullUrl, type }));

  const news2Totals = news2Entries.map((e) => {
    const r = e.resource as { valueInteger?: number; effectiveDateTime?: string };
    return `${r.effectiveDateTime ?? ''}: NEWS2 ${r.valueInteger ?? '?'}`;
  });
  const totals = news2Entries.map((e) => (e.resource as { valueInteger?: number }).valueInteger ?? 0);
  const alertLines = (input.alerts ?? []).map((a: AlertRecord) => {
    const outcome = a.outcome
      ? ALERT_OUTCOME_LABELS[a.outcome]
      : a.resolvedBy
        ? 'no outcome recorded'
        : 'closed by the rule';
    const tier = a.tier ? `; reached ${TIER_LABELS[a.tier]}` : '';
    return `${a.openedAt.toISOString()} ${a.ruleId} (${a.severity})${tier}: ${a.reason} — outcome: ${outcome}.`;
  });
  const planLines = input.plan
    ? [
        `Pathway: ${input.plan.title} (template ${input.plan.templateId} v${input.plan.templateVersion}).`,
        ...input.plan.schedules.map((s) => `${s.parameter}: every ${s.everyMinutes} minutes.`),
        ...input.plan.trendRules.map(
          (r) => `Weight gain alert: ${r.gainKg} kg within ${r.windowHours} hours.`,
        ),
        `Escalation: ${input.plan.escalation.map((t) => `${TIER_LABELS[t.tier]} (${t.responseMinutes} min)`).join(' → ')}.`,
      ]
    : ['No monitoring plan was recorded.'];

  const composition: AnyResource = {
    resourceType: 'Composition',
    id: compositionUrl.slice(9),
    identifier: { system: 'urn:vigil:discharge-summary', value: input.encounterId },
    status: 'final',
    type: { coding: [LOINC_DISCHARGE_SUMMARY], text: 'Virtual ward discharge summary' },
    subject: patientRef,
    encounter: { reference: encounterUrl, type: 'Encounter' },
    date: generatedAt.toISOString(),
    author: [{ reference: wardUrl, type: 'Organization' }],
    title: `Virtual ward discharge summary — ${pathway}`,
    custodian: { reference: wardUrl, type: 'Organization' },
    section: [
      {
        title: 'Monitoring period',
        text: narrative([
          `Admitted to ${input.wardName} on ${period.start}; discharged ${period.end}.`,
          `Outcome: ${DISCHARGE_OUTCOME_LABELS[input.outcome]}. Device return: ${input.deviceReturn}.`,
          ...(input.note ? [`Note: ${input.note}`] : []),
          `${vitalEntries.length} vital-sign observations recorded.`,
        ]),
        entry: [
          { reference: encounterUrl, type: 'Encounter' },
          ...refs(vitalEntries.slice(-50), 'Observation'),
        ],
      },
      {
        title: 'NEWS2 trend',
        text: narrative(
          news2Totals.length > 0
            ? [
                `${totals.length} scores; highest ${Math.max(...totals)}, last ${totals[totals.length - 1]}.`,
                ...news2Totals.slice(-20),
              ]
            : ['No NEWS2 score was recorded.'],
        ),
        ...(news2Entries.length > 0 ? { entry: refs(news2Entries, 'Observation') } : {}),
      },
      {
        title: 'Alerts and their outcomes',
        text: narrative(alertLines.length > 0 ? alertLines : ['No alerts.']),
        ...(flagEntries.length > 0 ? { entry: refs(flagEntries, 'Flag') } : {}),
      },
      {
        title: 'Plan',
        text: narrative([
          ...planLines,
          ceilingAdvice(input.ceiling),
          'Follow-up: GP to review this summary.',
        ]),
      },
    ],
  };

  const entry = [
    { fullUrl: compositionUrl, resource: composition },
    { fullUrl: encounterUrl, resource: encounter },
    { fullUrl: episodeUrl, resource: episode },
    { fullUrl: wardUrl, resource: ward },
    ...entries.map((e) => ({ fullUrl: e.fullUrl, resource: e.resource })),
  ];
  return {
    resourceType: 'Bundle',
    id: options.bundleId ?? randomUUID(),
    identifier: { system: 'urn:vigil:discharge-summary', value: input.encounterId },
    type: 'document',
    timestamp: generatedAt.toISOString(),
    entry,
  };
}
