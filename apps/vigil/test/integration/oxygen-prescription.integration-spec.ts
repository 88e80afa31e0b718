/**
 * N1 end to end: a clinician's oxygen prescription, set through the REST API, decides air-or-oxygen
 * for the scorer on SpO2 scale 2 (MQTT reading → ingest → scorer → stored score).
 */
import mqtt from 'mqtt';
import { mqttTopics } from '@vigil/contracts';
import { PatientsRepository, UsersRepository } from '@vigil/storage';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { provisionDevice } from '../../src/provisioning/provision-device';
import { type RunningVigil, startVigil } from '../../src/start-vigil';

const PASSWORD = 'correct horse battery staple';

interface StoredScore {
  total: number;
  range_lowest: number | null;
  range_highest: number | null;
  oxygen_source: string | null;
  per_parameter: Record<string, number>;
}

jest.setTimeout(60_000);

describe('N1 oxygen prescription through REST decides scoring on SpO2 scale 2', () => {
  let db: TestDatabase;
  let vigil: RunningVigil;

  beforeAll(async () => {
    db = await createTestDatabase('vigil_oxygen');
    vigil = await startVigil({
      databaseUrl: db.url,
      httpPort: 0,
      mqtt: { kind: 'embedded', host: '127.0.0.1', port: 0 },
      consoleDir: null,
      demo: false,
      scorerTimerIntervalMs: 3_600_000,
      heartbeatIntervalMs: 0,
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await vigil?.stop();
    await db?.drop();
  });

  async function newestScore(patientId: string, after: Date): Promise<StoredScore> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const rows: StoredScore[] = await vigil.dataSource.query(
        `SELECT total, range_lowest, range_highest, oxygen_source, per_parameter FROM news2_scores
         WHERE patient_id = $1 AND scored_at >= $2 ORDER BY scored_at DESC LIMIT 1`,
        [patientId, after],
      );
      if (rows[0]) return rows[0];
      if (Date.now() > deadline) throw new Error('timed out waiting for a NEWS2 score');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('HZ-19 N1 unknown oxygen scores as a range whose total is the highest; after a clinician prescribes air it is one number', async () => {
    const patients = new PatientsRepository(vigil.dataSource);
    const ward = await patients.createWard('Respiratory');
    const patient = await patients.admit({
      nhsNumber: '9434765919',
      givenName: 'Cy',
      familyName: 'Copd',
      wardId: ward.id,
      spo2Scale: 2,
    });
    await new UsersRepository(vigil.dataSource).create({
      username: 'dr.oxygen',
      displayName: 'Dr Oxygen',
      role: 'clinician',
      wardIds: [ward.id],
      password: PASSWORD,
    });
    const device = await provisionDevice(vigil.dataSource, { kind: 'pulse-oximeter', bind: patient.id });

    const client = await mqtt.connectAsync(vigil.mqttUrl, {
      username: device.deviceId,
      password: device.secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const publish = async (seq: number, measuredAt: Date) =>
      client.publishAsync(
        mqttTopics.readings(device.deviceId),
        JSON.stringify({
          v: 1,
          deviceId: device.deviceId,
          seq,
          sentAt: new Date().toISOString(),
          measurements: [
            { type: 'spo2', value: 95, unit: '%', measuredAt: measuredAt.toISOString() },
            { type: 'heartRate', value: 80, unit: '/min', measuredAt: measuredAt.toISOString() },
          ],
        }),
        { qos: 1 },
      );
    try {
      // Scale 2, SpO2 95%: 0 on air; on oxygen 2 for SpO2 plus 2 for oxygen. Nobody has said which.
      const first = new Date();
      await publish(1, first);
      const unknown = await newestScore(patient.id, first);
      expect(unknown).toMatchObject({ oxygen_source: 'unknown', range_lowest: 0, range_highest: 4 });
      expect(Number(unknown.total)).toBe(4);

      const login = await fetch(`${vigil.httpUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'dr.oxygen', password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const put = await fetch(`${vigil.httpUrl}/api/patients/${patient.id}/oxygen-prescription`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Cookie: cookie, Origin: vigil.httpUrl },
        body: JSON.stringify({ onOxygen: false, reason: 'Off oxygen since yesterday; on air at rest' }),
      });
      expect(put.status).toBe(200);

      const second = new Date(Date.now() + 1_000);
      await publish(2, second);
      const prescribed = await newestScore(patient.id, second);
      expect(prescribed).toMatchObject({
        oxygen_source: 'prescription',
        range_lowest: null,
        range_highest: null,
      });
      expect(Number(prescribed.total)).toBe(0);
    } finally {
      await client.endAsync();
    }
  });
});
