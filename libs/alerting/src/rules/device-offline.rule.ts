import type { BoundDevice } from '../patient-context';
import type { Finding, RuleDefinition } from './rule';

/** Device offline: no heartbeat or reading for `offlineMinutes`. A technical alert, one per device. */
export const DEVICE_OFFLINE_RULE: RuleDefinition = {
  id: 'device-offline',
  version: 1,
  kind: 'technical',
  title: 'Device offline',
  source: null,
  autoResolve: true,
};

/**
 * Silent for longer than `offlineMinutes` since it was last heard from — or since it was bound to this patient,
 * if that is later: a device re-issued from another patient (last heard from days ago, with them) gets the same
 * grace as a new one, instead of opening an offline alert on its new patient the moment it is bound.
 */
export function evaluateDeviceOffline(device: BoundDevice, now: Date, offlineMinutes: number): Finding {
  const last =
    device.lastSeenAt && device.lastSeenAt > device.boundFrom ? device.lastSeenAt : device.boundFrom;
  const silentMs = now.getTime() - last.getTime();
  if (silentMs <= offlineMinutes * 60_000) {
    return { active: false, rule: DEVICE_OFFLINE_RULE, subject: device.deviceId, at: now };
  }
  return {
    active: true,
    rule: DEVICE_OFFLINE_RULE,
    subject: device.deviceId,
    severity: 'technical',
    reason:
      `Device ${device.deviceId} has not been heard from ` +
      (device.lastSeenAt ? `since ${device.lastSeenAt.toISOString()}` : 'since it was bound') +
      ` (more than ${offlineMinutes} minutes): readings from it may be missing.`,
    band: null,
    news2Total: null,
    partial: false,
    triggeringParameters: [],
    at: now,
    lastReadingAt: device.lastSeenAt,
  };
}
