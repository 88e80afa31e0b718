import { SYSTEMS, UK_CORE_PATIENT_PROFILE, VIGIL_SYSTEMS } from './fhir-codes';
import type { FhirDeviceInput, FhirPatientInput } from './fhir-export';
import type { Device, Patient } from './fhir-types';

export function toPatient(p: FhirPatientInput): Patient {
  const nhsNumber = p.nhsNumber.replace(/\s+/g, '');
  const dob: unknown = p.dateOfBirth;
  const birthDate =
    dob instanceof Date
      ? dob.toISOString().slice(0, 10)
      : typeof dob === 'string'
        ? dob.slice(0, 10)
        : undefined;
  return {
    resourceType: 'Patient',
    meta: { profile: [UK_CORE_PATIENT_PROFILE] },
    identifier: [{ system: SYSTEMS.nhsNumber, value: nhsNumber }],
    name: [{ use: 'official', family: p.familyName, given: [p.givenName] }],
    ...(birthDate ? { birthDate } : {}),
  };
}

const DEVICE_STATUS: Readonly<Record<FhirDeviceInput['status'], NonNullable<Device['status']>>> = {
  active: 'active',
  disabled: 'inactive',
  retired: 'inactive',
};

export function toDevice(d: FhirDeviceInput): Device {
  return {
    resourceType: 'Device',
    identifier: [{ system: VIGIL_SYSTEMS.deviceId, value: d.id }],
    status: DEVICE_STATUS[d.status],
    ...(d.serial ? { serialNumber: d.serial } : {}),
    deviceName: [{ name: `${d.kind} ${d.id}`, type: 'user-friendly-name' }],
    type: { text: d.kind },
    ...(d.firmware ? { version: [{ value: d.firmware }] } : {}),
  };
}
