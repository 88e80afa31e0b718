/**
 * Every topic name of the platform, MQTT and stream, defined once (CONVENTIONS §5).
 */

/** Device protocol version carried in the MQTT topic and in every payload. */
export const DEVICE_PROTOCOL_VERSION = 1 as const;

const DEVICE_TOPIC_ROOT = 'vigil/v1/devices';

/** The two MQTT channels a device may publish to. */
export type DeviceChannel = 'readings' | 'status';

export const mqttTopics = {
  root: DEVICE_TOPIC_ROOT,
  /** Readings from a device (QoS 1). */
  readings: (deviceId: string): string => `${DEVICE_TOPIC_ROOT}/${deviceId}/readings`,
  /** Heartbeat, battery, signal, firmware (QoS 1). */
  status: (deviceId: string): string => `${DEVICE_TOPIC_ROOT}/${deviceId}/status`,
  /**
   * Commands to a device (issue 13: reading reminders), published by ingest (QoS 1). A device may subscribe
   * to its own commands topic and to nothing else.
   */
  commands: (deviceId: string): string => `${DEVICE_TOPIC_ROOT}/${deviceId}/commands`,
  readingsWildcard: `${DEVICE_TOPIC_ROOT}/+/readings`,
  statusWildcard: `${DEVICE_TOPIC_ROOT}/+/status`,
  /** MQTT 5 shared-subscription group so several ingest instances share load. */
  sharedGroup: 'vigil-ingest',
  shared: (filter: string, group = 'vigil-ingest'): string => `$share/${group}/${filter}`,
} as const;

/** Device ids: letters, digits, dot, underscore, hyphen; 1–64 characters; never an MQTT wildcard. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses a device topic. Returns null for anything that is not exactly
 * `vigil/v1/devices/{deviceId}/{readings|status}` with a well-formed device id.
 */
export function parseDeviceTopic(topic: string): { deviceId: string; channel: DeviceChannel } | null {
  const parts = topic.split('/');
  if (parts.length !== 5) return null;
  const [a, b, c, deviceId, channel] = parts;
  if (`${a}/${b}/${c}` !== DEVICE_TOPIC_ROOT) return null;
  if (!DEVICE_ID_PATTERN.test(deviceId)) return null;
  if (channel !== 'readings' && channel !== 'status') return null;
  return { deviceId, channel };
}

/**
 * The device whose commands topic this is, or null for anything that is not exactly
 * `vigil/v1/devices/{deviceId}/commands` with a well-formed device id (a wildcard is never one).
 */
export function parseCommandsTopic(topic: string): { deviceId: string } | null {
  const parts = topic.split('/');
  if (parts.length !== 5) return null;
  const [a, b, c, deviceId, channel] = parts;
  if (`${a}/${b}/${c}` !== DEVICE_TOPIC_ROOT || channel !== 'commands') return null;
  if (!DEVICE_ID_PATTERN.test(deviceId)) return null;
  return { deviceId };
}

/** Stream (Kafka or in-process) topics. Keys are patient ids unless stated. */
export const streamTopics = {
  /** Canonical observations, device status and pipeline heartbeats; key = patient id. */
  observations: 'vitals.observations',
  /** Alert lifecycle and score events for the API and consoles; key = patient id. */
  alerts: 'alerts.events',
  /** Rejected device messages; key = device id (or topic when unknown). */
  deadLetters: 'ingest.dead-letters',
  /**
   * Stream records the scorer could not handle after bounded retries (a bug, never a device's fault), kept with
   * where they came from and why (headers `vigil-dlt-*`) for an operator to inspect and replay; key = as before.
   */
  observationsDeadLetters: 'vitals.observations.dead-letters',
  /**
   * Commands for devices (issue 13: reading reminders), decided by the scorer's timers; ingest, which owns
   * the broker connection, publishes each to the device's MQTT commands topic. Key = device id.
   */
  deviceCommands: 'devices.commands',
} as const;

export type StreamTopic = (typeof streamTopics)[keyof typeof streamTopics];
