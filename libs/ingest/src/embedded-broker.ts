import { createServer, type Server, type Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Duplex } from 'node:stream';
import Aedes, { type AuthenticateError, type Client } from 'aedes';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { MAX_PACKET_BYTES, parseCommandsTopic, parseDeviceTopic } from '@vigil/contracts';
import { type FrameViolation, MqttFrameGuard } from './mqtt-frame-guard';
import type { BrokerRefusal } from './ingest.service';

/** Limits that keep hostile clients from holding sockets and memory (issue 12, D1, D2 and D6). */
export interface BrokerLimits {
  /** Largest packet after CONNECT, bytes (default `MAX_PACKET_BYTES`). */
  packetBytes?: number;
  /** Largest CONNECT packet, bytes (default 4 KiB: a client id, credentials and a small will). */
  connectBytes?: number;
  /** Open connections at most (default 2000); more are closed at once. */
  connections?: number;
  /**
   * Open connections per client address at most (default 500; loopback is exempt, since the simulator and a
   * local gateway connect from there). One address cannot take every connection slot.
   */
  connectionsPerAddress?: number;
  /** A connection that has not completed CONNECT in this time is closed (default 10 s). */
  connectTimeoutMs?: number;
  /** Failed sign-ins per device id before that id is refused for `loginBlockSeconds` (default 10). */
  loginFailuresPerDevice?: number;
  /** Failed sign-ins per client address before that address is refused (default 30). */
  loginFailuresPerAddress?: number;
  /** The window failures are counted in, and how long a refusal lasts, seconds (default 300). */
  loginBlockSeconds?: number;
}

export interface EmbeddedBrokerOptions {
  host?: string;
  /** First port to try; the next free one is used when it is taken (e.g. by Mosquitto). */
  port?: number;
  /** How many ports above `port` to try. */
  portAttempts?: number;
  /** The platform's own clients (ingest, simulators' test harness) sign in with this. */
  service: { username: string; password: string };
  /** Checks a device's credentials (username = device id, password = its secret). */
  verifyDevice(deviceId: string, secret: string): Promise<boolean>;
  /**
   * Handles a device's authorised publish before the broker acknowledges it. aedes writes the PUBACK
   * to the device as soon as authorisation passes, and keeps messages only in memory; running ingest
   * here means the device's PUBACK is sent only after the reading is durable on the stream and in
   * the database, so an acknowledged reading survives a crash of the whole embedded process (HZ-03).
   * A rejection (infrastructure down) disconnects the device unacknowledged; it retransmits later.
   */
  onDeviceMessage?(topic: string, payload: Buffer): Promise<void>;
  /**
   * What the broker refused from a signed-in device (a topic-ACL refusal, an oversize packet): ingest
   * dead-letters it (D5). Failures here are logged, never thrown into the broker.
   */
  onRefusal?(refusal: BrokerRefusal): Promise<void>;
  limits?: BrokerLimits;
}

export interface EmbeddedBroker {
  host: string;
  port: number;
  url: string;
  /** Why the broker refused each attempt, newest last (bounded): for tests and the admin view. */
  refusals: { clientId: string; username: string | null; action: string; topic: string | null; at: Date }[];
  /** Counts of what the broker refused, by kind, since it started (for metrics). */
  refusalCounts: Record<RefusalKind, number>;
  /**
   * Publishes from the platform to the broker's subscribers (QoS 1): device commands, published by ingest
   * (issue 13). Resolves once the broker has handed the message to its subscribers' queues.
   */
  publish(topic: string, payload: Buffer): Promise<void>;
  close(): Promise<void>;
}

export type RefusalKind =
  | 'connect'
  | 'login-throttled'
  | 'publish'
  | 'subscribe'
  | 'oversize-packet'
  | 'connection-limit'
  | 'address-connection-limit'
  | 'connect-timeout';

type Role = { kind: 'service' } | { kind: 'device'; deviceId: string };
const roles = new WeakMap<Client, Role>();

function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authError(message: string, returnCode: 4 | 5 = 4): AuthenticateError {
  const error = new Error(message) as AuthenticateError;
  error.returnCode = returnCode; // 4 bad user name or password, 5 not authorised
  return error;
}

/**
 * The socket as aedes sees it, with every incoming byte passed through a {@link MqttFrameGuard} first: a
 * packet over its limit closes the socket before aedes buffers it.
 */
