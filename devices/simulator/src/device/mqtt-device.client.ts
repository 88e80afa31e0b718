import mqtt, { type MqttClient } from 'mqtt';
import { mqttTopics } from '@vigil/contracts';
import type { OutboxTransport } from './outbox';

export interface DeviceConnectionOptions {
  url: string;
  deviceId: string;
  secret: string;
  /** Milliseconds between reconnect attempts. */
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  onConnect?: () => void;
  onError?: (error: Error) => void;
  /**
   * A command from the platform on the device's own `vigil/v1/devices/{id}/commands` (issue 13: reading
   * reminders). When given, the device subscribes to that topic on every connect.
   */
  onCommand?: (payload: Buffer) => void;
}

export interface DeviceConnection extends OutboxTransport {
  /** Connections made after the first one. */
  reconnects(): number;
  /**
   * Cuts the network link without an MQTT DISCONNECT, as a hub losing its signal would; mqtt.js then
   * reconnects by itself and redelivers what was in flight.
   */
  interrupt(): void;
  /** Ends the connection for good (a clean DISCONNECT unless `force`). */
  close(force?: boolean): Promise<void>;
}

/**
 * One device's MQTT connection, with its own credential (username = device id, password = its
 * secret). MQTT 3.1.1 so the same device talks to the embedded aedes broker and to Mosquitto. QoS 1
 * publishes resolve on PUBACK; messages in flight when the link drops stay in mqtt.js's in-memory
 * store and are sent again after the reconnect.
 */
export function connectDevice(options: DeviceConnectionOptions): DeviceConnection {
  let connections = 0;
  const client: MqttClient = mqtt.connect(options.url, {
    clientId: `${options.deviceId}-${process.pid}`,
    username: options.deviceId,
    password: options.secret,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: options.reconnectPeriodMs ?? 2000,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    keepalive: 30,
  });
  client.on('connect', () => {
    connections += 1;
    // A clean session forgets subscriptions: subscribe again on every connect.
    if (options.onCommand) {
      client.subscribe(mqttTopics.commands(options.deviceId), { qos: 1 }, (error) => {
        if (error) options.onError?.(error);
      });
    }
    options.onConnect?.();
  });
  if (options.onCommand) {
    const onCommand = options.onCommand;
    client.on('message', (topic, payload) => {
      if (topic === mqttTopics.commands(options.deviceId)) onCommand(payload);
    });
  }
  // Without a listener an 'error' event (bad credentials, refused connection) would crash the fleet.
  client.on('error', (error) => options.onError?.(error));
  return {
    isConnected: () => client.connected,
    publish: (topic, payload) =>
      new Promise<void>((resolve, reject) => {
        client.publish(topic, payload, { qos: 1 }, (error) => (error ? reject(error) : resolve()));
      }),
    reconnects: () => Math.max(0, connections - 1),
    interrupt: () => client.stream?.destroy(),
    close: async (force = false) => {
      await client.endAsync(force);
    },
  };
}
