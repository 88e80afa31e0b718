import type { DataSource } from 'typeorm';
import {
  CareHomesRepository,
  PatientsRepository,
  SqlDatabase,
  type UserRoleValue,
  UsersRepository,
} from '@vigil/storage';

/** A demo sign-in, printed at start when the demo is on. Never used outside the demo. */
export interface DemoAccount {
  username: string;
  password: string;
  displayName: string;
  role: UserRoleValue;
}

// Listed in the order the console lists wards (by name), so the first ward offered is the first seeded.
export const DEMO_WARDS = ['COPD and respiratory virtual ward', 'Frailty virtual ward'] as const;

const ACCOUNTS: readonly (DemoAccount & { wards: 'all' | 'none' | number })[] = [
  { username: 'admin', password: 'vigil-demo-admin', displayName: 'Demo Admin', role: 'admin', wards: 'all' },
  {
    username: 'clinician',
    password: 'vigil-demo-clinician',
    displayName: 'Dr Demo Clinician',
    role: 'clinician',
    wards: 'all',
  },
  {
    username: 'coordinator',
    password: 'vigil-demo-coordinator',
    displayName: 'Demo CCC Coordinator',
    role: 'coordinator',
    wards: 'none',
  },
  {
    username: 'nurse.respiratory',
    password: 'vigil-demo-nurse',
    displayName: 'Demo Nurse (Respiratory)',
    role: 'nurse',
    wards: 0,
  },
  {
    username: 'nurse.frailty',
    password: 'vigil-demo-nurse',
    displayName: 'Demo Nurse (Frailty)',
    role: 'nurse',
    wards: 1,
  },
  {
    username: 'carer.oaks',
    password: 'vigil-demo-carer',
    displayName: 'Demo Carer (The Oaks)',
    role: 'care-home',
    wards: 'none',
  },
];

/** Issue 14: a demo care home whose unacknowledged falls go to the frailty virtual ward; `carer.oaks` works there. */
export const DEMO_CARE_HOME = 'The Oaks care home';

export interface DemoSeed {
  accounts: DemoAccount[];
  wardIds: string[];
  /** The admin the demo fleet signs in as. */
  admin: DemoAccount;
}

/**
 * Creates the demo wards and accounts when they are missing; a second start finds and keeps them
 * (an account whose password someone changed keeps the new one).
 */
export async function seedDemo(dataSource: DataSource): Promise<DemoSeed> {
  const patients = new PatientsRepository(dataSource);
  const users = new UsersRepository(dataSource);
  const existing = await patients.listWards();
  const wardIds: string[] = [];
  for (const name of DEMO_WARDS) {
    const ward = existing.find((w) => w.name === name) ?? (await patients.createWard(name));
    wardIds.push(ward.id);
  }
  for (const account of ACCOUNTS) {
    if (await users.findByUsername(account.username)) continue;
    await users.create({
      username: account.username,
      displayName: account.displayName,
      role: account.role,
      password: account.password,
      wardIds: account.wards === 'all' ? wardIds : account.wards === 'none' ? [] : [wardIds[account.wards]],
    });
  }
  const sql = new SqlDatabase(dataSource);
  const homes = new CareHomesRepository();
  const home =
    (await homes.list(sql, 'all')).find((h) => h.name === DEMO_CARE_HOME) ??
    (await homes.create(sql, { name: DEMO_CARE_HOME, escalationWardId: wardIds[1] }));
  const carer = await users.findByUsername('carer.oaks');
  if (carer) await homes.addStaff(sql, home.id, carer.id);
  const accounts = ACCOUNTS.map(({ username, password, displayName, role }) => ({
    username,
    password,
    displayName,
    role,
  }));
  return { accounts, wardIds, admin: accounts[0] };
}
