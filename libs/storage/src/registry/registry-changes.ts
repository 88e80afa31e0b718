import { Client } from 'pg';
import type { SqlClient } from '../timeseries/sql-client';
import type { DeviceKind, DeviceStatusValue } from './device.entity';

export interface RegistryDeviceRow {
  id: string;
  kind: DeviceKind;
  status: DeviceStatusValue;
}

export interface RegistryBindingRow {
  deviceId: string;
  patientId: string;
  validFrom: Date;
  validTo: Date | null;
}

/** Devices and their bindings, all or for some device ids. */
export interface RegistrySnapshot {
  devices: RegistryDeviceRow[];
  bindings: RegistryBindingRow[];
}

export interface RegistryChangeHandlers {
  /** A device or one of its bindings changed (a `vigil_registry` notification). */
  onChange(deviceId: string): void;
  /** Listening (again) after a start or a lost connection: notifications may have been missed, reload all. */
  onListening(): void;
  /** The listening connection failed; it reconnects by itself. */
  onError(error: Error): void;
}

/**
 * What ingest's in-memory device directory reads (issue 11): a snapshot of devices and bindings (plain SQL),
 * and the `vigil_registry` notifications the registry triggers send on every change (PostgreSQL
 * LISTEN/NOTIFY on a connection of its own, so every ingest instance hears every change).
 */
export class RegistryChanges {
  private client: Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly sql: SqlClient,
  ) {}

  async snapshot(deviceIds?: readonly string[]): Promise<RegistrySnapshot> {
    const only = deviceIds ? [...deviceIds] : null;
    const devices = await this.sql.query<RegistryDeviceRow>(
      `SELECT id, kind, status FROM devices WHERE $1::text[] IS NULL OR id = ANY($1::text[])`,
      [only],
    );
    const bindings = await this.sql.query<{
      device_id: string;
      patient_id: string;
      valid_from: Date;
      valid_to: Date | null;
    }>(
      `SELECT device_id, patient_id, valid_from, valid_to FROM device_bindings
       WHERE $1::text[] IS NULL OR device_id = ANY($1::text[]) ORDER BY device_id, valid_from`,
      [only],
    );
    return {
      devices,
      bindings: bindings.map((b) => ({
        deviceId: b.device_id,
        patientId: b.patient_id,
        validFrom: new Date(b.valid_from),
        validTo: b.valid_to === null ? null : new Date(b.valid_to),
      })),
    };
  }

  /** Starts listening; resolves once the first LISTEN is in place (then `onListening` has been called). */
  async listen(handlers: RegistryChangeHandlers): Promise<void> {
    await this.connect(handlers);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(handlers: RegistryChangeHandlers): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'vigil-registry-listen' });
    let failed = false;
    const lost = (error: Error) => {
      if (failed || this.closed) return;
      failed = true;
      if (this.client === client) this.client = null;
      handlers.onError(error);
      void client.end().catch(() => undefined);
      this.retry = setTimeout(() => {
        this.retry = null;
        this.connect(handlers).catch(() => undefined); // reported through onError; retried again
      }, 1000);
      this.retry.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('registry notification connection ended')));
    client.on('notification', (message) => {
      if (message.channel === 'vigil_registry' && message.payload) handlers.onChange(message.payload);
    });
    this.client = client;
    try {
      await client.connect();
      await client.query('LISTEN vigil_registry');
    } catch (error) {
      lost(error as Error);
      throw error;
    }
    if (!this.closed) handlers.onListening();
  }
}
