import { randomUUID } from 'node:crypto';
import type { CanonicalObservation } from '@vigil/contracts';
import type { AlertAuditEntry, AlertRecord } from '@vigil/alerting';
import type { DeviceEntity, LatestValue, PatientEntity, StoredScore } from '@vigil/storage';
import { addAlert } from './fhir-alerts';
import { EntryBook, FhirExportError } from './fhir-bundle';
import { readingsByParameter, scoreKey, toNews2Observation } from './fhir-news2';
import { toDevice, toPatient } from './fhir-patient';
import type { Bundle, BundleEntry, Reference } from './fhir-types';
import { addVitalSigns, normaliseObservation } from './fhir-vital-signs';

export { FhirExportError };

/** The patient, as `PatientEntity` (only these fields are read). */
export type FhirPatientInput = Pick<
  PatientEntity,
  'id' | 'nhsNumber' | 'givenName' | 'familyName' | 'dateOfBirth'
>;

/**
 * A stored observation as `ObservationsRepository.listForPatient` returns it, optionally with the
 * canonical fields that repository view leaves out. Where `deviceId` is absent it is recovered from the
 * deterministic id `{deviceId}:{seq}:{index}` that the contract gives device readings.
 */
export interface StoredObservationInput extends Pick<
  LatestValue,
  'observationId' | 'parameter' | 'value' | 'valueCode' | 'measuredAt'
> {
  patientId?: string;
  /** Null for a nurse's manual entry; undefined when unknown. */
  deviceId?: string | null;
  /** Platform arrival time, exported as `Observation.issued`. */
  receivedAt?: Date | string | null;
  /** The MDC reference id the device sent (defaults to the parameter's). */
  mdc?: string | null;
  retrospective?: boolean;
}

/** A stored observation (repository view) or a full canonical observation. */
export type FhirObservationInput = StoredObservationInput | CanonicalObservation;

/** A stored NEWS2 score, as `ScoresRepository.listForPatient` returns it. */
export type FhirScoreInput = Pick<StoredScore, 'score' | 'observationIds'> &
  Partial<Pick<StoredScore, 'patientId' | 'storedAt'>>;

/** A device, as `DeviceEntity` (only these fields are read). */
export type FhirDeviceInput = Pick<DeviceEntity, 'id' | 'kind' | 'serial' | 'status'> &
  Partial<Pick<DeviceEntity, 'firmware'>>;

/** Everything `buildPatientEverythingBundle` exports for one patient; repository results go in as they are. */
export interface FhirExportInput {
  patient: FhirPatientInput;
  observations?: readonly FhirObservationInput[];
  scores?: readonly FhirScoreInput[];
  /** Alert episodes of this patient (`AlertsRepository.listForPatient`). */
  alerts?: readonly AlertRecord[];
  /** Audit entries of those alerts (`AlertsRepository.listAudit`, concatenated); optional. */
  alertAudit?: readonly AlertAuditEntry[];
  /** Devices the observations came from (or bound to the patient). */
  devices?: readonly FhirDeviceInput[];
}

export interface FhirExportOptions {
  /** `searchset` (default: what `Patient/$everything` returns) or `collection`. */
  bundleType?: 'searchset' | 'collection';
  /** `Bundle.timestamp`; defaults to now. */
  generatedAt?: Date;
  /** `Bundle.id`; defaults to a random UUID. */
  bundleId?: string;
  /** Name of the Organization that owns escalations (default "Clinical Coordination Centre (CCC)"). */
  coordinationCentreName?: string;
}

/**
 * Builds the FHIR R4 (UK Core) `Patient/$everything` bundle of one patient (SPEC §5).
 *
 * - `Patient` with the NHS number (`https://fhir.nhs.uk/Id/nhs-number`), name and birth date.
 * - One vital-signs `Observation` per stored reading (LOINC + SNOMED CT codes, UCUM units, the MDC code
 *   beside LOINC, `effectiveDateTime` = measured, `issued` = received, `device` where known); systolic,
 *   diastolic and mean pressure of the same device and time become one blood pressure panel (85354-9).
 * - One NEWS2 `Observation` per stored score: `valueInteger` total, a component per sub-score, `derivedFrom`
 *   the readings it was computed from. A partial score is `preliminary`, its missing sub-scores carry
 *   `dataAbsentReason`, and a note says the total is a lower bound (HZ-08).
 * - Per alert: a `Flag` (active until resolved), the nurse's `Task`, and once escalated a `Task` owned by
 *   the CCC `Organization` plus a `Communication` carrying the escalation reason.
 *
 * Every entry has a `urn:uuid:` fullUrl, deterministic for the same data (only the bundle id and timestamp
 * vary), and every literal reference points at another entry of the bundle. Records of another patient
 * are refused with a {@link FhirExportError} rather than exported under this one.
 */
export function buildPatientEverythingBundle(
  input: FhirExportInput,
  options: FhirExportOptions = {},
): Bundle {
  const book = new EntryBook(input.patient.id);
  const patientUrl = book.add('Patient', toPatient(input.patient));
  const patientRef: Reference = { reference: patientUrl, type: 'Patient' };

  for (const d of input.devices ?? []) book.addDevice(d.id, toDevice(d));

  const observations = (input.observations ?? []).map((o) => normaliseObservation(o, input.patient.id));
  observations.sort((a, b) => a.measuredAt.getTime() - b.measuredAt.getTime() || a.id.localeCompare(b.id));
  addVitalSigns(book, observations, patientRef);
  const readings = readingsByParameter(observations);

  for (const s of input.scores ?? []) {
    if (s.patientId !== undefined && s.patientId !== input.patient.id) {
      throw new FhirExportError(
        'patient-mismatch',
        'A NEWS2 score of another patient was passed to the export',
      );
    }
    book.add('Observation', toNews2Observation(s, readings, book, patientRef), `news2|${scoreKey(s)}`);
  }

  const audit = input.alertAudit ?? [];
  for (const a of input.alerts ?? []) {
    if (a.patientId !== input.patient.id) {
      throw new FhirExportError('patient-mismatch', 'An alert of another patient was passed to the export');
    }
    addAlert(
      book,
      a,
      audit.filter((e) => e.alertId === a.id),
      patientRef,
      options.coordinationCentreName ?? 'Clinical Coordination Centre (CCC)',
    );
  }

  const type = options.bundleType ?? 'searchset';
  const entry = book
    .entries()
    .map((e): BundleEntry => (type === 'searchset' ? { ...e, search: { mode: 'match' } } : e));
  return {
    resourceType: 'Bundle',
    id: options.bundleId ?? randomUUID(),
    type,
    timestamp: (options.generatedAt ?? new Date()).toISOString(),
    ...(type === 'searchset' ? { total: entry.length } : {}),
    entry,
  };
}
