import { DEVICE_KIND_PARAMETERS, deviceCommandSchema, mqttTopics } from '@vigil/contracts';
import {
  DeviceSimulation,
  type DeviceSpec,
  type OutgoingMessage,
  SCENARIO_TIMING,
  seqStartFromClock,
} from '../device/device-simulation';
import {
  connectDevice,
  type DeviceConnection,
  type DeviceConnectionOptions,
} from '../device/mqtt-device.client';
import { Outbox } from '../device/outbox';

export interface FleetDevice {
  spec: DeviceSpec;
  secret: string;
}

export interface FleetOptions {
  mqttUrl: string;
  devices: FleetDevice[];
  /** Patients behind the devices, for the progress line. */
  patients: number;
  /** Scenario time runs this many times faster than real time; timestamps stay real. */
  speed?: number;
  malformedShare?: number;
  /** Milliseconds between starting one device's connection and the next, to spread the broker's load. */
  connectStaggerMs?: number;
  reconnectPeriodMs?: number;
  /** Replaceable for tests; defaults to a real MQTT connection. */
  connect?: (options: DeviceConnectionOptions) => DeviceConnection;
  onDeviceError?: (deviceId: string, error: Error) => void;
}

export interface FleetStats {
  patients: number;
  devices: number;
  connected: number;
  /** Devices that went silent on purpose (the offline scenario). */
  silent: number;
  /** Messages handed to the outboxes (readings and heartbeats). */
  sent: number;
  measurements: number;
  acknowledged: number;
  pending: number;
  /** Deliberately malformed messages sent; the platform should dead-letter each. */
  malformed: number;
  /** Dead letters the platform reports for this fleet's devices, when known. */
  deadLettered: number | null;
  reconnects: number;
  retries: number;
  dropped: number;
  /** Reading reminders received from the platform and answered with a reading (issue 13). */
  reminded: number;
}

interface RunningDevice {
  simulation: DeviceSimulation;
  connection: DeviceConnection | null;
  outbox: Outbox | null;
  timers: NodeJS.Timeout[];
  silent: boolean;
  /** Command ids already acted on: a redelivered reminder is answered once. */
  handled: Set<string>;
  /** When this device last answered a reminder with a reading (ms since the epoch). */
  answeredAt: number;
}

/**
 * Reminders that come together (the platform sends one per parameter due) are answered with one reading: a device
 * measures everything it measures at once, and a second reading at the same instant would be the same observation
 * again (the platform stores one and logs the other as absorbed).
 */
const REMINDER_BURST_MS = 1000;

const MIN_TIMER_MS = 100;

/**
 * A fleet of simulated devices, each on its own MQTT connection with its own outbox. Scenario time
 * starts when the fleet starts, so every patient's story runs on the same clock.
 */
export class Fleet {
  private readonly running: RunningDevice[] = [];
  private startedAt = 0;
  private stopped = false;
  private sent = 0;
  private measurements = 0;
  private malformed = 0;
  private deadLettered: number | null = null;
  private readonly speed: number;
  private reminded = 0;

