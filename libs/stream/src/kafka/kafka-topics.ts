import { createTopicsAndWait } from './create-topics';
import { ConfigResourceTypes, Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';

/** How one topic should be (production: RF 3 with min.insync.replicas 2 on 3 brokers; docs/operations.md). */
export interface KafkaTopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** What `applyKafkaTopics` found or did for one topic. */
export interface KafkaTopicReport {
  topic: string;
  action: 'created' | 'would-create' | 'exists' | 'updated' | 'would-update';
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number | null;
  /** Differences an operator must settle by hand (partitions are never changed: it would move patients' keys). */
  problems: string[];
}

export interface ApplyKafkaTopicsOptions {
  brokers: string[];
  clientId?: string;
  topics: readonly KafkaTopicSpec[];
  /** Report what would change, change nothing. */
  dryRun?: boolean;
  kafkaConfig?: Omit<KafkaConfig, 'brokers' | 'clientId'>;
}

/**
 * Creates the missing topics with explicit partitions, replication factor and `min.insync.replicas`, sets
 * `min.insync.replicas` on existing topics where it differs, and reports what it cannot fix: fewer partitions or
 * replicas than asked (adding partitions would move keys, i.e. patients, between partitions and break their
 * order; reassigning replicas is `kafka-reassign-partitions`' job). The `vigil kafka-topics` command.
 */
export async function applyKafkaTopics(options: ApplyKafkaTopicsOptions): Promise<KafkaTopicReport[]> {
  for (const spec of options.topics) validate(spec);
  const kafka = new Kafka({
    logLevel: logLevel.WARN,
    ...options.kafkaConfig,
    clientId: options.clientId ?? 'vigil-kafka-topics',
    brokers: options.brokers,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const existing = new Set(await admin.listTopics());
    const reports: KafkaTopicReport[] = [];
    for (const spec of options.topics) {
      const problems: string[] = [];
      if (spec.replicationFactor > brokers.length) {
        problems.push(
          `replication factor ${spec.replicationFactor} needs at least that many brokers, the cluster has ${brokers.length}`,
        );
      }
      if (!existing.has(spec.topic)) {
        if (!options.dryRun && problems.length === 0) {
          await createTopicsAndWait(admin, [
            {
              topic: spec.topic,
              numPartitions: spec.partitions,
              replicationFactor: spec.replicationFactor,
              configEntries: [{ name: 'min.insync.replicas', value: String(spec.minInsyncReplicas) }],
            },
          ]);
        }
        reports.push({
          topic: spec.topic,
          action: options.dryRun || problems.length > 0 ? 'would-create' : 'created',
          partitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          minInsyncReplicas: spec.minInsyncReplicas,
          problems,
        });
        continue;
      }
      reports.push(await reconcile(admin, spec, problems, options.dryRun ?? false));
    }
    return reports;
  } finally {
    await admin.disconnect();
  }
}

async function reconcile(
  admin: Admin,
  spec: KafkaTopicSpec,
  problems: string[],
  dryRun: boolean,
): Promise<KafkaTopicReport> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [spec.topic] });
  const partitions = topics[0]?.partitions ?? [];
  const replicationFactor = Math.min(...partitions.map((p) => p.replicas.length));
  if (partitions.length < spec.partitions) {
    problems.push(
      `has ${partitions.length} partitions, ${spec.partitions} asked: not changed (more partitions would move patients' keys and break their order; plan a migration)`,
    );
  }
  if (replicationFactor < spec.replicationFactor) {
    problems.push(
      `replication factor ${replicationFactor}, ${spec.replicationFactor} asked: reassign replicas with kafka-reassign-partitions`,
    );
  }
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: spec.topic, configNames: ['min.insync.replicas'] }],
  });
  const entry = described.resources[0]?.configEntries.find((e) => e.configName === 'min.insync.replicas');
  const current = entry ? Number(entry.configValue) : null;
  let action: KafkaTopicReport['action'] = 'exists';
  if (current !== spec.minInsyncReplicas) {
    action = dryRun ? 'would-update' : 'updated';
    if (!dryRun) {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: spec.topic,
            configEntries: [{ name: 'min.insync.replicas', value: String(spec.minInsyncReplicas) }],
          },
        ],
      });
    }
  }
  return {
    topic: spec.topic,
    action,
    partitions: partitions.length,
    replicationFactor,
    minInsyncReplicas: action === 'updated' ? spec.minInsyncReplicas : current,
    problems,
  };
}

function validate(spec: KafkaTopicSpec): void {
  if (typeof spec.topic !== 'string' || spec.topic.length === 0)
    throw new TypeError('topic must be a non-empty string');
  for (const [name, value] of [
    ['partitions', spec.partitions],
    ['replicationFactor', spec.replicationFactor],
    ['minInsyncReplicas', spec.minInsyncReplicas],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  if (spec.minInsyncReplicas > spec.replicationFactor) {
    throw new RangeError(
      `min.insync.replicas (${spec.minInsyncReplicas}) above the replication factor (${spec.replicationFactor}) would refuse every write`,
    );
  }
}
