import type { Admin } from 'kafkajs';
import { createTopicsAndWait } from './create-topics';

function unknownTopic(): Error {
  return Object.assign(new Error('This server does not host this topic-partition'), {
    type: 'UNKNOWN_TOPIC_OR_PARTITION',
  });
}

describe('createTopicsAndWait (issue 15: a fresh KRaft broker answers UNKNOWN_TOPIC_OR_PARTITION for a while)', () => {
  it('waits until every partition has a leader instead of failing the service at start', async () => {
    const leaders = [
      [-1, -1],
      [0, -1],
      [0, 0],
    ];
    let reads = 0;
    const admin = {
      createTopics: jest.fn(async () => {
        throw unknownTopic();
      }),
      fetchTopicMetadata: jest.fn(async () => {
        const now = leaders[Math.min(reads, leaders.length - 1)];
        reads += 1;
        if (reads === 1) throw unknownTopic();
        return {
          topics: [{ name: 't', partitions: now.map((leader, partitionId) => ({ partitionId, leader })) }],
        };
      }),
    } as unknown as Admin;
    await createTopicsAndWait(admin, [{ topic: 't', numPartitions: 2 }], 5_000);
    expect(reads).toBeGreaterThanOrEqual(3);
  });

  it('still fails at once on any other error, and says so when the topic is never served', async () => {
    const refused = {
      createTopics: jest.fn(async () => {
        throw new Error('not authorised');
      }),
    } as unknown as Admin;
    await expect(createTopicsAndWait(refused, [{ topic: 't' }])).rejects.toThrow('not authorised');
    const never = {
      createTopics: jest.fn(async () => {
        throw unknownTopic();
      }),
      fetchTopicMetadata: jest.fn(async () => {
        throw unknownTopic();
      }),
    } as unknown as Admin;
    await expect(createTopicsAndWait(never, [{ topic: 't' }], 600)).rejects.toThrow(
      /not served within 600 ms/,
    );
  });
});
