import type { OxygenPrescriptionRequest } from '@vigil/contracts';
import type { DEVICE_KIND_VALUES } from '@vigil/contracts';
import { generateTestNhsNumber } from './nhs-number';
import { createRng, deriveSeed } from './random';
import { createProfile, type PatientProfile, type ScenarioKind } from './vitals';

export type DeviceKind = (typeof DEVICE_KIND_VALUES)[number];

/**
 * How a device reports: plain JSON measurements, Bluetooth GATT bytes passed through by a hub, a
 * store-and-forward hub that uploads a held-back batch late, or a falls sensor.
 */
export type DeviceStyle = 'json' | 'gatt-hub' | 'batch-hub' | 'falls' | 'scale';

export interface DevicePlan {
  kind: DeviceKind;
  style: DeviceStyle;
}

export interface RosterPatient {
  /** Position in the roster; with the seed it fixes the patient's profile and devices. */
  index: number;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  pathway: string;
  profile: PatientProfile;
  devices: DevicePlan[];
  /**
   * Issue 13: the oxygen prescription a clinician records (audited, N1) for a patient scored on SpO2 scale 2,
   * so NEWS2's air-or-oxygen comes from a prescription rather than an assumption.
   */
  oxygenPrescription: OxygenPrescriptionRequest | null;
}

/** The COPD demo patient: chronic hypoxaemia on air, target 88–92 % (RCP NEWS2 2017: scale 2). */
export const COPD_OXYGEN_PRESCRIPTION: OxygenPrescriptionRequest = {
  onOxygen: false,
  reason:
    'Demo COPD patient: no supplemental oxygen at home (on air); SpO2 target 88–92 %, scored on NEWS2 SpO2 scale 2',
};

// Obviously fictional: nobody should ever mistake a demo patient for a person.
const GIVEN_NAMES = [
  'Ada',
  'Bertie',
  'Clementine',
  'Desmond',
  'Edith',
  'Fergus',
  'Gertrude',
  'Horace',
  'Ivy',
  'Jasper',
  'Kit',
  'Lavinia',
  'Mungo',
  'Nell',
  'Ozzie',
  'Pearl',
  'Quentin',
  'Rosalind',
  'Septimus',
  'Tabitha',
];
const FAMILY_NAMES = [
  'Example',
  'Sample',
  'Testcase',
  'Placeholder',
  'Fictional',
  'Madeup',
  'Notreal',
  'Pretend',
  'Imaginary',
  'Demoson',
];

// The first ten patients show every scenario at least once; after that a repeating mix keeps most
// patients stable, as on a real virtual ward.
const FIRST_SCENARIOS: readonly ScenarioKind[] = [
  'deteriorating',
  'copd',
  'fall',
  'gatt',
  'backlog',
  'offline',
  'heart-failure',
  'deteriorating',
  'smi',
  'stable',
];
const REPEATING_SCENARIOS: readonly ScenarioKind[] = [
  'stable',
  'stable',
  'deteriorating',
  'stable',
  'copd',
  'stable',
  'stable',
  'gatt',
  'stable',
  'stable',
];

export function scenarioForIndex(index: number): ScenarioKind {
  return index < FIRST_SCENARIOS.length
    ? FIRST_SCENARIOS[index]
    : REPEATING_SCENARIOS[(index - FIRST_SCENARIOS.length) % REPEATING_SCENARIOS.length];
}

const HOME_KIT: readonly DevicePlan[] = [
  { kind: 'pulse-oximeter', style: 'json' },
  { kind: 'blood-pressure', style: 'json' },
  { kind: 'thermometer', style: 'json' },
];

export function devicesFor(scenario: ScenarioKind): DevicePlan[] {
  switch (scenario) {
    case 'gatt':
      return [{ kind: 'hub', style: 'gatt-hub' }];
    case 'backlog':
      return [{ kind: 'hub', style: 'batch-hub' }];
    case 'fall':
      return [...HOME_KIT, { kind: 'falls-sensor', style: 'falls' }];
    // A connected scale forwarded by a hub (the platform's hub kind measures body weight).
    case 'heart-failure':
      return [...HOME_KIT, { kind: 'hub', style: 'scale' }];
    case 'smi':
      return [
        { kind: 'blood-pressure', style: 'json' },
        { kind: 'hub', style: 'scale' },
      ];
    case 'stable':
    case 'deteriorating':
    case 'copd':
    case 'offline':
      return [...HOME_KIT];
  }
}

/** The pathway template each scenario is admitted on (issue 13; templates in libs/pathways). */
function pathwayFor(scenario: ScenarioKind): string {
  switch (scenario) {
    case 'copd':
      return 'copd';
    case 'fall':
      return 'frailty';
    case 'heart-failure':
      return 'heart-failure';
    case 'smi':
      return 'smi-physical-health';
    case 'stable':
    case 'deteriorating':
    case 'offline':
    case 'backlog':
    case 'gatt':
      return 'ari';
  }
}

/** The demo patients for a seed: same seed, same patients, NHS numbers unique within the roster. */
export function buildRoster(count: number, seed: number): RosterPatient[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('patients: a whole number of at least 1');
  const used = new Set<string>();
  const roster: RosterPatient[] = [];
  for (let index = 0; index < count; index++) {
    const rng = createRng(deriveSeed(seed, 'patient', index));
    let nhsNumber = generateTestNhsNumber(rng);
    while (used.has(nhsNumber)) nhsNumber = generateTestNhsNumber(rng);
    used.add(nhsNumber);
    const scenario = scenarioForIndex(index);
    const year = rng.int(1936, 1975);
    const month = String(rng.int(1, 12)).padStart(2, '0');
    const day = String(rng.int(1, 28)).padStart(2, '0');
    roster.push({
      index,
      nhsNumber,
      givenName: rng.pick(GIVEN_NAMES),
      familyName: rng.pick(FAMILY_NAMES),
      dateOfBirth: `${year}-${month}-${day}`,
      pathway: pathwayFor(scenario),
      profile: createProfile(scenario, rng),
      devices: devicesFor(scenario),
      oxygenPrescription: scenario === 'copd' ? COPD_OXYGEN_PRESCRIPTION : null,
    });
  }
  return roster;
}
