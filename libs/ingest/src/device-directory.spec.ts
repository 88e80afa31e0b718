import { DeviceDirectory, type DirectorySource } from './device-directory';

type Snapshot = Awaited<ReturnType<DirectorySource['snapshot']>>;

/** A registry in memory that counts reads (a unit test of the directory alone). */
function registry(initial: Snapshot) {
  const state = { ...initial, reads: 0 };
  const source: DirectorySource = {
    async snapshot(ids) {
      state.reads += 1;
      const keep = (id: string) => !ids || ids.includes(id);
      return {
        devices: state.devices.filter((d) => keep(d.id)).map((d) => ({ ...d })),
        bindings: state.bindings.filter((b) => keep(b.deviceId)).map((b) => ({ ...b })),
      };
    },
  };
  return { state, source };
}

const t = (iso: string) => new Date(iso);

describe('DeviceDirectory (issue 11: no database read per message)', () => {
  it('answers every lookup of a loaded device from memory', async () => {
    const { state, source } = registry({
      devices: [{ id: 'ox-1', kind: 'pulse-oximeter', status: 'active' }],
      bindings: [{ deviceId: 'ox-1', patientId: 'p1', validFrom: t('2026-01-01T00:00:00Z'), validTo: null }],
    });
    const directory = new DeviceDirectory(source);
    await directory.reloadAll();
    for (let i = 0; i < 100; i += 1) {
      expect((await directory.findDevice('ox-1'))?.kind).toBe('pulse-oximeter');
      const [b] = await directory.bindingsBetween(
        'ox-1',
        t('2026-02-01T00:00:00Z'),
        t('2026-02-01T00:01:00Z'),
      );
      expect(b.patientId).toBe('p1');
    }
    expect(state.reads).toBe(1);
  });

  it('HZ-27 reads a device again after the registry notified a change to it (rebound, disabled)', async () => {
    const { state, source } = registry({
      devices: [{ id: 'ox-1', kind: 'pulse-oximeter', status: 'active' }],
      bindings: [{ deviceId: 'ox-1', patientId: 'p1', validFrom: t('2026-01-01T00:00:00Z'), validTo: null }],
    });
    const directory = new DeviceDirectory(source);
    await directory.reloadAll();
    state.bindings = [
      {
        deviceId: 'ox-1',
        patientId: 'p1',
        validFrom: t('2026-01-01T00:00:00Z'),
        validTo: t('2026-03-01T00:00:00Z'),
      },
      { deviceId: 'ox-1', patientId: 'p2', validFrom: t('2026-03-01T00:00:00Z'), validTo: null },
    ];
    state.devices = [{ id: 'ox-1', kind: 'pulse-oximeter', status: 'disabled' }];
    // Before the notification the directory still answers from memory: that window is HZ-27's residual.
    expect(
      (await directory.bindingsBetween('ox-1', t('2026-03-02T00:00:00Z'), t('2026-03-02T00:00:00Z')))[0]
        .patientId,
    ).toBe('p1');
    directory.invalidate('ox-1');
    expect((await directory.findDevice('ox-1'))?.status).toBe('disabled');
    const after = await directory.bindingsBetween(
      'ox-1',
      t('2026-03-02T00:00:00Z'),
      t('2026-03-02T00:00:00Z'),
    );
    expect(after.map((b) => b.patientId)).toEqual(['p2']);
    const before = await directory.bindingsBetween(
      'ox-1',
      t('2026-02-02T00:00:00Z'),
      t('2026-02-02T00:00:00Z'),
    );
    expect(before.map((b) => b.patientId)).toEqual(['p1']);
  });

  it('HZ-27 reads the registry before calling a reading unbound, and finds a device provisioned after the load', async () => {
    const { state, source } = registry({
      devices: [{ id: 'ox-1', kind: 'pulse-oximeter', status: 'active' }],
      bindings: [],
    });
    const directory = new DeviceDirectory(source);
    await directory.reloadAll();
    // Bound a moment ago, the notification not yet heard.
    state.bindings = [
      { deviceId: 'ox-1', patientId: 'p1', validFrom: t('2026-01-01T00:00:00Z'), validTo: null },
    ];
    const found = await directory.bindingsBetween(
      'ox-1',
      t('2026-02-01T00:00:00Z'),
      t('2026-02-01T00:00:00Z'),
    );
    expect(found.map((b) => b.patientId)).toEqual(['p1']);
    // Provisioned after the load.
    state.devices.push({ id: 'tm-9', kind: 'thermometer', status: 'active' });
    expect((await directory.findDevice('tm-9'))?.kind).toBe('thermometer');
    expect(await directory.findDevice('ghost')).toBeNull();
  });

  it('does not keep what it read while an invalidation came in (the newer change wins)', async () => {
    let release: () => void = () => undefined;
    const { state, source } = registry({
      devices: [{ id: 'ox-1', kind: 'pulse-oximeter', status: 'active' }],
      bindings: [],
    });
    const slow: DirectorySource = {
      async snapshot(ids) {
        const answer = await source.snapshot(ids);
        await new Promise<void>((resolve) => (release = resolve));
        return answer;
      },
    };
    const directory = new DeviceDirectory(slow);
    const pending = directory.findDevice('ox-1');
    await new Promise((r) => setImmediate(r));
    state.devices = [{ id: 'ox-1', kind: 'pulse-oximeter', status: 'disabled' }];
    directory.invalidate('ox-1');
    release();
    expect((await pending)?.status).toBe('active'); // the answer read before the change…
    const again = directory.findDevice('ox-1'); // …is not held: the next lookup reads again
    await new Promise((r) => setImmediate(r));
    release();
    expect((await again)?.status).toBe('disabled');
  });
});