class GuardedConnection extends Duplex {
  constructor(
    private readonly socket: Socket,
    guard: MqttFrameGuard,
    onViolation: (violation: FrameViolation) => void,
  ) {
    super();
    socket.on('data', (chunk: Buffer) => {
      const violation = guard.feed(chunk);
      if (violation) {
        onViolation(violation);
        socket.destroy();
        return;
      }
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}

/**
 * The embedded MQTT broker (aedes) for `npm start`: devices authenticate with their own credential
 * and may publish only to their own `vigil/v1/devices/{id}/…` topics and subscribe only to their own
 * `vigil/v1/devices/{id}/commands` (HZ-05, HZ-60).
 * aedes speaks MQTT 3.1.1, so the embedded mode runs one ingest client without shared subscriptions.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const limits = options.limits ?? {};
  const refusals: EmbeddedBroker['refusals'] = [];
  const refusalCounts: Record<RefusalKind, number> = {
    connect: 0,
    'login-throttled': 0,
    publish: 0,
    subscribe: 0,
    'oversize-packet': 0,
    'connection-limit': 0,
    'address-connection-limit': 0,
    'connect-timeout': 0,
  };
  const addresses = new WeakMap<Client, string>();
  const refuse = (client: Client | null, action: RefusalKind, topic: string | null) => {
    refusalCounts[action] += 1;
    const role = client ? roles.get(client) : undefined;
    const username = role?.kind === 'device' ? role.deviceId : null;
    refusals.push({ clientId: client?.id ?? '', username, action, topic, at: new Date() });
    if (refusals.length > 1000) refusals.shift();
  };
  const report = (refusal: BrokerRefusal) => {
    options.onRefusal?.(refusal).catch((error: unknown) => {
      console.error(`ingest: could not dead-letter a broker refusal: ${String(error)}`);
    });
  };

  // Failed sign-ins are counted per device id and per address; past the limit, attempts are refused
  // without checking the secret (D6), so guessing is slow and no id is singled out.
  const blockSeconds = limits.loginBlockSeconds ?? 300;
  const failuresPerDevice = new RateLimiterMemory({
    keyPrefix: 'device',
    points: limits.loginFailuresPerDevice ?? 10,
    duration: blockSeconds,
  });
  const failuresPerAddress = new RateLimiterMemory({
    keyPrefix: 'address',
    points: limits.loginFailuresPerAddress ?? 30,
    duration: blockSeconds,
  });
  const throttled = async (deviceId: string, address: string): Promise<boolean> => {
    const [device, fromAddress] = await Promise.all([
      failuresPerDevice.get(deviceId),
      failuresPerAddress.get(address),
    ]);
    return (
      (device?.consumedPoints ?? 0) >= (limits.loginFailuresPerDevice ?? 10) ||
      (fromAddress?.consumedPoints ?? 0) >= (limits.loginFailuresPerAddress ?? 30)
    );
  };
  const failed = async (deviceId: string, address: string): Promise<void> => {
    // consume() rejects once the points are used up; the count is what matters here.
    await Promise.allSettled([failuresPerDevice.consume(deviceId), failuresPerAddress.consume(address)]);
  };

  const aedes = new Aedes({
    connectTimeout: limits.connectTimeoutMs ?? 10_000,
    authenticate: (client, username, password, done) => {
      const user = username ?? '';
      const secret = password ? password.toString('utf8') : '';
      const address = addresses.get(client) ?? 'unknown';
      if (user === options.service.username) {
        if (secretsEqual(secret, options.service.password)) {
          roles.set(client, { kind: 'service' });
          return done(null, true);
        }
        refuse(client, 'connect', null);
        return done(authError('bad service credentials'), false);
      }
      const check = async (): Promise<boolean | 'throttled'> => {
        if (await throttled(user, address)) return 'throttled';
        const ok = await options.verifyDevice(user, secret);
        if (ok) await failuresPerDevice.delete(user);
        else await failed(user, address);
        return ok;
      };
      check().then(
        (ok) => {
          if (ok === true) {
            roles.set(client, { kind: 'device', deviceId: user });
            done(null, true);
          } else if (ok === 'throttled') {
            refuse(client, 'login-throttled', null);
            done(authError('too many failed sign-ins: try again later', 5), false);
          } else {
            refuse(client, 'connect', null);
            done(authError('unknown device or wrong secret'), false);
          }
        },
        () => done(authError('credential check failed'), false),
      );
    },
    authorizePublish: (client, packet, callback) => {
      const role = client ? roles.get(client) : undefined;
      if (role?.kind === 'service') return callback(null);
      const target = parseDeviceTopic(packet.topic);
      if (role?.kind === 'device' && target && target.deviceId === role.deviceId) {
        if (!options.onDeviceMessage) return callback(null);
        options.onDeviceMessage(packet.topic, Buffer.from(packet.payload)).then(
          () => callback(null),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
        return;
      }
      if (client) {
        refuse(client, 'publish', packet.topic);
        if (role?.kind === 'device') {
          report({
            reason: 'acl-refused',
            deviceId: role.deviceId,
            topic: packet.topic,
            detail: `device "${role.deviceId}" may publish only to its own topics, not to "${packet.topic.slice(0, 200)}"`,
            payload: Buffer.from(packet.payload),
          });
        }
      }
      callback(new Error(`not allowed to publish to ${packet.topic}`));
    },
    authorizeSubscribe: (client, subscription, callback) => {
      const role = roles.get(client);
      if (role?.kind === 'service') return callback(null, subscription);
      // Issue 13 (HZ-60): a device may subscribe to its own commands topic, exactly (never a wildcard),
      // and to nothing else; at most QoS 1.
      const own = parseCommandsTopic(subscription.topic);
      if (role?.kind === 'device' && own?.deviceId === role.deviceId) {
        return callback(null, { ...subscription, qos: Math.min(subscription.qos, 1) as 0 | 1 });
      }
      refuse(client, 'subscribe', subscription.topic);
      if (role?.kind === 'device') {
        report({
          reason: 'acl-refused',
          deviceId: role.deviceId,
          topic: subscription.topic,
          detail: `device "${role.deviceId}" may subscribe only to its own commands topic, not to "${subscription.topic.slice(0, 200)}"`,
        });
      }
      // A null subscription answers SUBACK 0x80 (failure) without closing the connection.
      callback(null, null);
    },
  });

  aedes.on('connectionError', (client, error) => {
    if (/connect did not arrive in time/.test(error.message)) refuse(client, 'connect-timeout', null);
  });

  const packetBytes = limits.packetBytes ?? MAX_PACKET_BYTES;
  const connectBytes = limits.connectBytes ?? 4096;
  const perAddress = limits.connectionsPerAddress ?? 500;
  const openPerAddress = new Map<string, number>();
  const server = createServer((socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (!isLoopback(address)) {
      const open = openPerAddress.get(address) ?? 0;
      if (open >= perAddress) {
        refuse(null, 'address-connection-limit', null);
        socket.destroy();
        return;
      }
      openPerAddress.set(address, open + 1);
      socket.once('close', () => {
        const left = (openPerAddress.get(address) ?? 1) - 1;
        if (left <= 0) openPerAddress.delete(address);
        else openPerAddress.set(address, left);
      });
    }
    let client: Client | null = null;
    const guard = new MqttFrameGuard({ firstPacketBytes: connectBytes, packetBytes });
    const connection = new GuardedConnection(socket, guard, (violation) => {
      refuse(client, 'oversize-packet', null);
      const role = client ? roles.get(client) : undefined;
      if (role?.kind === 'device') {
        report({
          reason: 'oversize-payload',
          deviceId: role.deviceId,
          topic: null,
          detail: `an MQTT packet of ${violation.announcedBytes} bytes was refused unread; the limit is ${violation.limitBytes} bytes (connection closed)`,
          announcedSize: violation.announcedBytes,
        });
      }
    });
    client = aedes.handle(connection);
    addresses.set(client, address);
  });
  server.maxConnections = limits.connections ?? 2000;
  server.on('drop', () => refuse(null, 'connection-limit', null));
  const first = options.port ?? 1883;
  // Port 0 asks the OS for any free port (tests).
  const attempts = first === 0 ? 1 : (options.portAttempts ?? 50);
  let port = -1;
  for (let candidate = first; candidate < first + attempts; candidate += 1) {
    if (await listen(server, candidate, host)) {
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : candidate;
      break;
    }
  }
  if (port < 0) {
    aedes.close();
    throw new Error(`no free port for the embedded MQTT broker in ${first}–${first + attempts - 1}`);
  }

  return {
    host,
    port,
    url: `mqtt://${host}:${port}`,
    refusals,
    refusalCounts,
    publish: (topic, payload) =>
      new Promise<void>((resolve, reject) => {
        aedes.publish(
          { cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false },
          (error?: Error) => (error ? reject(error) : resolve()),
        );
      }),
    close: () =>
      new Promise<void>((resolve) => {
        aedes.close(() => server.close(() => resolve()));
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const onError = () => {
      server.off('listening', onListening);
      resolve(false);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
