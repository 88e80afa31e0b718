import {
  ACVPU_CODES,
  PARAMETER_DEFINITIONS,
  PARAMETERS,
  type AcvpuCode,
  type Parameter,
  type ParameterDefinition,
} from '@vigil/contracts';
import { type EntryBook, FhirExportError, iso } from './fhir-bundle';
import {
  ACVPU_SNOMED,
  BP_PANEL_LOINC,
  INSPIRED_OXYGEN_SNOMED,
  MDC_NUMERIC_CODES,
  SYSTEMS,
  UK_CORE_OBSERVATION_PROFILE,
  UK_CORE_VITAL_SIGN_PROFILES,
  VIGIL_SYSTEMS,
} from './fhir-codes';
import type { FhirObservationInput } from './fhir-export';
import type {
  CodeableConcept,
  Coding,
  Observation,
  ObservationComponent,
  Quantity,
  Reference,
} from './fhir-types';

export interface NormalisedObservation {
  id: string;
  parameter: Parameter;
  value: number;
  valueCode: string | null;
  measuredAt: Date;
  receivedAt: Date | null;
  deviceId: string | null;
  mdc: string | null;
  retrospective: boolean;
}

/** `{deviceId}:{seq}:{index}`, with the device id pattern of the contract (no colons). */
const DEVICE_READING_ID = /^([A-Za-z0-9._-]{1,64}):\d+:\d+$/;

export function normaliseObservation(o: FhirObservationInput, patientId: string): NormalisedObservation {
  const id = 'observationId' in o ? o.observationId : o.id;
  if (o.patientId !== undefined && o.patientId !== patientId) {
    throw new FhirExportError('patient-mismatch', `Observation ${id} belongs to another patient`);
  }
  if (!(PARAMETERS as readonly string[]).includes(o.parameter) || !Number.isFinite(o.value)) {
    throw new FhirExportError(
      'invalid-observation',
      `Observation ${id} has an unknown parameter or no value`,
    );
  }
  const measuredAt = new Date(iso(o.measuredAt, `measuredAt of observation ${id}`));
  const received = 'receivedAt' in o ? o.receivedAt : null;
  const deviceId = o.deviceId !== undefined ? o.deviceId : (DEVICE_READING_ID.exec(id)?.[1] ?? null);
  return {
    id,
    parameter: o.parameter,
    value: o.value,
    valueCode: o.valueCode,
    measuredAt,
    receivedAt: received ? new Date(iso(received, `receivedAt of observation ${id}`)) : null,
    deviceId,
    mdc: ('mdc' in o ? o.mdc : null) ?? null,
    retrospective: ('retrospective' in o ? o.retrospective : false) ?? false,
  };
}

const VITAL_SIGNS: CodeableConcept = {
  coding: [{ system: SYSTEMS.observationCategory, code: 'vital-signs', display: 'Vital Signs' }],
};

const UNIT_DISPLAY: Readonly<Record<string, string>> = {
  '/min': 'per minute',
  '%': '%',
  Cel: '°C',
  'mm[Hg]': 'mmHg',
};

function mdcCoding(refId: string | null): Coding[] {
  if (!refId) return [];
  // An MDC id without a known numeric code keeps its reference id as the code rather than being dropped.
  return [{ system: SYSTEMS.mdc, code: MDC_NUMERIC_CODES[refId] ?? refId, display: refId }];
}

function parameterCode(def: ParameterDefinition, mdc: string | null): CodeableConcept {
  const coding: Coding[] = [];
  for (const loinc of [def.loinc, ...def.loincAlso])
    if (loinc) coding.push({ system: SYSTEMS.loinc, code: loinc });
  if (def.snomed) coding.push({ system: SYSTEMS.snomed, code: def.snomed });
  coding.push(...mdcCoding(mdc));
  return { coding, text: def.display };
}

function quantity(def: ParameterDefinition, value: number): Quantity {
  return { value, unit: UNIT_DISPLAY[def.unit] ?? def.unit, system: SYSTEMS.ucum, code: def.unit };
}

function readingBase(
  o: NormalisedObservation,
  book: EntryBook,
  subject: Reference,
): Omit<Observation, 'code'> {
  return {
    resourceType: 'Observation',
    meta: { profile: profilesOf(BP_PARAMETERS.has(o.parameter) ? 'bloodPressure' : o.parameter) },
    identifier: [{ system: VIGIL_SYSTEMS.observationId, value: o.id }],
    status: 'final',
    category: [VITAL_SIGNS],
    subject,
    effectiveDateTime: o.measuredAt.toISOString(),
    ...(o.receivedAt ? { issued: o.receivedAt.toISOString() } : {}),
    ...(o.deviceId ? { device: book.deviceRef(o.deviceId) } : {}),
    ...(o.retrospective
      ? { note: [{ text: 'Arrived late: newer readings had already been scored when it was received.' }] }
      : {}),
  };
}

const BP_PARAMETERS: ReadonlySet<Parameter> = new Set(['systolicBp', 'diastolicBp', 'meanArterialPressure']);

/** UKCore-Observation, plus the UK Core vital-signs profile of the parameter where there is one. */
function profilesOf(parameter: string): string[] {
  const own = UK_CORE_VITAL_SIGN_PROFILES[parameter];
  return own ? [UK_CORE_OBSERVATION_PROFILE, own] : [UK_CORE_OBSERVATION_PROFILE];
}

