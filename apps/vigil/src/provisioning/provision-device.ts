import type { DataSource } from 'typeorm';
import { isValidNhsNumber, normaliseNhsNumber } from '@vigil/clinical';
import {
  DEVICE_KINDS,
  type DeviceKind,
  type DeviceRegistryOptions,
  DeviceRegistryRepository,
  PatientsRepository,
  RegistryError,
} from '@vigil/storage';

export interface ProvisionDeviceInput {
  kind: string;
  id?: string;
  serial?: string;
  /** A patient id, or the NHS number of an admitted patient. */
  bind?: string;
}

export interface ProvisionDeviceResult {
  deviceId: string;
  kind: DeviceKind;
  /** Shown once; only its hash is stored. */
  secret: string;
  /** The patient the device was bound to, from now. */
  patientId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What `vigil provision-device` does: checks the patient first (so a typo provisions nothing), then
 * provisions the device and binds it from now. `registryOptions.serviceAccounts`: the broker's service usernames besides
 * Vigil's defaults (the configured `MQTT_USERNAME`), which no device may take.
 */
export async function provisionDevice(
  dataSource: DataSource,
  input: ProvisionDeviceInput,
  registryOptions: DeviceRegistryOptions = {},
): Promise<ProvisionDeviceResult> {
  if (!(DEVICE_KINDS as readonly string[]).includes(input.kind)) {
    throw new RegistryError(
      'invalid',
      `unknown device kind "${input.kind}"; one of ${DEVICE_KINDS.join(', ')}`,
    );
  }
  const kind = input.kind as DeviceKind;
  const patients = new PatientsRepository(dataSource);
  let patientId: string | null = null;
  if (input.bind !== undefined) {
    const target = input.bind.trim();
    if (UUID.test(target)) {
      const patient = await patients.findPatient(target);
      if (!patient || patient.dischargedAt)
        throw new RegistryError('not-found', `no admitted patient with id ${target}`);
      patientId = patient.id;
    } else if (isValidNhsNumber(target)) {
      const nhsNumber = normaliseNhsNumber(target);
      const patient = (await patients.listAdmitted()).find((p) => p.nhsNumber === nhsNumber);
      if (!patient) throw new RegistryError('not-found', 'no admitted patient with this NHS number');
      patientId = patient.id;
    } else {
      throw new RegistryError('invalid', '--bind takes a patient id (uuid) or a valid 10-digit NHS number');
    }
  }
  const registry = new DeviceRegistryRepository(dataSource, undefined, registryOptions);
  const { device, secret } = await registry.provision({ kind, id: input.id, serial: input.serial });
  if (patientId) await registry.bind({ deviceId: device.id, patientId, by: 'vigil-cli' });
  return { deviceId: device.id, kind, secret, patientId };
}
