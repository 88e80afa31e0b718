import { createHash } from 'node:crypto';
import { VIGIL_SYSTEMS } from './fhir-codes';
import type { BundleEntry, Device, ExportedResource, Observation, Reference } from './fhir-types';

/** Input the export refuses rather than exporting something wrong. */
export class FhirExportError extends Error {
  constructor(
    readonly code: 'patient-mismatch' | 'invalid-observation' | 'invalid-date',
    message: string,
  ) {
    super(message);
    this.name = 'FhirExportError';
  }
}

/** Fixed namespace for the name-based (v5) UUIDs of exported resources. */
const EXPORT_NAMESPACE = Buffer.from('6f1c2a8e4b7d4e0a9c3f5b2d8e1a7c40', 'hex');
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A name-based UUID (RFC 4122 v5), so exporting the same data twice gives the same fullUrls and a
 * consumer can match resources across exports.
 */
function uuidFor(name: string): string {
  const h = createHash('sha1').update(EXPORT_NAMESPACE).update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const ENTRY_ORDER: readonly ExportedResource['resourceType'][] = [
  'Patient',
  'Organization',
  'Device',
  'Observation',
  'Flag',
  'Task',
  'Communication',
];

export class EntryBook {
  private readonly byType = new Map<string, BundleEntry[]>();
  private readonly devices = new Map<string, string>();
  private readonly observationUrls = new Map<string, string>();
  private cccUrl: string | null = null;

  constructor(private readonly patientId: string) {}

  /** Adds a resource under a stable key (the Patient keeps its own id) and returns its fullUrl. */
  add<R extends ExportedResource>(type: R['resourceType'], resource: R, key?: string): string {
    const id =
      type === 'Patient' && UUID_PATTERN.test(this.patientId)
        ? this.patientId.toLowerCase()
        : uuidFor(`${this.patientId}|${type}|${key ?? ''}`);
    const fullUrl = `urn:uuid:${id}`;
    const list = this.byType.get(type) ?? [];
    // `id` second, as FHIR JSON is conventionally written; callers never set an id of their own.
    const { resourceType, ...rest } = resource;
    list.push({ fullUrl, resource: { resourceType, id, ...rest } as R });
    this.byType.set(type, list);
    return fullUrl;
  }

  addDevice(deviceId: string, device: Device): string {
    const existing = this.devices.get(deviceId);
    if (existing) return existing;
    const url = this.add('Device', device, `device|${deviceId}`);
    this.devices.set(deviceId, url);
    return url;
  }

  /** The Device entry of `deviceId`; a device not passed in gets a minimal entry so the reference resolves. */
  deviceRef(deviceId: string): Reference {
    const url =
      this.devices.get(deviceId) ??
      this.addDevice(deviceId, {
        resourceType: 'Device',
        identifier: [{ system: VIGIL_SYSTEMS.deviceId, value: deviceId }],
        status: 'unknown',
      });
    return { reference: url, type: 'Device' };
  }

  addObservation(resource: Observation, sourceIds: readonly string[]): string {
    const url = this.add('Observation', resource, `obs|${sourceIds.join('|')}`);
    for (const id of sourceIds) this.observationUrls.set(id, url);
    return url;
  }

  observationUrl(observationId: string): string | undefined {
    return this.observationUrls.get(observationId);
  }

  coordinationCentre(name: string): string {
    this.cccUrl ??= this.add('Organization', { resourceType: 'Organization', active: true, name }, 'ccc');
    return this.cccUrl;
  }

  entries(): BundleEntry[] {
    return ENTRY_ORDER.flatMap((t) => this.byType.get(t) ?? []);
  }
}

export function iso(value: Date | string, what: string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new FhirExportError('invalid-date', `Invalid ${what}`);
  return d.toISOString();
}

export function userRef(userId: string): Reference {
  return { identifier: { system: VIGIL_SYSTEMS.userId, value: userId }, display: `Vigil user ${userId}` };
}
