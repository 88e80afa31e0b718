import { scoreNews2 } from '@vigil/clinical';
import { CLOCK_SKEW_TOLERANCE_MS } from '@vigil/contracts';
import { type PlannedDevice, type PlannedMessage, STORED_PARAMETERS } from '../plan/load-plan';

/** One stored observation row of a round's devices: `(device, seq, parameter)`. */
export interface StoredRow {
  deviceId: string;
  seq: number;
  parameter: string;
  /** Ingest corrected `measuredAt` for the device clock's offset and flagged it (R12). */
  clockCorrected: boolean;
}

/** One dead letter of a round's devices, with the seq read back from its raw payload. */
export interface DeadLetterRow {
  deviceId: string;
  seq: number | null;
  reason: string;
}

/** One clinical alert episode of a round's patients. */
export interface ClinicalAlertRow {
  patientId: string;
  ruleId: string;
  subject: string;
}

export interface OracleDevice {
  deviceId: string;
  patientId: string;
  planned: PlannedDevice;
}

export interface OracleInput {
  devices: OracleDevice[];
  /** `deviceId|seq` of every message the broker acknowledged to the device. */
  acknowledged: ReadonlySet<string>;
  stored: StoredRow[];
  deadLetters: DeadLetterRow[];
  alerts: ClinicalAlertRow[];
}

export interface OracleVerdict {
  acknowledged: number;
  /** Acknowledged, valid, and not stored (or not every parameter stored). */
  lost: string[];
  /** A (device, seq, parameter) stored more than once. */
  duplicated: string[];
  /**
   * R12: a reading of a device whose clock is off by more than the tolerance, stored without the clock
   * correction flag, or dead-lettered instead of stored (a wrong clock is corrected for, not refused).
   */
  clockNotCorrected: string[];
  /** Patients expected to have exactly one clinical (`deterioration`) episode and how many they have. */
  missedAlerts: string[];
  duplicatedAlerts: string[];
  /** Clinical episodes the oracle did not expect (another rule, or a patient who never crossed). */
  spuriousAlerts: string[];
  expectedAlerts: number;
}

const key = (deviceId: string, seq: number) => `${deviceId}|${seq}`;

/** R12: whether ingest must correct this device's readings for its clock (stored, flagged, never refused). */
export function clockCorrectedByDesign(device: PlannedDevice): boolean {
  return Math.abs(device.clockSkewMs) > CLOCK_SKEW_TOLERANCE_MS;
}

/** The reference NEWS2 of one planned message (no consciousness or oxygen from devices: partial). */
export function referenceScore(message: PlannedMessage) {
  const v = message.vitals;
  return scoreNews2({
    spo2Scale: 1,
    respiratoryRate: v.respiratoryRate,
    spo2: v.spo2,
    pulse: v.heartRate,
    temperatureC: v.temperatureC,
    systolicBp: v.systolicBp,
  });
}

/**
 * Which patients must have exactly one `deterioration` episode (the one clinical alert per patient). A partial score of 5 or more opens it and a
 * partial score never clears it (RCP NEWS2 2017 as the scorer applies it), and a reading older than one
 * already held is scored retrospectively and never pages — so the verdict rests on the patient's newest
 * accepted reading, which no reordering can make late.
 */
export function expectedBandEpisode(device: PlannedDevice, acceptedSeqs: ReadonlySet<number>): boolean {
  let newest: PlannedMessage | null = null;
  for (const m of device.sendOrder) {
    if (!acceptedSeqs.has(m.seq)) continue;
    if (!newest || m.measuredOffsetMs > newest.measuredOffsetMs) newest = m;
  }
  return newest !== null && referenceScore(newest).total >= 5;
}

/** Compares what the database holds with what was acknowledged and what NEWS2 says should have paged. */
export function judge(input: OracleInput): OracleVerdict {
  const rowsPerKey = new Map<string, Map<string, number>>();
  for (const row of input.stored) {
    const k = key(row.deviceId, row.seq);
    const params = rowsPerKey.get(k) ?? new Map<string, number>();
    params.set(row.parameter, (params.get(row.parameter) ?? 0) + 1);
    rowsPerKey.set(k, params);
  }
  const flagged = new Set(input.stored.filter((r) => r.clockCorrected).map((r) => key(r.deviceId, r.seq)));
  const deadLettered = new Map<string, Set<string>>();
  for (const d of input.deadLetters) {
    if (d.seq === null) continue;
    const k = key(d.deviceId, d.seq);
    deadLettered.set(k, (deadLettered.get(k) ?? new Set()).add(d.reason));
  }

  const verdict: OracleVerdict = {
    acknowledged: 0,
    lost: [],
    duplicated: [],
    clockNotCorrected: [],
    missedAlerts: [],
    duplicatedAlerts: [],
    spuriousAlerts: [],
    expectedAlerts: 0,
  };
  const expectedPatients = new Set<string>();
  for (const device of input.devices) {
    const skewed = clockCorrectedByDesign(device.planned);
    const accepted = new Set<number>();
    for (const message of device.planned.sendOrder) {
      const k = key(device.deviceId, message.seq);
      const params = rowsPerKey.get(k);
      for (const [parameter, count] of params ?? []) {
        if (count > 1) verdict.duplicated.push(`${k}|${parameter}×${count}`);
      }
      if (params) accepted.add(message.seq);
      if (skewed && (deadLettered.has(k) || (params && !flagged.has(k)))) verdict.clockNotCorrected.push(k);
      if (!input.acknowledged.has(k)) continue;
      verdict.acknowledged += 1;
      if (!STORED_PARAMETERS.every((p) => params?.get(p))) verdict.lost.push(k);
    }
    if (expectedBandEpisode(device.planned, accepted)) expectedPatients.add(device.patientId);
  }
  verdict.expectedAlerts = expectedPatients.size;

  const bandEpisodes = new Map<string, number>();
  for (const alert of input.alerts) {
    if (alert.ruleId === 'deterioration' && expectedPatients.has(alert.patientId)) {
      bandEpisodes.set(alert.patientId, (bandEpisodes.get(alert.patientId) ?? 0) + 1);
    } else {
      verdict.spuriousAlerts.push(`${alert.patientId}|${alert.ruleId}|${alert.subject}`);
    }
  }
  for (const patientId of expectedPatients) {
    const n = bandEpisodes.get(patientId) ?? 0;
    if (n === 0) verdict.missedAlerts.push(patientId);
    if (n > 1) verdict.duplicatedAlerts.push(`${patientId}×${n}`);
  }
  return verdict;
}
