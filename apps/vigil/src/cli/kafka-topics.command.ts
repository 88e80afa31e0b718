import { type Command, InvalidArgumentError } from 'commander';
import type { VigilEnv } from '@vigil/config';
import { streamTopics } from '@vigil/contracts';
import { applyKafkaTopics, type KafkaTopicReport } from '@vigil/stream';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number above 0');
  return n;
}

/** One line per topic, then the problems under it. */
export function formatTopicReports(reports: readonly KafkaTopicReport[]): string {
  return reports
    .flatMap((r) => [
      `${r.action.padEnd(12)} ${r.topic}  partitions=${r.partitions} replication=${r.replicationFactor} min.insync.replicas=${r.minInsyncReplicas ?? '?'}`,
      ...r.problems.map((p) => `             ! ${p}`),
    ])
    .join('\n');
}

/**
 * `vigil kafka-topics`: creates Vigil's stream topics with explicit partitions, replication factor and
 * `min.insync.replicas` (production: 3 brokers, RF 3, min ISR 2 — docs/operations.md), and reports drift.
 * Exits non-zero when something needs an operator.
 */
export function registerKafkaTopicsCommand(program: Command, env: VigilEnv): void {
  program
    .command('kafka-topics')
    .description(
      "create Vigil's Kafka topics (explicit partitions, replication, min.insync.replicas) and report drift",
    )
    .option('--brokers <list>', 'bootstrap brokers, host:port,… (default: KAFKA_BROKERS)')
    .option('--partitions <n>', 'partitions per topic (default: STREAM_PARTITIONS)', positive)
    .option('--replication-factor <n>', 'replicas per partition', positive, 3)
    .option(
      '--min-insync-replicas <n>',
      'replicas that must have a write before it is acknowledged',
      positive,
      2,
    )
    .option('--dry-run', 'report what would change, change nothing')
    .action(
      async (opts: {
        brokers?: string;
        partitions?: number;
        replicationFactor: number;
        minInsyncReplicas: number;
        dryRun?: boolean;
      }) => {
        const brokers = opts.brokers
          ? opts.brokers
              .split(',')
              .map((b) => b.trim())
              .filter(Boolean)
          : (env.KAFKA_BROKERS ?? []);
        if (brokers.length === 0) throw new Error('no brokers: set KAFKA_BROKERS or pass --brokers');
        const reports = await applyKafkaTopics({
          brokers,
          clientId: `${env.KAFKA_CLIENT_ID}-kafka-topics`,
          dryRun: opts.dryRun,
          topics: Object.values(streamTopics).map((topic) => ({
            topic,
            partitions: opts.partitions ?? env.STREAM_PARTITIONS,
            replicationFactor: opts.replicationFactor,
            minInsyncReplicas: opts.minInsyncReplicas,
          })),
        });
        console.log(formatTopicReports(reports));
        if (reports.some((r) => r.problems.length > 0)) process.exitCode = 1;
      },
    );
}