  constructor(private readonly options: FleetOptions) {
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0) || !Number.isFinite(this.speed))
      throw new RangeError('speed must be a positive number');
  }

  get deviceIds(): string[] {
    return this.options.devices.map((d) => d.spec.deviceId);
  }

  /** Starts every device (connections staggered); resolves once all have been started. */
  async start(): Promise<void> {
    this.startedAt = Date.now();
    const connect = this.options.connect ?? connectDevice;
    const stagger = this.options.connectStaggerMs ?? 20;
    for (const device of this.options.devices) {
      if (this.stopped) return;
      const simulation = new DeviceSimulation(device.spec, {
        startSeq: seqStartFromClock(),
        malformedShare: this.options.malformedShare,
      });
      const running: RunningDevice = {
        simulation,
        connection: null,
        outbox: null,
        timers: [],
        silent: false,
        handled: new Set(),
        answeredAt: Number.NEGATIVE_INFINITY,
      };
      this.running.push(running);
      const connection = connect({
        url: this.options.mqttUrl,
        deviceId: device.spec.deviceId,
        secret: device.secret,
        reconnectPeriodMs: this.options.reconnectPeriodMs,
        onConnect: () => running.outbox?.flush(),
        onError: (error) => this.options.onDeviceError?.(device.spec.deviceId, error),
        onCommand: (payload) => this.command(running, payload),
      });
      running.connection = connection;
      running.outbox = new Outbox(connection);
      this.schedule(running);
      if (stagger > 0) await new Promise((resolve) => setTimeout(resolve, stagger));
    }
  }

  /** Scenario seconds since the fleet started. */
  elapsed(): number {
    return ((Date.now() - this.startedAt) / 1000) * this.speed;
  }

  setDeadLettered(count: number | null): void {
    this.deadLettered = count;
  }

  stats(): FleetStats {
    let acknowledged = 0;
    let pending = 0;
    let reconnects = 0;
    let retries = 0;
    let dropped = 0;
    let connected = 0;
    let silent = 0;
    for (const r of this.running) {
      const counters = r.outbox?.counters();
      acknowledged += counters?.acknowledged ?? 0;
      retries += counters?.retries ?? 0;
      dropped += counters?.dropped ?? 0;
      pending += r.outbox?.pending() ?? 0;
      reconnects += r.connection?.reconnects() ?? 0;
      if (r.connection?.isConnected()) connected += 1;
      if (r.silent) silent += 1;
    }
    return {
      patients: this.options.patients,
      devices: this.options.devices.length,
      connected,
      silent,
      sent: this.sent,
      measurements: this.measurements,
      acknowledged,
      pending,
      malformed: this.malformed,
      deadLettered: this.deadLettered,
      reconnects,
      retries,
      dropped,
      reminded: this.reminded,
    };
  }

  /**
   * A command from the platform (issue 13): a `reading-due` reminder for a parameter this device measures is
   * answered with a reading now, as a patient prompted by their device would; reminders within
   * {@link REMINDER_BURST_MS} of an answer are answered by it. Anything else (a malformed
   * command, a parameter this kind does not measure, a command id already answered) is reported, not acted on.
   */
  private command(running: RunningDevice, payload: Buffer): void {
    const deviceId = running.simulation.deviceId;
    let parsed: ReturnType<typeof deviceCommandSchema.safeParse>;
    try {
      parsed = deviceCommandSchema.safeParse(JSON.parse(payload.toString('utf8')));
    } catch {
      this.options.onDeviceError?.(deviceId, new Error('a command that is not JSON was ignored'));
      return;
    }
    if (!parsed.success || parsed.data.deviceId !== deviceId) {
      this.options.onDeviceError?.(deviceId, new Error('an invalid command was ignored'));
      return;
    }
    const command = parsed.data;
    if (running.handled.has(command.commandId) || running.silent || this.stopped) return;
    running.handled.add(command.commandId);
    if (!(DEVICE_KIND_PARAMETERS[running.simulation.spec.kind] ?? []).includes(command.parameter)) {
      this.options.onDeviceError?.(
        deviceId,
        new Error(`a reminder for ${command.parameter}, which it does not measure`),
      );
      return;
    }
    this.reminded += 1;
    const now = Date.now();
    if (now - running.answeredAt < REMINDER_BURST_MS) return;
    running.answeredAt = now;
    for (const message of running.simulation.readings(new Date(now), this.elapsed()))
      this.send(running, message);
  }

  /**
   * Stops every timer, gives unacknowledged messages up to `drainMs` to be acknowledged, then
   * disconnects every device. Safe to call twice.
   */
  async stop(drainMs = 2000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const r of this.running) r.timers.forEach((t) => clearInterval(t));
    const live = this.running.filter((r) => !r.silent);
    // Waiting for PUBACKs only makes sense on a live link; with the broker gone, stop at once.
    await Promise.all(live.filter((r) => r.connection?.isConnected()).map((r) => r.outbox?.drained(drainMs)));
    await Promise.all(
      live.map((r) => r.connection?.close(!r.connection.isConnected()).catch(() => undefined)),
    );
  }

  private schedule(running: RunningDevice): void {
    const every = (scenarioSeconds: number, fn: () => void): void => {
      fn();
      running.timers.push(setInterval(fn, Math.max(MIN_TIMER_MS, (scenarioSeconds * 1000) / this.speed)));
    };
    every(running.simulation.readingIntervalSeconds, () => {
      const elapsed = this.elapsed();
      if (this.goSilentIfDue(running, elapsed)) return;
      for (const message of running.simulation.readings(new Date(), elapsed)) this.send(running, message);
    });
    every(SCENARIO_TIMING.heartbeatInterval, () => {
      const elapsed = this.elapsed();
      if (this.goSilentIfDue(running, elapsed)) return;
      const heartbeat = running.simulation.heartbeat(new Date(), elapsed);
      if (heartbeat) this.send(running, heartbeat);
    });
  }

  private goSilentIfDue(running: RunningDevice, elapsed: number): boolean {
    if (running.silent) return true;
    if (!running.simulation.isOffline(elapsed)) return false;
    running.silent = true;
    running.timers.forEach((t) => clearInterval(t));
    // A device that dies just stops: no DISCONNECT, so the platform can only notice the missing heartbeats.
    void running.connection?.close(true).catch(() => undefined);
    return true;
  }

  private send(running: RunningDevice, message: OutgoingMessage): void {
    const deviceId = running.simulation.deviceId;
    const topic =
      message.channel === 'readings' ? mqttTopics.readings(deviceId) : mqttTopics.status(deviceId);
    running.outbox?.enqueue(topic, message.payload, message.seq);
    this.sent += 1;
    this.measurements += message.measurements;
    if (message.malformed) this.malformed += 1;
  }
}
