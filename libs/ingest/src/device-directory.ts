import type { DeviceKind, DeviceStatusValue } from '@vigil/storage';

/** What ingest needs to know of a device. */
export interface DirectoryDevice {
  id: string;
  kind: DeviceKind;
  status: DeviceStatusValue;
}

/** One time-bounded binding of a device to a patient: [validFrom, validTo). */
export interface DirectoryBinding {
  patientId: string;
  validFrom: Date;
  validTo: Date | null;
}

/** Where the directory reads from (`@vigil/storage`'s `RegistryChanges`). */
export interface DirectorySource {
  snapshot(deviceIds?: readonly string[]): Promise<{
    devices: DirectoryDevice[];
    bindings: (DirectoryBinding & { deviceId: string })[];
  }>;
}

/**
 * Devices and their bindings held in memory, so that ingest reads nothing from the database per message
 * (issue 11). Filled at start; a device's entry is dropped when the registry notifies a change to it
 * (`invalidate`, from PostgreSQL LISTEN/NOTIFY, heard by every ingest instance) and reloaded on next use;
 * everything is reloaded after the notification connection is (re)established, since changes may have
 * been missed meanwhile. Two safety nets (HZ-27): a device not held (provisioned a moment ago) is read from
 * the database, and so is a device with no binding covering a reading's time (bound a moment ago) before
 * ingest calls it unbound.
 */
export class DeviceDirectory {
  private devices = new Map<string, DirectoryDevice>();
  private bindings = new Map<string, DirectoryBinding[]>();
  /** Bumped by every invalidation: a load that started before it must not overwrite what it dropped. */
  private generation = 0;
  readonly stats = { hits: 0, loads: 0, invalidations: 0, reloads: 0 };

  constructor(private readonly source: DirectorySource) {}

  /** Loads every device and binding (at start, and after a lost notification connection). */
  async reloadAll(): Promise<void> {
    const generation = ++this.generation;
    const snapshot = await this.source.snapshot();
    if (generation !== this.generation) return; // something changed while loading: the next reload wins
    const devices = new Map<string, DirectoryDevice>();
    const bindings = new Map<string, DirectoryBinding[]>();
    for (const d of snapshot.devices) devices.set(d.id, { id: d.id, kind: d.kind, status: d.status });
    for (const b of snapshot.bindings) push(bindings, b);
    this.devices = devices;
    this.bindings = bindings;
    this.stats.reloads += 1;
  }

  /** The registry changed this device (or one of its bindings): forget it; the next use reads it afresh. */
  invalidate(deviceId: string): void {
    this.generation += 1;
    this.devices.delete(deviceId);
    this.bindings.delete(deviceId);
    this.stats.invalidations += 1;
  }

  /** Forget everything (the notification connection was lost); each device is read afresh on use. */
  invalidateAll(): void {
    this.generation += 1;
    this.devices.clear();
    this.bindings.clear();
  }

  async findDevice(deviceId: string): Promise<DirectoryDevice | null> {
    const held = this.devices.get(deviceId);
    if (held) {
      this.stats.hits += 1;
      return held;
    }
    return (await this.load(deviceId)).device;
  }

  /** The device's bindings overlapping [from, to], oldest first. */
  async bindingsBetween(deviceId: string, from: Date, to: Date): Promise<DirectoryBinding[]> {
    let list = this.devices.has(deviceId) ? this.bindings.get(deviceId) : undefined;
    list ??= (await this.load(deviceId)).bindings;
    let found = overlapping(list, from, to);
    if (!covers(found, from, to)) {
      // Not covered from memory: read again before calling a reading unbound (a binding made a moment ago).
      found = overlapping((await this.load(deviceId)).bindings, from, to);
    }
    return found;
  }

  /** Reads one device and its bindings; holds them unless an invalidation came in meanwhile. */
  private async load(
    deviceId: string,
  ): Promise<{ device: DirectoryDevice | null; bindings: DirectoryBinding[] }> {
    const generation = this.generation;
    const snapshot = await this.source.snapshot([deviceId]);
    this.stats.loads += 1;
    const found = snapshot.devices.find((d) => d.id === deviceId);
    const device = found ? { id: found.id, kind: found.kind, status: found.status } : null;
    const bindings = snapshot.bindings
      .filter((b) => b.deviceId === deviceId)
      .map((b) => ({ patientId: b.patientId, validFrom: b.validFrom, validTo: b.validTo }))
      .sort((x, y) => x.validFrom.getTime() - y.validFrom.getTime());
    if (generation === this.generation && device) {
      this.devices.set(deviceId, device);
      this.bindings.set(deviceId, bindings);
    }
    return { device, bindings };
  }

  /** Devices held (for metrics). */
  get size(): number {
    return this.devices.size;
  }
}

function push(map: Map<string, DirectoryBinding[]>, b: DirectoryBinding & { deviceId: string }): void {
  const list = map.get(b.deviceId) ?? [];
  list.push({ patientId: b.patientId, validFrom: b.validFrom, validTo: b.validTo });
  list.sort((x, y) => x.validFrom.getTime() - y.validFrom.getTime());
  map.set(b.deviceId, list);
}

function overlapping(list: readonly DirectoryBinding[], from: Date, to: Date): DirectoryBinding[] {
  return list.filter(
    (b) =>
      b.validFrom.getTime() <= to.getTime() && (b.validTo === null || b.validTo.getTime() > from.getTime()),
  );
}

/** Whether the bindings leave no gap in [from, to] (each reading in it then has a patient). */
function covers(list: readonly DirectoryBinding[], from: Date, to: Date): boolean {
  let t = from.getTime();
  for (const b of list) {
    if (b.validFrom.getTime() > t) return false;
    if (b.validTo === null) return true;
    t = Math.max(t, b.validTo.getTime());
    if (t > to.getTime()) return true;
  }
  return false;
}

/** The binding in force at `at`. */
export function bindingAt<B extends DirectoryBinding>(bindings: readonly B[], at: Date): B | null {
  const t = at.getTime();
  return (
    bindings.find((b) => b.validFrom.getTime() <= t && (b.validTo === null || b.validTo.getTime() > t)) ??
    null
  );
}
