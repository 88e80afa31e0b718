import type { DataSource } from 'typeorm';
import { DeadLettersRepository, DeviceRegistryRepository, SeenMessagesRepository } from '@vigil/storage';
import type { IngestStores } from './ingest.service';

/** Wires ingest's stores to the PostgreSQL repositories of `@vigil/storage`. */
export function createIngestStores(dataSource: DataSource): IngestStores {
  const registry = new DeviceRegistryRepository(dataSource);
  const seen = new SeenMessagesRepository(dataSource);
  const deadLetters = new DeadLettersRepository(dataSource);
  return {
    findDevice: (id) => registry.findDevice(id),
    bindingsBetween: (id, from, to) => registry.bindingsBetween(id, from, to),
    recordStatus: (id, status) => registry.recordStatus(id, status),
    seen: (id, seq) => seen.seen(id, seq),
    markSeen: (id, seq) => seen.markSeen(id, seq),
    insertDeadLetters: (records) => deadLetters.insertMany(records),
  };
}
