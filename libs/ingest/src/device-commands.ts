import { deviceCommandSchema, mqttTopics, streamTopics } from '@vigil/contracts';
import type { StreamPort, Subscription } from '@vigil/stream';

/** The stream consumer group that carries device commands to the broker. */
export const DEVICE_COMMANDS_GROUP_ID = 'vigil-ingest-device-commands';

export interface DeviceCommandsOptions {
  /** Publishes to the broker (embedded: aedes; external: ingest's MQTT client), QoS 1. */
  publish(topic: string, payload: Buffer): Promise<void>;
  /** A record that is not a valid command (a bug upstream, never sent on): said, not swallowed. */
  onInvalid?(detail: string): void;
}

/**
 * Issue 13 (docs/decisions/0006-device-commands.md): ingest owns the broker connection, so it carries the
 * commands the scorer decided (`devices.commands`, keyed by device id) to each device's
 * `vigil/v1/devices/{deviceId}/commands`. The data still flows one way: the scorer decides, the stream
 * carries, ingest publishes. A record is committed once the broker took the message; a failed publish throws
 * and the batch is redelivered (a device may so receive a command twice: it acts on a `commandId` once).
 */
export function subscribeDeviceCommands(
  stream: StreamPort,
  options: DeviceCommandsOptions,
): Promise<Subscription> {
  return stream.subscribe<unknown>({
    topic: streamTopics.deviceCommands,
    groupId: DEVICE_COMMANDS_GROUP_ID,
    maxBatchSize: 100,
    handle: async (batch) => {
      for (const record of batch.records) {
        const parsed = deviceCommandSchema.safeParse(record.value);
        if (!parsed.success) {
          options.onInvalid?.(
            `device command at ${batch.topic}/${batch.partition}@${record.offset} is invalid and was not sent: ` +
              parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
          continue;
        }
        const command = parsed.data;
        await options.publish(mqttTopics.commands(command.deviceId), Buffer.from(JSON.stringify(command)));
      }
    },
  });
}
