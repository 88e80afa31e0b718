import type { Admin, ITopicConfig } from 'kafkajs';

/** Errors a broker gives while a topic it has just created is not yet served (a fresh KRaft broker does). */
function notYetServed(error: unknown): boolean {
  const e = error as { type?: string; message?: string } | null;
  return (
    e?.type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
    e?.type === 'LEADER_NOT_AVAILABLE' ||
    /does not host this topic-partition|no leader for this topic-partition/i.test(e?.message ?? '')
  );
}

/**
 * `createTopics` that waits until every partition of the new topics has a leader. kafkajs' `waitForLeaders`
 * retries only LEADER_NOT_AVAILABLE, but a freshly started KRaft broker answers UNKNOWN_TOPIC_OR_PARTITION for
 * a while after creating a topic, and the service that asked then failed at start (found by the distributed
 * fault suite, issue 15). Such answers are waited out (up to `timeoutMs`) by re-reading the metadata.
 */
export async function createTopicsAndWait(
  admin: Admin,
  topics: ITopicConfig[],
  timeoutMs = 30_000,
): Promise<void> {
  try {
    await admin.createTopics({ waitForLeaders: true, topics });
    return;
  } catch (error) {
    if (!notYetServed(error)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
      if (found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (!notYetServed(error)) throw error;
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `Kafka topics ${topics.map((t) => t.topic).join(', ')} were created but not served within ${timeoutMs} ms` +
      (last instanceof Error ? `: ${last.message}` : ''),
  );
}
