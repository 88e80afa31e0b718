import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { parseEnv } from '@vigil/config';
import { DEAD_LETTER_RAW_PREFIX_BYTES } from '@vigil/contracts';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import {
  BROKER_SERVICE_ACCOUNTS,
  DeadLettersRepository,
  DeviceRegistryRepository,
  InvalidCursorError,
  MIGRATIONS,
  openDatabase,
  PatientsRepository,
  RegistryError,
} from '../../src/index';

describe('device registry on the real PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let registry: DeviceRegistryRepository;
  let patients: PatientsRepository;
  let wardId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 4 });
    registry = new DeviceRegistryRepository(ds);
    patients = new PatientsRepository(ds);
    wardId = (await patients.createWard('Respiratory virtual ward')).id;
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('runs migrations idempotently on a second start', async () => {
    const again = await openDatabase({ url: db.url, poolSize: 1 });
    const rows: { name: string }[] = await again.query(`SELECT name FROM schema_migrations`);
    // Every migration applied exactly once, in order, after two starts.
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(rows[0].name).toBe('CreateRegistry1764050000000');
    await again.destroy();
  });

  it('admits only patients with a valid NHS number, once while admitted', async () => {
    await expect(
      patients.admit({ nhsNumber: '943 476 5918', givenName: 'A', familyName: 'B', wardId }),
    ).rejects.toThrow(/NHS number/);
    const p = await patients.admit({
      nhsNumber: '943 476 5919',
      givenName: 'Ada',
      familyName: 'Lovelace',
      wardId,
    });
    expect(p.nhsNumber).toBe('9434765919');
    expect(p.spo2Scale).toBe(1);
    await expect(
      patients.admit({ nhsNumber: '9434765919', givenName: 'Ada', familyName: 'Lovelace', wardId }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('provisions a device whose secret is returned once and stored only as an argon2 hash', async () => {
    const { device, secret } = await registry.provision({ kind: 'pulse-oximeter', serial: 'SN-1' });
    expect(device.id).toMatch(/^ox-[0-9a-f]{12}$/);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const [row] = await ds.query(`SELECT credential_hash FROM devices WHERE id = $1`, [device.id]);
    expect(row.credential_hash).toMatch(/^\$argon2id\$/);
    expect(row.credential_hash).not.toContain(secret);
    expect(await registry.verifySecret(device.id, secret)).toBe(true);
    expect(await registry.verifySecret(device.id, `${secret}x`)).toBe(false);
    expect(await registry.verifySecret('no-such-device', secret)).toBe(false);
    await registry.setStatus(device.id, 'disabled');
    expect(await registry.verifySecret(device.id, secret)).toBe(false);
    await expect(registry.provision({ kind: 'pulse-oximeter', id: device.id })).rejects.toBeInstanceOf(
      RegistryError,
    );
  });

  it("HZ-11 HZ-60 refuses to provision a device under a broker service account's username (the shipped ACL's users, MQTT_USERNAME's default, the embedded broker's, a configured one) and creates nothing", async () => {
    const acl = readFileSync(path.join(__dirname, '../../../../infra/mosquitto/acl'), 'utf8');
    const aclUsers = [...acl.matchAll(/^user\s+(\S+)/gm)].map((m) => m[1]);
    expect(aclUsers).toContain('vigil-ingest');
    const names = [...new Set([...aclUsers, parseEnv({}).MQTT_USERNAME, ...BROKER_SERVICE_ACCOUNTS])];
    const configured = new DeviceRegistryRepository(ds, undefined, { serviceAccounts: ['ingest-prod'] });
    const [{ n: before }] = await ds.query(`SELECT count(*)::int AS n FROM devices`);
    for (const id of [...names, 'VIGIL-INGEST']) {
      await expect(registry.provision({ kind: 'pulse-oximeter', id })).rejects.toMatchObject({
        name: 'RegistryError',
        code: 'conflict',
        message: expect.stringMatching(
          new RegExp(
            `^device id "${id}" is the MQTT username of a Vigil service account on the broker.*choose another id$`,
          ),
        ),
      });
    }
    await expect(configured.provision({ kind: 'hub', id: 'ingest-prod' })).rejects.toMatchObject({
      code: 'conflict',
    });
    const [{ n: after }] = await ds.query(`SELECT count(*)::int AS n FROM devices`);
    expect(after).toBe(before);
    // Only the exact names are taken: a device id that merely starts like one is a device id.
    const { device } = await registry.provision({ kind: 'pulse-oximeter', id: 'vigil-ingest-ox-1' });
    expect(device.id).toBe('vigil-ingest-ox-1');
  });

  it('HZ-05 attributes a reading by its measuredAt and refuses overlapping bindings', async () => {
    const first = await patients.admit({ nhsNumber: '9434765870', givenName: 'C', familyName: 'D', wardId });
    const second = await patients.admit({ nhsNumber: '4010232137', givenName: 'E', familyName: 'F', wardId });
    const { device } = await registry.provision({ kind: 'blood-pressure', id: 'bp-shared' });
    const t0 = new Date('2026-11-01T08:00:00Z');
    const t1 = new Date('2026-11-02T08:00:00Z');
    await registry.bind({ deviceId: device.id, patientId: first.id, from: t0 });
    await expect(
      registry.bind({ deviceId: device.id, patientId: second.id, from: new Date('2026-11-01T12:00:00Z') }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await registry.unbind({ deviceId: device.id, at: t1 });
    await registry.bind({ deviceId: device.id, patientId: second.id, from: t1 });

    expect(await registry.patientAt(device.id, new Date('2026-10-31T08:00:00Z'))).toBeNull();
    expect(await registry.patientAt(device.id, t0)).toBe(first.id);
    expect(await registry.patientAt(device.id, new Date(t1.getTime() - 1))).toBe(first.id);
    expect(await registry.patientAt(device.id, t1)).toBe(second.id);
    const between = await registry.bindingsBetween(device.id, t0, new Date('2026-11-03T00:00:00Z'));
    expect(between.map((b) => b.patientId)).toEqual([first.id, second.id]);
  });

  it("discharge ends the patient's bindings in the same transaction", async () => {
    const p = await patients.admit({ nhsNumber: '9990000018', givenName: 'G', familyName: 'H', wardId });
    await registry.provision({ kind: 'thermometer', id: 'tm-discharge' });
    await registry.bind({ deviceId: 'tm-discharge', patientId: p.id, from: new Date(Date.now() - 60_000) });
    await patients.discharge(p.id);
    expect(await registry.patientAt('tm-discharge', new Date(Date.now() + 1000))).toBeNull();
    await expect(patients.discharge(p.id)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('records heartbeats without losing values the heartbeat omits', async () => {
    await registry.provision({ kind: 'falls-sensor', id: 'fs-status' });
    await registry.recordStatus('fs-status', {
      seenAt: new Date('2026-11-25T10:00:00Z'),
      battery: 80,
      firmware: '1.2',
    });
    await registry.recordStatus('fs-status', { seenAt: new Date('2026-11-25T09:00:00Z'), battery: 79 });
    const d = await registry.findDevice('fs-status');
    expect(d?.battery).toBe(79);
    expect(d?.firmware).toBe('1.2');
    expect(d?.lastSeenAt?.toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });

  it('stores dead letters with their raw bytes and reason', async () => {
    const dl = new DeadLettersRepository(ds);
    const raw = Buffer.from([0, 1, 2, 255]);
    const ids = await dl.insertMany([
      {
        receivedAt: new Date(),
        topic: 't',
        deviceId: null,
        reason: 'malformed-json',
        detail: 'x',
        measurementIndex: null,
        raw,
      },
      {
        receivedAt: new Date(),
        topic: 't',
        deviceId: 'd1',
        reason: 'implausible-value',
        detail: 'y',
        measurementIndex: 2,
        raw,
      },
    ]);
    expect(ids).toHaveLength(2);
    const listed = (await dl.list({ deviceId: 'd1' })).items;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ reason: 'implausible-value', measurementIndex: 2 });
    expect(Buffer.compare(listed[0].raw, raw)).toBe(0);
    expect(await dl.count()).toBe(2);
  });

  it('D1: a dead letter keeps a bounded prefix of a big payload, with its whole size and SHA-256', async () => {
    const dl = new DeadLettersRepository(ds);
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    const [id] = await dl.insertMany([
      {
        receivedAt: new Date(),
        topic: 'vigil/v1/devices/big/readings',
        deviceId: 'big',
        reason: 'oversize-payload',
        detail: 'too big',
        measurementIndex: null,
        raw: big,
      },
    ]);
    const [row] = (await dl.list({ deviceId: 'big' })).items;
    expect(row.id).toBe(id);
    expect(row.raw.length).toBe(DEAD_LETTER_RAW_PREFIX_BYTES);
    expect(Buffer.compare(row.raw, big.subarray(0, DEAD_LETTER_RAW_PREFIX_BYTES))).toBe(0);
    expect(row.rawSize).toBe(big.length);
    expect(Buffer.from(row.rawSha256!).toString('hex')).toBe(createHash('sha256').update(big).digest('hex'));
    const [{ n }] = await ds.query(`SELECT octet_length(raw)::int AS n FROM dead_letters WHERE id = $1`, [
      id,
    ]);
    expect(n).toBe(DEAD_LETTER_RAW_PREFIX_BYTES);
  });

  it('pages dead letters by cursor, newest first, each row exactly once', async () => {
    const dl = new DeadLettersRepository(ds);
    const base = Date.parse('2026-01-01T00:00:00Z');
    // Two rows share a received_at: the id breaks the tie.
    const times = [0, 1000, 1000, 2000, 3000, 4000, 5000];
    await dl.insertMany(
      times.map((t, i) => ({
        receivedAt: new Date(base + t),
        topic: 't',
        deviceId: 'pager',
        reason: 'malformed-json' as const,
        detail: `row ${i}`,
        measurementIndex: null,
        raw: Buffer.from(`${i}`),
      })),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await dl.list({ deviceId: 'pager', limit: 3, cursor });
      seen.push(...page.items.map((r) => r.detail));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(times.length);
    expect(new Set(seen).size).toBe(times.length);
    expect(seen[0]).toBe('row 6');
    expect(seen[seen.length - 1]).toBe('row 0');
    await expect(dl.list({ cursor: 'not-a-cursor' })).rejects.toThrow(InvalidCursorError);
  });
});
