import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { mqttTopics } from '@vigil/contracts';

export interface MqttIngestOptions {
  url: string;
  username: string;
  password: string;
  /** Fixed per instance so the broker keeps the session (and unacknowledged messages) across restarts. */
  clientId: string;
  /** 5 for Mosquitto/EMQX (shared subscriptions); 4 for the embedded aedes broker (MQTT 3.1.1). */
  protocolVersion: 4 | 5;
  /** Resolves when the message's effects are durable; rejects when they could not be made durable. */
  handle(topic: string, payload: Buffer): Promise<void>;
  onError?(error: Error): void;
  /** Milliseconds before reconnecting after a failure. */
  reconnectPeriod?: number;
}

export interface MqttIngestClient {
  client: MqttClient;
  /** Messages acknowledged (PUBACK sent) since start. */
  acknowledged(): number;
  close(): Promise<void>;
}

/**
 * The ingest MQTT subscriber. QoS 1, persistent session (clean start off, 48 h expiry), and the PUBACK
 * is sent only after `handle` resolved: mqtt.js's `customHandleAcks` hook holds the acknowledgement
 * until we call back. When `handle` fails (database or stream down) the connection is dropped without
 * acknowledging, so the broker redelivers the message to this session (or another instance) later.
 */
export function connectMqttIngest(options: MqttIngestOptions): Promise<MqttIngestClient> {
  let acked = 0;
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    protocolVersion: options.protocolVersion,
    clean: false,
    reconnectPeriod: options.reconnectPeriod ?? 1000,
    resubscribe: true,
    properties: options.protocolVersion === 5 ? { sessionExpiryInterval: 48 * 3600 } : undefined,
    customHandleAcks: (topic, message, _packet, done) => {
      options.handle(topic, message).then(
        () => {
          acked += 1;
          done(0);
        },
        (error: unknown) => {
          options.onError?.(error instanceof Error ? error : new Error(String(error)));
          // No PUBACK: drop the connection so the broker redelivers. mqtt.js reconnects by itself.
          client.stream?.destroy();
        },
      );
    },
  };
  const client = mqtt.connect(options.url, clientOptions);
  const filters =
    options.protocolVersion === 5
      ? [mqttTopics.shared(mqttTopics.readingsWildcard), mqttTopics.shared(mqttTopics.statusWildcard)]
      : [mqttTopics.readingsWildcard, mqttTopics.statusWildcard];

  return new Promise((resolve, reject) => {
    const onFirstError = (error: Error) => {
      client.end(true);
      reject(error);
    };
    client.once('error', onFirstError);
    client.once('connect', (connack) => {
      // Subscribing again when the session is present is harmless and covers a broker that lost it.
      void connack;
      const subscribe = client.subscribeAsync(filters, { qos: 1 }).then((granted) => {
        const refused = granted.filter((g) => g.qos !== 1);
        if (refused.length)
          throw new Error(`broker refused subscriptions: ${refused.map((g) => g.topic).join(', ')}`);
      });
      subscribe.then(
        () => {
          client.off('error', onFirstError);
          client.on('error', (error) => options.onError?.(error));
          resolve({ client, acknowledged: () => acked, close: () => client.endAsync() });
        },
        (error: Error) => onFirstError(error),
      );
    });
  });
}
