import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { mqttTopics } from '@vigil/contracts';

export interface MqttIngestOptions {
  url: string;
  username: string;
  password: string;
  /** Fixed per instance so the broker keeps the session (and unacknowledged messages) across restarts. */
  clientId: string;
  /** 5 for Mosquitto/EMQX; 4 for the embedded aedes broker (MQTT 3.1.1). */
  protocolVersion: 4 | 5;
  /**
   * An MQTT 5 shared subscription, so instances share the load. Mosquitto 2.0 does not restore one with a
   * persisted session after a broker restart (messages it acknowledges before we resubscribe are lost),
   * so a single instance is safer with a plain subscription, which the broker persists.
   */
  shared?: boolean;
  /** Resolves when the message's effects are durable; rejects when they could not be made durable. */
  handle(topic: string, payload: Buffer): Promise<void>;
  onError?(error: Error): void;
  /** Milliseconds before reconnecting after a failure. */
  reconnectPeriod?: number;
  /**
   * How many messages ingest holds at once, their PUBACK waiting for the durable publish (default
   * {@link INGEST_MAX_IN_HAND}). Past it, mqtt.js reads no further packet until one settles, so the backlog of an
   * overloaded ingest stays in the broker's persistent queue instead of its memory. Without it, ingest took in
   * 100,000 messages at once (3 GB of memory, fault suite at 2,000 readings/s). The bound is kept here, not asked
   * of the broker as the MQTT 5 Receive Maximum: with a Receive Maximum of 1,000, Mosquitto 2.0.11 stopped
   * delivering to ingest for good after the reconnects of a database outage (decision 0005, item 13).
   */
  maxInHand?: number;
}

/** Messages one ingest client holds at once, unacknowledged (see {@link MqttIngestOptions.maxInHand}). */
export const INGEST_MAX_IN_HAND = 1_000;

export interface MqttIngestClient {
  client: MqttClient;
  /** Messages acknowledged (PUBACK sent) since start. */
  acknowledged(): number;
  /** Subscriptions the broker refused or that failed (each also reported through `onError`). */
  subscriptionFailures(): number;
  /** Resolves once the first subscription is granted (tests, and callers that must not race it). */
  subscribed: Promise<void>;
  /** Publishes to a device (QoS 1; device commands, issue 13); resolves on the broker's PUBACK. */
  publish(topic: string, payload: Buffer): Promise<void>;
  close(): Promise<void>;
}

/**
 * The ingest MQTT subscriber. QoS 1, persistent session (clean start off, 48 h expiry), and the PUBACK
 * is sent only after `handle` resolved: mqtt.js's `customHandleAcks` hook holds the acknowledgement
 * until we call back. When `handle` fails (database or stream down) the connection is dropped without
 * acknowledging, so the broker redelivers the message to this session (or another instance) later.
 */
interface HeldPuback {
  /** The connection the message came on: a PUBACK is never sent on another (its packet id would be stale). */
  stream: unknown;
  settled: boolean;
  /** `handle` failed: this PUBACK is never sent. */
  failed: boolean;
  send: (() => void) | null;
}

type SendPacket = (
  packet: { cmd: string; messageId?: number },
  cb?: (error?: Error) => void,
  ...rest: unknown[]
) => void;

/**
 * Wraps mqtt.js' private `_sendPacket` (mqtt 5.x) so that the PUBACK of a message still being handled is
 * held: mqtt.js is told it was sent (and reads on), and it goes out when `handle` resolved, on the same
 * connection — or never, if the connection changed or `handle` failed (the broker then redelivers).
 */
