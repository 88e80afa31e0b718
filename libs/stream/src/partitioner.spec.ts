import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { murmur2, partitionFor } from './partitioner';

describe('murmur2', () => {
  it.each([
    // Vectors from the Kafka Java client's UtilsTest.testMurmur2.
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %j like the Kafka Java client', (key, expected) => {
    expect(murmur2(key)).toBe(expected);
  });

  it('hashes the UTF-8 bytes of a string key', () => {
    expect(murmur2('é患者')).toBe(murmur2(new TextEncoder().encode('é患者')));
    expect(murmur2('é患者')).not.toBe(murmur2('e患者'));
  });
});

describe('partitionFor', () => {
  const keys = Array.from({ length: 2000 }, (_, i) => `patient-${i.toString(36)}-${(i * 7919) % 1000}`);

  it('is stable: the same key always gets the same partition', () => {
    for (const key of keys.slice(0, 200)) {
      expect(partitionFor(key, 8)).toBe(partitionFor(key, 8));
    }
  });

  it.each([1, 3, 8, 12])('agrees with kafkajs default partitioner for %i partitions', (count) => {
    const kafkaPartition = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    for (const key of [...keys, '', 'é患者']) {
      const args: PartitionerArgs = {
        topic: 'vitals.observations',
        partitionMetadata,
        message: { key, value: '' },
      };
      expect(partitionFor(key, count)).toBe(kafkaPartition(args));
    }
  });

  it('spreads patient ids evenly over the partitions', () => {
    const counts = new Array<number>(8).fill(0);
    const ids = Array.from(
      { length: 8000 },
      (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    );
    for (const id of ids) counts[partitionFor(id, 8)] += 1;
    // 1000 expected per partition; allow ±15 %.
    for (const count of counts) {
      expect(count).toBeGreaterThan(850);
      expect(count).toBeLessThan(1150);
    }
  });

  it('always returns an integer in [0, partitions)', () => {
    for (const key of keys) {
      const p = partitionFor(key, 5);
      expect(Number.isInteger(p) && p >= 0 && p < 5).toBe(true);
    }
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects %p partitions', (count) => {
    expect(() => partitionFor('k', count)).toThrow(RangeError);
  });
});
