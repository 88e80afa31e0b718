import { PATHWAY_TEMPLATE_IDS } from '@vigil/contracts';
import type { PatientSummary, Ward } from '@vigil/contracts';
import { ApiError, type VigilApiClient } from '../api/vigil-api.client';
import { deriveSeed } from '../scenarios/random';
import { buildRoster, type RosterPatient } from '../scenarios/roster';
import type { FleetDevice } from '../fleet/fleet';
import type { SimulatorState } from './state-file';

export interface ProvisionDemoOptions {
  api: VigilApiClient;
  apiUrl: string;
  patients: number;
  /** How many wards to spread the patients over, or every ward. */
  wards: number | 'auto';
  seed: number;
  /** State from an earlier run: its devices are reused when the platform still knows them. */
  previous: SimulatorState | null;
  /** Called after every change worth keeping (each new device: its secret exists nowhere else). */
  save: (state: SimulatorState) => Promise<void>;
  log?: (line: string) => void;
  /** Patients provisioned at once. */
  concurrency?: number;
  /** Signed in as a clinician: records the clinical settings an admin may not (the COPD oxygen prescription). */
  clinician?: VigilApiClient;
}

export interface ProvisionSummary {
  state: SimulatorState;
  admitted: number;
  reusedPatients: number;
  provisioned: number;
  reusedDevices: number;
}

/**
 * Sets up the demo through the REST API exactly as an administrator would: admits the roster's
 * patients over the chosen wards (reusing a patient whose NHS number is already admitted), provisions
 * one device per kind each patient needs, binds it, and records everything in the state.
 */
export async function provisionDemo(options: ProvisionDemoOptions): Promise<ProvisionSummary> {
  const { api } = options;
  const log = options.log ?? (() => undefined);
  const wards = chooseWards(await api.listWards(), options.wards);
  const roster = buildRoster(options.patients, options.seed);
  const patientsByNhs = new Map((await api.listPatients()).map((p) => [p.nhsNumber, p]));
  const devicesById = new Map((await api.listDevices()).map((d) => [d.id, d]));
  const previous = options.previous?.seed === options.seed ? options.previous : null;

  const state: SimulatorState = {
    version: 1,
    apiUrl: options.apiUrl,
    seed: options.seed,
    patients: [],
    devices: [],
  };
  const summary: ProvisionSummary = {
    state,
    admitted: 0,
    reusedPatients: 0,
    provisioned: 0,
    reusedDevices: 0,
  };
  let saving = Promise.resolve();
  const save = (): Promise<void> => {
    const snapshot = sortedState(state);
    saving = saving.then(() => options.save(snapshot));
    return saving;
  };

  const setUp = async (member: RosterPatient): Promise<void> => {
    const ward = wards[member.index % wards.length];
    const patient = await admitOrReuse(api, member, ward, patientsByNhs, summary);
    await prescribeOxygen(options.clinician, member, patient.id, log);
    state.patients.push({
      index: member.index,
      patientId: patient.id,
      nhsNumber: member.nhsNumber,
      wardId: patient.wardId,
      scenario: member.profile.scenario,
      spo2Scale: member.profile.spo2Scale,
    });
    for (const plan of member.devices) {
      const earlier = previous?.devices.find(
        (d) => d.patientIndex === member.index && d.kind === plan.kind && d.style === plan.style,
      );
      const known = earlier ? devicesById.get(earlier.id) : undefined;
      if (earlier && known && earlier.patientId === patient.id && known.status === 'active') {
        if (known.boundPatientId !== patient.id) await api.bindDevice(known.id, patient.id);
        state.devices.push({ ...earlier });
        summary.reusedDevices += 1;
        continue;
      }
      const { device, secret } = await api.provisionDevice({
        kind: plan.kind,
        serial: `SIM-${options.seed}-${member.index}-${plan.kind}`,
      });
      state.devices.push({
        id: device.id,
        kind: plan.kind,
        style: plan.style,
        secret,
        patientIndex: member.index,
        patientId: patient.id,
      });
      summary.provisioned += 1;
      // Saved before binding: a failed bind must not lose the only copy of the secret.
      await save();
      await api.bindDevice(device.id, patient.id);
    }
  };

  await inPool(roster, options.concurrency ?? 4, setUp);
  await save();
  log(
    `demo ready: ${roster.length} patients on ${wards.length} ward(s) (${summary.admitted} admitted, ` +
      `${summary.reusedPatients} already admitted); ${state.devices.length} devices (${summary.provisioned} provisioned, ` +
      `${summary.reusedDevices} reused)`,
  );
  return { ...summary, state: sortedState(state) };
}

