import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, VigilApiClient } from '../src/api/vigil-api.client';
import { chooseWards, fleetDevicesFromState, provisionDemo } from '../src/demo/provision';
import { readState, StateFileError, writeState, type SimulatorState } from '../src/demo/state-file';
import { buildRoster } from '../src/scenarios/roster';
import { FakeVigilApi } from './support/fake-vigil-api';

describe('demo provisioning through the REST API', () => {
  let api: FakeVigilApi;
  let baseUrl: string;
  let dir: string;
  beforeEach(async () => {
    api = new FakeVigilApi();
    baseUrl = await api.start();
    dir = await mkdtemp(join(tmpdir(), 'vigil-sim-'));
  });
  afterEach(async () => {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function signedIn(): Promise<VigilApiClient> {
    const client = new VigilApiClient(baseUrl);
    await client.login('admin', 'correct horse battery');
    return client;
  }

  async function provision(previous: SimulatorState | null, patients = 10, seed = 3) {
    const path = join(dir, 'state.json');
    const result = await provisionDemo({
      api: await signedIn(),
      apiUrl: baseUrl,
      patients,
      wards: 'auto',
      seed,
      previous,
      save: (s) => writeState(path, s),
    });
    return { ...result, path };
  }

  it('admits the roster over the wards, provisions and binds one device per kind needed, saves secrets 0600', async () => {
    const { state, path, admitted, provisioned } = await provision(null);
    const roster = buildRoster(10, 3);
    const expectedDevices = roster.reduce((n, p) => n + p.devices.length, 0);
    expect(admitted).toBe(10);
    expect(provisioned).toBe(expectedDevices);
    expect(api.patients).toHaveLength(10);
    expect(new Set(api.patients.map((p) => p.wardId)).size).toBe(2);
    const copd = api.patients.find(
      (p) => p.nhsNumber === roster.find((r) => r.profile.scenario === 'copd')!.nhsNumber,
    )!;
    expect(copd.spo2Scale).toBe(2);
    expect(api.devices).toHaveLength(expectedDevices);
    for (const device of api.devices) {
      const saved = state.devices.find((d) => d.id === device.id)!;
      expect(saved.secret).toBe(device.secret);
      expect(device.boundPatientId).toBe(saved.patientId);
    }
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readState(path)).toEqual(state);
    expect(fleetDevicesFromState(state)).toHaveLength(expectedDevices);
  });

  it('a clinician who may not see the COPD patient (another ward) does not stop the demo: everyone is provisioned and the skip is said', async () => {
    const outOfScope = {
      getPatient: async (id: string) => {
        throw new Error(`GET /api/patients/${id} → 404 not-found: patient not found`);
      },
    } as unknown as VigilApiClient;
    const lines: string[] = [];
    const result = await provisionDemo({
      api: await signedIn(),
      clinician: outOfScope,
      apiUrl: baseUrl,
      patients: 10,
      wards: 'auto',
      seed: 3,
      previous: null,
      save: async () => undefined,
      log: (line) => lines.push(line),
    });
    expect(result.state.patients).toHaveLength(10);
    expect(lines.join('\n')).toMatch(/oxygen prescription not recorded \(GET .* 404 not-found/);
  });

  it('the COPD patient (scale 2) gets an oxygen prescription recorded by the clinician, once; without a clinician it is skipped and said', async () => {
    const clinician = new VigilApiClient(baseUrl);
    await clinician.login('clinician', 'staple battery horse');
    const roster = buildRoster(10, 3);
    const copdMember = roster.find((r) => r.profile.scenario === 'copd')!;
    const run = async (withClinician: boolean, previous: SimulatorState | null) => {
      const lines: string[] = [];
      const result = await provisionDemo({
        api: await signedIn(),
        clinician: withClinician ? clinician : undefined,
        apiUrl: baseUrl,
        patients: 10,
        wards: 'auto',
        seed: 3,
        previous,
        save: async () => undefined,
        log: (line) => lines.push(line),
      });
      return { ...result, lines };
    };
    const without = await run(false, null);
    expect(api.oxygenPrescriptions.size).toBe(0);
    expect(without.lines.join('\n')).toMatch(/needs an oxygen prescription: no clinician sign-in given/);
    const first = await run(true, without.state);
    const copd = api.patients.find((p) => p.nhsNumber === copdMember.nhsNumber)!;
    expect(copd.spo2Scale).toBe(2);
    expect([...api.oxygenPrescriptions.keys()]).toEqual([copd.id]);
    expect(api.oxygenPrescriptions.get(copd.id)).toMatchObject({ onOxygen: false, setBy: 'clinician' });
    expect(api.oxygenPrescriptions.get(copd.id)!.reason).toMatch(/scale 2/);
    // A later start finds it recorded and does not record it again.
    await run(true, first.state);
    expect(api.count('PUT', `/api/patients/${copd.id}/oxygen-prescription`)).toBe(1);
    // The admin may not record it (R9), as the real api refuses.
    await expect(
      (await signedIn()).setOxygenPrescription(copd.id, copdMember.oxygenPrescription!),
    ).rejects.toMatchObject({
      status: 403,
    });
  });

  it('a second run with the state file reuses patients and devices without provisioning again', async () => {
    const first = await provision(null);
    const provisionsBefore = api.count('POST', '/api/devices');
    const second = await provision(first.state);
    expect(second.admitted).toBe(0);
    expect(second.provisioned).toBe(0);
    expect(second.reusedDevices).toBe(first.state.devices.length);
    expect(api.count('POST', '/api/devices')).toBe(provisionsBefore);
    expect(second.state.devices).toEqual(first.state.devices);
  });

  it('reuses a patient already admitted with the same NHS number, and recovers from a 409', async () => {
    const roster = buildRoster(4, 3);
    const listed = api.admit(roster[0].nhsNumber, api.wards[0].id);
    const hidden = api.admit(roster[1].nhsNumber, api.wards[1].id);
    api.hiddenFromList.add(hidden.nhsNumber);
    const { state, admitted, reusedPatients } = await provision(null, 4);
    expect(admitted).toBe(2);
    expect(reusedPatients).toBe(2);
    expect(api.patients).toHaveLength(4);
    expect(state.patients[0].patientId).toBe(listed.id);
    expect(state.patients[1].patientId).toBe(hidden.id);
    expect(api.devices.filter((d) => d.boundPatientId === hidden.id)).toHaveLength(roster[1].devices.length);
  });

  it('provisions afresh a device the platform no longer knows', async () => {
    const first = await provision(null, 2);
    api.devices.splice(0, 1);
    const second = await provision(first.state, 2);
    expect(second.provisioned).toBe(1);
    expect(second.reusedDevices).toBe(first.state.devices.length - 1);
  });

  it('signs in again once when the session has expired', async () => {
    const client = await signedIn();
    api.sessions.clear();
    await expect(client.listWards()).resolves.toHaveLength(2);
    expect(api.count('POST', '/api/auth/login')).toBe(2);
  });

  it('reports the API’s own error code and message', async () => {
    const client = new VigilApiClient(baseUrl);
    const error = (await client.login('admin', 'wrong').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid-credentials');
    expect(error.message).toContain('wrong user name or password');
  });

  it('refuses to run without wards, and spreads over the first n wards when asked', () => {
    expect(() => chooseWards([], 'auto')).toThrow(/no wards/);
    const wards = [
      { id: 'a', name: 'A' },
      { id: 'b', name: 'B' },
      { id: 'c', name: 'C' },
    ];
    expect(chooseWards(wards, 2).map((w) => w.id)).toEqual(['a', 'b']);
    expect(chooseWards(wards, 9)).toHaveLength(3);
  });
});

describe('state file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-sim-state-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is null when absent and a specific error when not state', async () => {
    await expect(readState(join(dir, 'missing.json'))).resolves.toBeNull();
    await writeFile(join(dir, 'bad.json'), '{"version":1}');
    await expect(readState(join(dir, 'bad.json'))).rejects.toThrow(StateFileError);
    await writeFile(join(dir, 'text.json'), 'not json');
    await expect(readState(join(dir, 'text.json'))).rejects.toThrow(/is not JSON/);
  });

  it('tightens an existing file to mode 0600 and creates missing folders', async () => {
    const path = join(dir, 'nested', 'state.json');
    const state: SimulatorState = { version: 1, apiUrl: 'http://x', seed: 1, patients: [], devices: [] };
    await writeState(path, state);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(readState(path)).resolves.toEqual(state);
  });
});
