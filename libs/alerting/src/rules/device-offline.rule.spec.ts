import { evaluateDeviceOffline } from './device-offline.rule';
import { AT, patient } from './test-context';

describe('device-offline rule', () => {
  const device = {
    deviceId: 'ox-1',
    patientId: patient().patientId,
    wardId: patient().wardId,
    lastSeenAt: new Date(AT.getTime() - 61 * 60_000),
    boundFrom: new Date('2026-11-01T00:00:00Z'),
  };

  it('raises a technical alert per device after the offline limit', () => {
    expect(evaluateDeviceOffline(device, AT, 60)).toMatchObject({
      active: true,
      subject: 'ox-1',
      severity: 'technical',
      rule: expect.objectContaining({ kind: 'technical' }),
    });
  });

  it('a device bound a minute ago, last heard from days ago with another patient, gets the grace a new device gets', () => {
    const reissued = {
      ...device,
      lastSeenAt: new Date(AT.getTime() - 3 * 24 * 60 * 60_000),
      boundFrom: new Date(AT.getTime() - 60_000),
    };
    expect(evaluateDeviceOffline(reissued, AT, 60)).toMatchObject({ active: false });
    // Still silent an hour after the binding: offline, and the reason and last reading say when it was heard from.
    const later = new Date(AT.getTime() + 60 * 60_000);
    expect(evaluateDeviceOffline(reissued, later, 60)).toMatchObject({
      active: true,
      lastReadingAt: reissued.lastSeenAt,
    });
  });

  it('is clear while heard from within the limit', () => {
    expect(evaluateDeviceOffline({ ...device, lastSeenAt: AT }, AT, 60)).toMatchObject({ active: false });
  });
});
