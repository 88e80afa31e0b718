import mqtt, { type MqttClient } from 'mqtt';
import { mqttTopics } from '@vigil/contracts';
import type { HistoryRecorder } from '../history/history-recorder';
import { type PlannedDevice, toEnvelope } from '../plan/load-plan';

export interface FleetDevice {
  deviceId: string;
  secret: string;
  planned: PlannedDevice;
}

export interface FleetOptions {
  mqttUrl: string;
  devices: FleetDevice[];
  intervalMs: number;
  history: HistoryRecorder;
  /** Milliseconds between reconnect attempts (a broker restart must not stall the load for long). */
  reconnectPeriodMs?: number;
}

/**
 * The load generator: one MQTT connection per device, its own credential, QoS 1 publishes at a steady
 * rate following the plan (reordered pairs, duplicate re-publications, clock skew), every send and
 * PUBACK recorded. mqtt.js keeps QoS 1 messages in flight in its store and re-sends them after a
 * reconnect, as a hub's outbox would, so a PUBACK may arrive long after the send.
 */
export class DeviceFleet {
  private readonly clients = new Map<string, MqttClient>();
  private readonly pending: Promise<void>[] = [];
  private connects = 0;

  constructor(private readonly options: FleetOptions) {}

  /** Connections made beyond the first of each device (broker restarts show up here). */
  reconnects(): number {
    return Math.max(0, this.connects - this.options.devices.length);
  }

  async connect(timeoutMs: number): Promise<void> {
    await Promise.all(
      this.options.devices.map(
        (device) =>
          new Promise<void>((resolve, reject) => {
            const client = mqtt.connect(this.options.mqttUrl, {
              clientId: `${device.deviceId}-${process.pid}`,
              username: device.deviceId,
              password: device.secret,
              protocolVersion: 4,
              clean: true,
              reconnectPeriod: this.options.reconnectPeriodMs ?? 300,
              connectTimeout: 5000,
              keepalive: 30,
            });
            this.clients.set(device.deviceId, client);
            const timer = setTimeout(
              () => reject(new Error(`device ${device.deviceId} did not connect in ${timeoutMs} ms`)),
              timeoutMs,
            );
            client.on('connect', () => {
              this.connects += 1;
              clearTimeout(timer);
              resolve();
            });
            // A refused or dropped connection is retried by mqtt.js; without a listener it would throw.
            client.on('error', () => undefined);
          }),
      ),
    );
  }

  /**
   * Publishes the whole plan: slot j of a device sends its j-th message; a duplicate re-publication of
   * a message follows 1–3 slots later. Resolves when every message has been handed to mqtt.js (not
   * when acknowledged: see {@link settle}).
   */
  async run(roundStartMs: number): Promise<void> {
    const { devices, intervalMs, history } = this.options;
    const slots = Math.max(...devices.map((d) => d.planned.sendOrder.length)) + 3;
    const publish = (device: FleetDevice, payload: string, seq: number, duplicate: boolean) => {
      const client = this.clients.get(device.deviceId) as MqttClient;
      history.record(duplicate ? 'duplicate-sent' : 'sent', device.deviceId, seq);
      this.pending.push(
        new Promise<void>((resolve) => {
          client.publish(mqttTopics.readings(device.deviceId), payload, { qos: 1 }, (error) => {
            if (error) history.record('publish-error', device.deviceId, seq, error.message);
            else history.record(duplicate ? 'duplicate-acked' : 'acked', device.deviceId, seq);
            resolve();
          });
        }),
      );
    };
    const later = new Map<number, { device: FleetDevice; payload: string; seq: number }[]>();
    for (let slot = 0; slot < slots; slot += 1) {
      const due = roundStartMs + slot * intervalMs;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      for (const device of devices) {
        const message = device.planned.sendOrder[slot];
        if (!message) continue;
        const envelope = toEnvelope(
          device.deviceId,
          message,
          roundStartMs,
          Date.now() + device.planned.clockSkewMs,
        );
        const payload = JSON.stringify(envelope);
        publish(device, payload, message.seq, false);
        for (let copy = 1; copy <= message.duplicates; copy += 1) {
          const at = slot + copy;
          later.set(at, [...(later.get(at) ?? []), { device, payload, seq: message.seq }]);
        }
      }
      for (const dup of later.get(slot) ?? []) publish(dup.device, dup.payload, dup.seq, true);
      later.delete(slot);
    }
  }

  /** Waits until every publish got its PUBACK or an error, or the deadline passes; returns how many are open. */
  async settle(timeoutMs: number): Promise<number> {
    let done = 0;
    const all = Promise.all(this.pending.map((p) => p.then(() => (done += 1))));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    return this.pending.length - done;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.endAsync(true)));
    this.clients.clear();
  }
}