export function addVitalSigns(
  book: EntryBook,
  observations: readonly NormalisedObservation[],
  subject: Reference,
): void {
  const panels = new Map<string, NormalisedObservation[]>();
  for (const o of observations) {
    if (BP_PARAMETERS.has(o.parameter)) {
      // One cuff reading arrives as separate systolic/diastolic/mean values with the same device and time.
      const key = `${o.deviceId ?? ''}|${o.measuredAt.toISOString()}`;
      const group = panels.get(key) ?? [];
      group.push(o);
      panels.set(key, group);
      continue;
    }
    book.addObservation(toReading(o, book, subject), [o.id]);
  }
  for (const group of panels.values()) addBloodPressurePanel(book, group, subject);
}

function toReading(o: NormalisedObservation, book: EntryBook, subject: Reference): Observation {
  const def = PARAMETER_DEFINITIONS[o.parameter];
  const base = readingBase(o, book, subject);
  switch (o.parameter) {
    case 'consciousness': {
      const letter = acvpuLetter(o);
      const value = ACVPU_SNOMED[letter];
      return {
        ...base,
        code: parameterCode(def, o.mdc),
        valueCodeableConcept: { coding: [{ system: SYSTEMS.snomed, ...value }], text: letter },
      };
    }
    case 'inspiredOxygen': {
      const onOxygen = o.valueCode !== null ? o.valueCode === 'oxygen' : o.value === 1;
      if (o.valueCode !== null && o.valueCode !== 'oxygen' && o.valueCode !== 'air') {
        throw new FhirExportError('invalid-observation', `Observation ${o.id} is neither air nor oxygen`);
      }
      const finding = onOxygen ? INSPIRED_OXYGEN_SNOMED.oxygen : INSPIRED_OXYGEN_SNOMED.air;
      return {
        ...base,
        code: { coding: [{ system: SYSTEMS.snomed, ...finding }], text: `Air or oxygen: ${finding.display}` },
      };
    }
    case 'fall': {
      // A fall is an event, not a vital sign: same export, without the vital-signs category.
      const { category: _vitalSigns, ...event } = base;
      return { ...event, code: parameterCode(def, o.mdc), valueBoolean: o.value === 1 };
    }
    case 'breathlessness':
    case 'chestPain': {
      // Issue 14: a symptom the patient or a carer reported, not a vital sign: the finding's SNOMED CT code,
      // the answer as text (e.g. "at-rest", "present").
      const { category: _vitalSigns, ...finding } = base;
      return {
        ...finding,
        code: parameterCode(def, null),
        valueCodeableConcept: { text: o.valueCode ?? String(o.value) },
      };
    }
    case 'heartRate':
    case 'spo2':
    case 'respiratoryRate':
    case 'temperature':
    case 'systolicBp':
    case 'diastolicBp':
    case 'meanArterialPressure':
    case 'bodyWeight':
      return { ...base, code: parameterCode(def, o.mdc ?? def.mdc), valueQuantity: quantity(def, o.value) };
  }
}

function acvpuLetter(o: NormalisedObservation): AcvpuCode {
  const letter = o.valueCode ?? ACVPU_CODES[o.value];
  if (letter === undefined || !(ACVPU_CODES as readonly string[]).includes(letter)) {
    throw new FhirExportError('invalid-observation', `Observation ${o.id} has no valid ACVPU value`);
  }
  return letter as AcvpuCode;
}

const BP_COMPONENT_ORDER: readonly Parameter[] = ['systolicBp', 'diastolicBp', 'meanArterialPressure'];

function addBloodPressurePanel(book: EntryBook, group: NormalisedObservation[], subject: Reference): void {
  group.sort((a, b) => BP_COMPONENT_ORDER.indexOf(a.parameter) - BP_COMPONENT_ORDER.indexOf(b.parameter));
  const first = group[0];
  const component: ObservationComponent[] = [];
  for (const parameter of BP_COMPONENT_ORDER) {
    const def = PARAMETER_DEFINITIONS[parameter];
    const o = group.find((g) => g.parameter === parameter);
    if (o)
      component.push({ code: parameterCode(def, o.mdc ?? def.mdc), valueQuantity: quantity(def, o.value) });
    else if (parameter !== 'meanArterialPressure') {
      // The panel's two required components; a lone systolic must not look like a complete reading.
      component.push({
        code: parameterCode(def, def.mdc),
        dataAbsentReason: {
          coding: [{ system: SYSTEMS.dataAbsentReason, code: 'unknown', display: 'Unknown' }],
        },
      });
    }
  }
  const received = group.map((g) => g.receivedAt?.getTime()).filter((t): t is number => t !== undefined);
  const base = readingBase(
    { ...first, receivedAt: null, retrospective: group.some((g) => g.retrospective) },
    book,
    subject,
  );
  book.addObservation(
    {
      ...base,
      identifier: group.map((g) => ({ system: VIGIL_SYSTEMS.observationId, value: g.id })),
      ...(received.length > 0 ? { issued: new Date(Math.max(...received)).toISOString() } : {}),
      code: {
        coding: [{ system: SYSTEMS.loinc, ...BP_PANEL_LOINC }, ...mdcCoding('MDC_PRESS_BLD_NONINV')],
        text: 'Blood pressure',
      },
      component,
    },
    group.map((g) => g.id),
  );
}