function holdPubacks(client: MqttClient, holding: Map<number, HeldPuback>): void {
  const target = client as unknown as { _sendPacket: SendPacket };
  const send = target._sendPacket.bind(client) as SendPacket;
  target._sendPacket = (packet, cb, ...rest) => {
    const held =
      packet.cmd === 'puback' && packet.messageId !== undefined ? holding.get(packet.messageId) : undefined;
    if (!held) return send(packet, cb, ...rest);
    holding.delete(packet.messageId as number);
    const go = () => {
      const stream = client.stream as { destroyed?: boolean } | undefined;
      if (client.stream === held.stream && stream && !stream.destroyed && client.connected) send(packet);
    };
    if (held.failed) return cb?.();
    if (held.settled) go();
    else held.send = go;
    cb?.();
  };
}

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
    // Many messages in flight at once (issue 11): mqtt.js reads the next packet only after a message's
    // PUBACK is sent, which made ingest from an external broker one message at a time. The PUBACK is
    // therefore handed to mqtt.js at once but held (see `holdPubacks`) until `handle` resolved — sent only
    // then, and only on the connection the message came on. Past `maxInHand` messages in hand the next one
    // waits, and mqtt.js reads nothing further until a slot frees (TCP back-pressure: the broker keeps the rest).
    customHandleAcks: (topic, message, packet, done) => {
      const held: HeldPuback = { stream: client.stream, settled: false, failed: false, send: null };
      const start = () => {
        inHand += 1;
        if (packet.messageId !== undefined) holding.set(packet.messageId, held);
        options
          .handle(topic, message)
          .then(
            () => {
              acked += 1;
              held.settled = true;
              held.send?.();
            },
            (error: unknown) => {
              options.onError?.(error instanceof Error ? error : new Error(String(error)));
              held.settled = true;
              held.failed = true;
              // No PUBACK: drop the connection so the broker redelivers. mqtt.js reconnects by itself.
              if (client.stream === held.stream) client.stream?.destroy();
            },
          )
          .finally(() => {
            inHand -= 1;
            waiting?.();
          });
        done(0);
      };
      if (inHand < window) return start();
      waiting = () => {
        waiting = null;
        start();
      };
    },
  };
  const window = options.maxInHand ?? INGEST_MAX_IN_HAND;
  /** Messages handed to `handle` and not settled; the one message waiting for a slot (mqtt.js reads no more). */
  let inHand = 0;
  let waiting: (() => void) | null = null;
  const holding = new Map<number, HeldPuback>();
  const client = mqtt.connect(options.url, clientOptions);
  holdPubacks(client, holding);
  const filters =
    options.shared && options.protocolVersion === 5
      ? [mqttTopics.shared(mqttTopics.readingsWildcard), mqttTopics.shared(mqttTopics.statusWildcard)]
      : [mqttTopics.readingsWildcard, mqttTopics.statusWildcard];

  // On EVERY connect, not only the first: Mosquitto 2.0.11 restores a persistent session after a restart
  // without its shared ($share) subscription, and mqtt.js does not resubscribe when the session is present —
  // ingest would sit connected and silent (found by the fault suite, HZ-14). Subscribing again is idempotent.
  let subscriptionFailures = 0;
  let markSubscribed: () => void = () => undefined;
  const subscribed = new Promise<void>((resolve) => (markSubscribed = resolve));
  const subscribe = async (): Promise<void> => {
    // The object form with `resubscribe: true`: mqtt.js otherwise skips filters it believes it holds.
    const request = Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }]));
    const granted = await client.subscribeAsync({
      ...request,
      resubscribe: true,
    } as unknown as typeof request);
    const refused = granted.filter((g) => g.qos !== 1);
    if (refused.length)
      throw new Error(`broker refused subscriptions: ${refused.map((g) => g.topic).join(', ')}`);
    markSubscribed();
  };
  const report = (error: unknown) => {
    subscriptionFailures += 1;
    options.onError?.(error instanceof Error ? error : new Error(String(error)));
  };

  // With a session the broker kept, resolve on the CONNACK: the broker delivers what it queued before the
  // SUBACK, and mqtt.js reads no further packet while one of those awaits its PUBACK (the stream publish),
  // so waiting for the SUBACK would deadlock a start whose stream consumers subscribe after ingest (found by
  // the fault suite: SIGKILL, then a restart with readings waiting). With a new session nothing is queued,
  // and the SUBACK is awaited, so nothing a device publishes after this resolves can miss the subscription.
  return new Promise((resolve, reject) => {
    const onFirstError = (error: Error) => {
      client.end(true);
      reject(error);
    };
    client.once('error', onFirstError);
    client.once('connect', (connack) => {
      const ready = () => {
        client.off('error', onFirstError);
        client.on('error', (error) => options.onError?.(error));
        client.on('connect', () => void subscribe().catch(report));
        resolve({
          client,
          acknowledged: () => acked,
          subscriptionFailures: () => subscriptionFailures,
          subscribed,
          publish: async (topic, payload) => void (await client.publishAsync(topic, payload, { qos: 1 })),
          close: () => client.endAsync(),
        });
      };
      const first = subscribe();
      if (connack.sessionPresent) {
        first.catch(report);
        ready();
      } else {
        first.then(ready, (error: Error) => onFirstError(error));
      }
    });
  });
}
