import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import {
  openDatabase,
  PatientsRepository,
  RegistryError,
  SessionsRepository,
  UsersRepository,
} from '../../src/index';

describe('users and sessions on the real PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let users: UsersRepository;
  let sessions: SessionsRepository;
  let wardA: string;
  let wardB: string;
  const limits = { idleMs: 15 * 60_000, absoluteMs: 12 * 3_600_000 };

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 3 });
    users = new UsersRepository(ds);
    sessions = new SessionsRepository(ds);
    const patients = new PatientsRepository(ds);
    wardA = (await patients.createWard('A')).id;
    wardB = (await patients.createWard('B')).id;
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('creates a user with an argon2id hash and finds them by username', async () => {
    const created = await users.create({
      username: 'nurse.one',
      displayName: 'Nurse One',
      role: 'nurse',
      wardIds: [wardA],
      password: 'a long enough password',
    });
    expect(created).toMatchObject({
      username: 'nurse.one',
      role: 'nurse',
      wardIds: [wardA],
      disabled: false,
    });
    expect(await users.findByUsername('nurse.one')).toEqual(created);
    const [row] = await ds.query(`SELECT password_hash FROM users WHERE id = $1`, [created.id]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(await users.verifyPassword('nurse.one', 'a long enough password')).toEqual(created);
    expect(await users.verifyPassword('nurse.one', 'wrong')).toBeNull();
    expect(await users.verifyPassword('nobody', 'wrong')).toBeNull();
  });

  it('refuses a taken username and an unknown ward with specific errors', async () => {
    const input = { displayName: 'X', role: 'nurse' as const, password: 'a long enough password' };
    await users.create({ ...input, username: 'dup', wardIds: [] });
    await expect(users.create({ ...input, username: 'dup', wardIds: [] })).rejects.toMatchObject({
      code: 'conflict',
    });
    const bad = users.create({
      ...input,
      username: 'badward',
      wardIds: ['00000000-0000-4000-8000-000000000000'],
    });
    await expect(bad).rejects.toBeInstanceOf(RegistryError);
    expect(await users.findByUsername('badward')).toBeNull();
  });

  it('updates role and wards; a disabled account cannot sign in', async () => {
    const u = await users.create({
      username: 'mover',
      displayName: 'M',
      role: 'nurse',
      wardIds: [wardA],
      password: 'a long enough password',
    });
    const moved = await users.update(u.id, { wardIds: [wardB], role: 'clinician' });
    expect(moved).toMatchObject({ wardIds: [wardB], role: 'clinician' });
    await users.update(u.id, { disabled: true });
    expect(await users.verifyPassword('mover', 'a long enough password')).toBeNull();
    await expect(
      users.update('00000000-0000-4000-8000-000000000000', { displayName: 'x' }),
    ).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('a ward listed twice in an update counts once, as it does at creation (not a "username taken" conflict)', async () => {
    const u = await users.create({
      username: 'twice',
      displayName: 'T',
      role: 'nurse',
      wardIds: [wardA, wardA],
      password: 'a long enough password',
    });
    expect(u.wardIds).toEqual([wardA]);
    const updated = await users.update(u.id, { wardIds: [wardB, wardB] });
    expect(updated.wardIds).toEqual([wardB]);
  });

  it('sessions: stored hashed, idle expiry slides up to the absolute expiry, revocation ends them', async () => {
    const u = await users.create({
      username: 'sess',
      displayName: 'S',
      role: 'admin',
      wardIds: [],
      password: 'a long enough password',
    });
    const t0 = new Date('2030-01-01T08:00:00Z');
    const id = await sessions.create(u.id, 'token-1', t0, limits);
    const [row] = await ds.query(`SELECT token_hash FROM sessions WHERE id = $1`, [id]);
    expect(row.token_hash).not.toContain('token-1');

    const t1 = new Date(t0.getTime() + 10 * 60_000);
    const s1 = await sessions.touch('token-1', t1, limits);
    expect(s1).toMatchObject({ sessionId: id, userId: u.id, role: 'admin' });
    expect(s1!.idleExpiresAt.toISOString()).toBe(new Date(t1.getTime() + limits.idleMs).toISOString());
    // Idle for longer than the idle window: gone.
    expect(await sessions.touch('token-1', new Date(t1.getTime() + limits.idleMs + 1), limits)).toBeNull();

    const id2 = await sessions.create(u.id, 'token-2', t0, limits);
    let t = t0.getTime();
    while (t + 10 * 60_000 < t0.getTime() + limits.absoluteMs) {
      t += 10 * 60_000;
      expect(await sessions.touch('token-2', new Date(t), limits)).not.toBeNull();
    }
    // Never past the absolute expiry, however active.
    expect(await sessions.touch('token-2', new Date(t0.getTime() + limits.absoluteMs), limits)).toBeNull();
    expect(await sessions.stillActive([id, id2], new Date(t1.getTime() + limits.idleMs + 1))).toEqual(
      new Set([id2]),
    );

    await sessions.create(u.id, 'token-3', t0, limits);
    expect(await sessions.revokeToken('token-3', t0)).toBe(true);
    expect(await sessions.touch('token-3', t0, limits)).toBeNull();
    await sessions.create(u.id, 'token-4', t0, limits);
    expect(await sessions.revokeAllForUser(u.id, t0)).toBeGreaterThanOrEqual(1);
    expect(await sessions.touch('token-4', t0, limits)).toBeNull();
  });
});