/**
 * Issue 13: the COPD demo patient is scored on SpO2 scale 2 (the template sets the scale at admission) with a
 * clinician's audited oxygen prescription, as the pathway asks. It is recorded by the clinician account (R9:
 * the api accepts it from no one else), once: a patient that has one already keeps it.
 */
async function prescribeOxygen(
  clinician: VigilApiClient | undefined,
  member: RosterPatient,
  patientId: string,
  log: (line: string) => void,
): Promise<void> {
  if (!member.oxygenPrescription) return;
  if (!clinician) {
    log(
      `patient ${member.index} (${member.pathway}) needs an oxygen prescription: no clinician sign-in given, skipped`,
    );
    return;
  }
  // Never fatal to the demo: the clinician may not work on the ward the patient landed on (a database with
  // other wards in it), and the rest of the fleet must still run (the npm start test caught a demo that exited).
  try {
    const detail = await clinician.getPatient(patientId);
    if (detail.oxygenPrescription) return;
    await clinician.setOxygenPrescription(patientId, member.oxygenPrescription);
  } catch (error) {
    log(
      `patient ${member.index} (${member.pathway}): oxygen prescription not recorded (${error instanceof Error ? error.message : String(error)}); it is scored without one`,
    );
  }
}

export function chooseWards(wards: Ward[], wanted: number | 'auto'): Ward[] {
  if (wards.length === 0) throw new Error('the API lists no wards: create at least one ward first');
  if (wanted === 'auto') return wards;
  return wards.slice(0, Math.max(1, Math.min(wanted, wards.length)));
}

async function admitOrReuse(
  api: VigilApiClient,
  member: RosterPatient,
  ward: Ward,
  byNhs: Map<string, PatientSummary>,
  summary: ProvisionSummary,
): Promise<PatientSummary> {
  const existing = byNhs.get(member.nhsNumber);
  if (existing) {
    summary.reusedPatients += 1;
    return existing;
  }
  try {
    const admitted = await api.admitPatient({
      nhsNumber: member.nhsNumber,
      givenName: member.givenName,
      familyName: member.familyName,
      dateOfBirth: member.dateOfBirth,
      wardId: ward.id,
      spo2Scale: member.profile.spo2Scale,
      pathway: member.pathway,
      // Issue 13: each demo patient starts from their pathway's template (monitoring plan, schedule, ladder).
      ...((PATHWAY_TEMPLATE_IDS as readonly string[]).includes(member.pathway)
        ? { templateId: member.pathway as (typeof PATHWAY_TEMPLATE_IDS)[number] }
        : {}),
    });
    byNhs.set(admitted.nhsNumber, admitted);
    summary.admitted += 1;
    return admitted;
  } catch (error) {
    // Admitted meanwhile (another run, or a list that hides it): the API says conflict; find that patient.
    if (!(error instanceof ApiError) || error.status !== 409) throw error;
    const again = (await api.listPatients()).find((p) => p.nhsNumber === member.nhsNumber);
    if (!again) throw error;
    byNhs.set(again.nhsNumber, again);
    summary.reusedPatients += 1;
    return again;
  }
}

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
}

function sortedState(state: SimulatorState): SimulatorState {
  return {
    ...state,
    patients: [...state.patients].sort((a, b) => a.index - b.index),
    devices: [...state.devices].sort(
      (a, b) => a.patientIndex - b.patientIndex || a.kind.localeCompare(b.kind),
    ),
  };
}

/** The fleet's devices from a saved state; profiles are rebuilt from the seed, so vitals replay exactly. */
export function fleetDevicesFromState(state: SimulatorState): FleetDevice[] {
  const count = Math.max(
    0,
    ...state.patients.map((p) => p.index + 1),
    ...state.devices.map((d) => d.patientIndex + 1),
  );
  if (count === 0) return [];
  const roster = buildRoster(count, state.seed);
  return state.devices.map((d) => ({
    spec: {
      deviceId: d.id,
      kind: d.kind,
      style: d.style,
      profile: roster[d.patientIndex].profile,
      seed: deriveSeed(state.seed, 'device', d.id),
    },
    secret: d.secret,
  }));
}
