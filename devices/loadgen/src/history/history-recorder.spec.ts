import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HistoryRecorder, messageKey } from './history-recorder';

describe('HistoryRecorder', () => {
  const devices = [{ deviceId: 'lg-a', patientId: 'p-1', crossing: false, clockSkewMs: 0 }];

  it('tells sent from acknowledged, counting a duplicate PUBACK as an acknowledgement', () => {
    let now = 1000;
    const h = new HistoryRecorder('round', 7, { any: 'plan' }, devices, () => now);
    h.record('sent', 'lg-a', 1);
    now = 1005;
    h.record('acked', 'lg-a', 1);
    h.record('sent', 'lg-a', 2);
    h.record('duplicate-sent', 'lg-a', 3);
    h.record('duplicate-acked', 'lg-a', 3);
    h.record('publish-error', 'lg-a', 2, 'connection closed');
    expect([...h.acknowledged()].sort()).toEqual([messageKey('lg-a', 1), messageKey('lg-a', 3)]);
    expect(h.sent().size).toBe(3);
    expect(h.count('publish-error')).toBe(1);
    expect(h.toJSON().events[1]).toEqual({ t: 5, kind: 'acked', deviceId: 'lg-a', seq: 1 });
  });

  it('writes a replayable JSON file with the seed, plan, faults and outcome', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'loadgen-history-'));
    try {
      const h = new HistoryRecorder('HZ-03 Vigil SIGKILL', 99, { devices: 1 }, devices);
      h.record('sent', 'lg-a', 1);
      h.fault('vigil-sigkill', 'start', 'pid 123');
      h.setOutcome({ lost: [] });
      const file = await h.write(dir);
      expect(path.basename(file)).toBe('hz-03-vigil-sigkill.json');
      const json = JSON.parse(await readFile(file, 'utf8')) as ReturnType<HistoryRecorder['toJSON']>;
      expect(json).toMatchObject({
        round: 'HZ-03 Vigil SIGKILL',
        seed: 99,
        plan: { devices: 1 },
        devices,
        faults: [{ fault: 'vigil-sigkill', phase: 'start', detail: 'pid 123' }],
        outcome: { lost: [] },
      });
      expect(json.events).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
