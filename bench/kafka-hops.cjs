// Kafka's own share of the distributed latency (issue 11): two hops through Vigil's Kafka adapter with no database
// and no work in the handlers. Records go to topic A at RATE per second for SECONDS (keyed by 200 patients); a
// group consuming A's 8 partitions at once republishes each batch to B and resolves (as the scorer publishes alert
// events); a fan-out subscriber reads B (as the api reads them). Prints the p50/p99 ms of the publish (acks=all),
// of the arrival at A's handler and at B's, over the last 80% of the run.
//   node bench/kafka-hops.cjs          (a private broker from infra/kafka/kafka.sh; KAFKA_BROKERS=host:port: that one)
require('../tools/register-ts.cjs');
const { KafkaStream } = require('../libs/stream/src/kafka/kafka-stream.ts');
const { startPrivateKafka } = require('./e2e/engines.cjs');

const rate = Number(process.env.RATE ?? 1000);
const seconds = Number(process.env.SECONDS ?? 20);
const now = () => performance.timeOrigin + performance.now();
const percentiles = (values) => {
  const sorted = values.slice(Math.floor(values.length * 0.2)).sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return sorted.length === 0 ? null : { p50: +at(0.5).toFixed(1), p99: +at(0.99).toFixed(1) };
};

(async () => {
  const kafka = process.env.KAFKA_BROKERS ? null : await startPrivateKafka();
  const brokers = [process.env.KAFKA_BROKERS ?? kafka.brokers];
  const run = `hops-${Date.now()}`;
  const stream = (options) => new KafkaStream({ brokers, partitions: 8, onError: () => {}, ...options });
  const producer = stream({});
  const middle = stream({ partitionsConsumedConcurrently: 8 });
  const last = stream({});
  const published = [];
  const atA = [];
  const atB = [];
  const batchSizes = [];
  try {
    await middle.subscribe({
      topic: `${run}.a`,
      groupId: `${run}-a`,
      maxBatchSize: 100,
      handle: async (batch) => {
        const t = now();
        batchSizes.push(batch.records.length);
        for (const r of batch.records) atA.push(t - r.value.t);
        await middle.publish(
          `${run}.b`,
          batch.records.map((r) => ({ key: r.key, value: r.value })),
        );
      },
    });
    await last.subscribe({
      topic: `${run}.b`,
      groupId: `${run}-b`,
      fanOut: true,
      handle: async (batch) => {
        const t = now();
        for (const r of batch.records) atB.push(t - r.value.t);
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const start = Date.now();
    let sent = 0;
    while (Date.now() - start < seconds * 1000) {
      for (const due = Math.floor(((Date.now() - start) / 1000) * rate); sent < due; sent += 1) {
        const t = now();
        void producer
          .publish(`${run}.a`, [{ key: `patient-${sent % 200}`, value: { t } }])
          .then(() => published.push(now() - t));
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
    console.log(
      JSON.stringify({
        rate,
        seconds,
        sent,
        receivedAtB: atB.length,
        publishMs: percentiles(published),
        arrivalAtAMs: percentiles(atA),
        arrivalAtBMs: percentiles(atB),
        meanRecordsPerBatchAtA: +(batchSizes.reduce((a, b) => a + b, 0) / batchSizes.length).toFixed(1),
      }),
    );
  } finally {
    await Promise.all([producer.close(), middle.close(), last.close()]).catch(() => undefined);
    kafka?.stop();
  }
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
