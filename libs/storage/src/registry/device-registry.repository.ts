import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { type DataSource, IsNull, type Repository } from 'typeorm';
import { DeviceBindingEntity } from './device-binding.entity';
import { DEVICE_KINDS, DeviceEntity, type DeviceKind } from './device.entity';

export class RegistryError extends Error {
  constructor(
    readonly code: 'not-found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface ProvisionedDevice {
  device: DeviceEntity;
  /** The device secret: returned once, at provisioning, and never again. */
  secret: string;
}

const KIND_PREFIX: Record<DeviceKind, string> = {
  'blood-pressure': 'bp',
  'pulse-oximeter': 'ox',
  thermometer: 'tm',
  'falls-sensor': 'fs',
  hub: 'hub',
};

/** Ingest's account on an external broker: `MQTT_USERNAME`'s default and the `user` of infra/mosquitto/acl. */
const INGEST_BROKER_ACCOUNT = 'vigil-ingest';
/** The embedded broker's service account (`IngestRunner`; nothing outside the process signs in with it). */
export const EMBEDDED_BROKER_SERVICE_ACCOUNT = 'vigil-service';

/**
 * The MQTT usernames Vigil's own services sign in to the broker with. A device signs in with its id as its
 * username, so a device provisioned under one of these would be that service to the broker: with Mosquitto, the
 * `mosquitto_passwd` line printed for it would replace the service's password and give the "device" the service's
 * ACL (read every device's readings, publish every device's commands: HZ-11, HZ-60); with the embedded broker it
 * could never sign in. A deployment that names ingest's account otherwise passes its `MQTT_USERNAME` as
 * {@link DeviceRegistryOptions.serviceAccounts}.
 */
export const BROKER_SERVICE_ACCOUNTS: readonly string[] = [
  INGEST_BROKER_ACCOUNT,
  EMBEDDED_BROKER_SERVICE_ACCOUNT,
];

export interface DeviceRegistryOptions {
  /** Broker usernames of service accounts besides {@link BROKER_SERVICE_ACCOUNTS} (the configured `MQTT_USERNAME`). */
  serviceAccounts?: readonly string[];
}

/** Checks a secret against an argon2 hash (injectable so a test can see what work a sign-in does). */
export type SecretVerifier = (hashed: string, secret: string) => Promise<boolean>;

/**
 * A hash of a random secret nobody knows, made with the same parameters as device hashes: an unknown or
 * disabled device id is verified against it, so every sign-in does the same work (issue 12, D6) and the
 * answer's timing does not tell which ids exist.
 */
let dummyHash: Promise<string> | null = null;
function unknownDeviceHash(): Promise<string> {
  dummyHash ??= hash(randomBytes(24).toString('base64url'));
  return dummyHash;
}

/** Devices, their credentials and their time-bounded bindings to patients. */
export class DeviceRegistryRepository {
  private readonly devices: Repository<DeviceEntity>;
  private readonly bindings: Repository<DeviceBindingEntity>;
  /** Lower-cased: a look-alike of a service account (`Vigil-Ingest`) is refused too. */
  private readonly serviceAccounts: ReadonlySet<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly verifySecretHash: SecretVerifier = verify,
    options: DeviceRegistryOptions = {},
  ) {
    this.serviceAccounts = new Set(
      [...BROKER_SERVICE_ACCOUNTS, ...(options.serviceAccounts ?? [])].map((name) => name.toLowerCase()),
    );
    void unknownDeviceHash();
    this.devices = dataSource.getRepository(DeviceEntity);
    this.bindings = dataSource.getRepository(DeviceBindingEntity);
  }

