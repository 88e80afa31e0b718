export { createDataSource, openDatabase, MIGRATIONS, type DatabaseOptions } from './database/data-source';
export { WardEntity } from './registry/ward.entity';
export { PatientEntity, type PersonalThreshold, type MonitoringSchedule } from './registry/patient.entity';
export {
  DeviceEntity,
  DEVICE_KINDS,
  type DeviceKind,
  type DeviceStatusValue,
} from './registry/device.entity';
export { DeviceBindingEntity } from './registry/device-binding.entity';
export {
  DeviceRegistryRepository,
  RegistryError,
  bindingAt,
  type ProvisionedDevice,
} from './registry/device-registry.repository';
export { PatientsRepository, type AdmitPatientInput } from './registry/patients.repository';
export { SeenMessagesRepository } from './registry/seen-messages.repository';
export { DeadLetterEntity } from './dead-letters/dead-letter.entity';
export {
  DeadLettersRepository,
  type NewDeadLetter,
  type StoredDeadLetter,
} from './dead-letters/dead-letters.repository';
