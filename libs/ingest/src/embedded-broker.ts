import { createServer, type Server } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import Aedes, { type AuthenticateError, type Client } from 'aedes';
import { parseDeviceTopic } from '@vigil/contracts';

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
}

export interface EmbeddedBroker {
  host: string;
  port: number;
  url: string;
  /** Why the broker refused each attempt, newest last (bounded): for tests and the admin view. */
  refusals: { clientId: string; username: string | null; action: string; topic: string | null; at: Date }[];
  close(): Promise<void>;
}

type Role = { kind: 'service' } | { kind: 'device'; deviceId: string };
const roles = new WeakMap<Client, Role>();

function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authError(message: string): AuthenticateError {
  const error = new Error(message) as AuthenticateError;
  error.returnCode = 4; // bad user name or password
  return error;
}

/**
 * The embedded MQTT broker (aedes) for `npm start`: devices authenticate with their own credential
 * and may publish only to their own `vigil/v1/devices/{id}/…` topics and subscribe to nothing (HZ-05).
 * aedes speaks MQTT 3.1.1, so the embedded mode runs one ingest client without shared subscriptions.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const refusals: EmbeddedBroker['refusals'] = [];
  const refuse = (client: Client, action: string, topic: string | null) => {
    refusals.push({ clientId: client.id, username: null, action, topic, at: new Date() });
    if (refusals.length > 1000) refusals.shift();
  };

  const aedes = new Aedes({
    authenticate: (client, username, password, done) => {
      const user = username ?? '';
      const secret = password ? password.toString('utf8') : '';
      if (user === options.service.username) {
        if (secretsEqual(secret, options.service.password)) {
          roles.set(client, { kind: 'service' });
          return done(null, true);
        }
        refuse(client, 'connect', null);
        return done(authError('bad service credentials'), false);
      }
      options.verifyDevice(user, secret).then(
        (ok) => {
          if (ok) {
            roles.set(client, { kind: 'device', deviceId: user });
            done(null, true);
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
      if (client) refuse(client, 'publish', packet.topic);
      callback(new Error(`not allowed to publish to ${packet.topic}`));
    },
    authorizeSubscribe: (client, subscription, callback) => {
      const role = roles.get(client);
      if (role?.kind === 'service') return callback(null, subscription);
      refuse(client, 'subscribe', subscription.topic);
      // A null subscription answers SUBACK 0x80 (failure) without closing the connection.
      callback(null, null);
    },
  });

  const server = createServer(aedes.handle);
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
