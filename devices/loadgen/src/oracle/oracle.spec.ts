import { type PlannedDevice, type PlannedMessage, STORED_PARAMETERS } from '../plan/load-plan';
import { expectedBandEpisode, judge, type OracleDevice, type StoredRow } from './oracle';

const normal = {
  respiratoryRate: 16,
  spo2: 98,
  heartRate: 70,
  temperatureC: 37,
  systolicBp: 125,
  diastolicBp: 80,
};
const abnormal = {
  respiratoryRate: 22,
  spo2: 93,
  heartRate: 115,
  temperatureC: 38.5,
  systolicBp: 105,
  diastolicBp: 70,
};
const msg = (seq: number, vitals = normal, offset = seq * 1000): PlannedMessage => ({
  seq,
  measuredOffsetMs: offset,
  vitals,
  duplicates: 0,
});
const device = (sendOrder: PlannedMessage[], crossing = false, clockSkewMs = 0): PlannedDevice => ({
  index: 0,
  crossing,
  clockSkewMs,
  sendOrder,
});
const rows = (
  deviceId: string,
  seq: number,
  params: readonly string[] = STORED_PARAMETERS,
  clockCorrected = false,
): StoredRow[] => params.map((parameter) => ({ deviceId, seq, parameter, clockCorrected }));

describe('judge', () => {
  const stable: OracleDevice = { deviceId: 'd1', patientId: 'p1', planned: device([msg(1), msg(2)]) };
  const crossing: OracleDevice = {
    deviceId: 'd2',
    patientId: 'p2',
    planned: device([msg(1), msg(2, abnormal)], true),
  };

  it('passes when every acknowledged reading is stored once and the crossing patient has one episode', () => {
    const verdict = judge({
      devices: [stable, crossing],
      acknowledged: new Set(['d1|1', 'd1|2', 'd2|1', 'd2|2']),
      stored: [...rows('d1', 1), ...rows('d1', 2), ...rows('d2', 1), ...rows('d2', 2)],
      deadLetters: [],
      alerts: [{ patientId: 'p2', ruleId: 'deterioration', subject: '' }],
    });
    expect(verdict).toMatchObject({
      acknowledged: 4,
      lost: [],
      duplicated: [],
      missedAlerts: [],
      duplicatedAlerts: [],
      spuriousAlerts: [],
      expectedAlerts: 1,
    });
  });

  it('finds a lost, a partly stored and a duplicated reading, and ignores unacknowledged ones', () => {
    const verdict = judge({
      devices: [stable, crossing],
      acknowledged: new Set(['d1|1', 'd1|2', 'd2|1']),
      stored: [...rows('d1', 1, ['heartRate']), ...rows('d2', 1), ...rows('d2', 1, ['spo2'])],
      deadLetters: [],
      alerts: [],
    });
    expect(verdict.lost).toEqual(['d1|1', 'd1|2']);
    expect(verdict.duplicated).toEqual(['d2|1|spo2×2']);
    // d2|2 (the abnormal one) was never acknowledged nor stored: no episode is owed.
    expect(verdict.expectedAlerts).toBe(0);
  });

  it('finds missed, duplicated and spurious episodes', () => {
    const other: OracleDevice = {
      deviceId: 'd3',
      patientId: 'p3',
      planned: device([msg(1, abnormal)], true),
    };
    const verdict = judge({
      devices: [stable, crossing, other],
      acknowledged: new Set(),
      stored: [...rows('d1', 1), ...rows('d2', 2), ...rows('d3', 1)],
      deadLetters: [],
      alerts: [
        { patientId: 'p2', ruleId: 'deterioration', subject: '' },
        { patientId: 'p2', ruleId: 'deterioration', subject: '' },
        { patientId: 'p1', ruleId: 'deterioration', subject: '' },
        { patientId: 'p2', ruleId: 'news2-red-score', subject: '' },
      ],
    });
    expect(verdict.missedAlerts).toEqual(['p3']);
    expect(verdict.duplicatedAlerts).toEqual(['p2×2']);
    expect(verdict.spuriousAlerts.sort()).toEqual(['p1|deterioration|', 'p2|news2-red-score|']);
  });

  it('HZ-20 R12 wants the readings of a device 10 minutes ahead stored and flagged as clock-corrected, never refused', () => {
    const ahead: OracleDevice = {
      deviceId: 'd4',
      patientId: 'p4',
      planned: device(
        [msg(1, normal, 600_000), msg(2, normal, 601_000), msg(3, normal, 602_000)],
        false,
        600_000,
      ),
    };
    const verdict = judge({
      devices: [ahead],
      acknowledged: new Set(['d4|1', 'd4|2', 'd4|3']),
      stored: [...rows('d4', 1, STORED_PARAMETERS, true), ...rows('d4', 2)],
      deadLetters: [{ deviceId: 'd4', seq: 3, reason: 'future-timestamp' }],
      alerts: [],
    });
    expect(verdict.lost).toEqual(['d4|3']);
    expect(verdict.clockNotCorrected).toEqual(['d4|2', 'd4|3']);
  });
});

describe('expectedBandEpisode', () => {
  it('rests on the newest accepted reading, whatever order they were sent in', () => {
    const planned = device([msg(2, abnormal), msg(1)], true);
    expect(expectedBandEpisode(planned, new Set([1, 2]))).toBe(true);
    expect(expectedBandEpisode(planned, new Set([1]))).toBe(false);
    expect(expectedBandEpisode(planned, new Set())).toBe(false);
  });
});