  /** Creates a device with a fresh random secret (stored as an argon2id hash). */
  async provision(input: { kind: DeviceKind; id?: string; serial?: string }): Promise<ProvisionedDevice> {
    if (!DEVICE_KINDS.includes(input.kind)) {
      throw new RegistryError(
        'invalid',
        `unknown device kind "${input.kind}"; one of ${DEVICE_KINDS.join(', ')}`,
      );
    }
    const id = input.id ?? `${KIND_PREFIX[input.kind]}-${randomBytes(6).toString('hex')}`;
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
      throw new RegistryError('invalid', 'device id must be 1–64 of A–Z a–z 0–9 . _ -');
    }
    if (this.serviceAccounts.has(id.toLowerCase())) {
      throw new RegistryError(
        'conflict',
        `device id "${id}" is the MQTT username of a Vigil service account on the broker; a device signs in with its id, so it would take over that account (and its access to every device's topics): choose another id`,
      );
    }
    if (await this.devices.existsBy({ id }))
      throw new RegistryError('conflict', `device ${id} already exists`);
    const secret = randomBytes(24).toString('base64url');
    const credentialHash = await hash(secret);
    await this.devices.insert({
      id,
      kind: input.kind,
      serial: input.serial ?? null,
      credentialHash,
      status: 'active',
    });
    return { device: await this.devices.findOneByOrFail({ id }), secret };
  }

  /** True only for an active device whose secret matches. Constant-time comparison inside argon2. */
  async verifySecret(deviceId: string, secret: string): Promise<boolean> {
    const row = await this.devices
      .createQueryBuilder('d')
      .addSelect('d.credentialHash')
      .where('d.id = :deviceId', { deviceId })
      .getOne();
    const usable = row !== null && row.status === 'active';
    const against = usable ? row.credentialHash : await unknownDeviceHash();
    try {
      const ok = await this.verifySecretHash(against, secret);
      return usable && ok;
    } catch {
      return false;
    }
  }

  /** Issues a new secret; the old one stops working at once. */
  async rotateSecret(deviceId: string): Promise<string> {
    const secret = randomBytes(24).toString('base64url');
    const result = await this.devices.update({ id: deviceId }, { credentialHash: await hash(secret) });
    if (!result.affected) throw new RegistryError('not-found', `device ${deviceId} not found`);
    return secret;
  }

  async setStatus(deviceId: string, status: DeviceEntity['status']): Promise<void> {
    const result = await this.devices.update({ id: deviceId }, { status });
    if (!result.affected) throw new RegistryError('not-found', `device ${deviceId} not found`);
  }

  findDevice(deviceId: string): Promise<DeviceEntity | null> {
    return this.devices.findOneBy({ id: deviceId });
  }

  listDevices(): Promise<DeviceEntity[]> {
    return this.devices.find({ order: { id: 'ASC' } });
  }

  /** Binds a device to a patient from `from` (default now). The database refuses overlapping bindings. */
  async bind(input: {
    deviceId: string;
    patientId: string;
    from?: Date;
    by?: string;
  }): Promise<DeviceBindingEntity> {
    const from = input.from ?? new Date();
    try {
      const inserted = await this.bindings.insert({
        deviceId: input.deviceId,
        patientId: input.patientId,
        validFrom: from,
        validTo: null,
        boundBy: input.by ?? null,
      });
      return await this.bindings.findOneByOrFail({ id: inserted.identifiers[0].id as string });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '23P01') {
        throw new RegistryError(
          'conflict',
          `device ${input.deviceId} is already bound at ${from.toISOString()}`,
        );
      }
      if (code === '23503') throw new RegistryError('not-found', 'unknown device or patient');
      throw error;
    }
  }

  /** Ends the device's open binding at `at` (default now). */
  async unbind(input: { deviceId: string; at?: Date; by?: string }): Promise<DeviceBindingEntity> {
    const open = await this.bindings.findOneBy({ deviceId: input.deviceId, validTo: IsNull() });
    if (!open) throw new RegistryError('not-found', `device ${input.deviceId} is not bound`);
    const at = input.at ?? new Date();
    if (at <= open.validFrom)
      throw new RegistryError('invalid', 'unbind time must be after the binding started');
    await this.bindings.update({ id: open.id }, { validTo: at, unboundBy: input.by ?? null });
    return this.bindings.findOneByOrFail({ id: open.id });
  }

  /**
   * The bindings of a device that overlap [from, to]: enough to attribute every measurement of one
   * message by its own `measuredAt` with a single query.
   */
  bindingsBetween(deviceId: string, from: Date, to: Date): Promise<DeviceBindingEntity[]> {
    return this.bindings
      .createQueryBuilder('b')
      .where('b.deviceId = :deviceId', { deviceId })
      .andWhere('b.validFrom <= :to', { to })
      .andWhere('(b.validTo IS NULL OR b.validTo > :from)', { from })
      .orderBy('b.validFrom', 'ASC')
      .getMany();
  }

  /** The patient a device was bound to at `at`, or null. */
  async patientAt(deviceId: string, at: Date): Promise<string | null> {
    const [binding] = await this.bindingsBetween(deviceId, at, at);
    return binding ? binding.patientId : null;
  }

  bindingsOfPatient(patientId: string): Promise<DeviceBindingEntity[]> {
    return this.bindings.find({ where: { patientId }, order: { validFrom: 'DESC' } });
  }

  /** Heartbeat: last seen, battery, signal, firmware. Values absent from the heartbeat are kept. */
  async recordStatus(
    deviceId: string,
    status: { seenAt: Date; battery?: number; signalDbm?: number; firmware?: string },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE devices SET
         last_seen_at = GREATEST(COALESCE(last_seen_at, $2), $2),
         battery = COALESCE($3, battery),
         signal_dbm = COALESCE($4, signal_dbm),
         firmware = COALESCE($5, firmware)
       WHERE id = $1`,
      [deviceId, status.seenAt, status.battery ?? null, status.signalDbm ?? null, status.firmware ?? null],
    );
  }
}
