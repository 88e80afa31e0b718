import { createStream, parseKafkaBrokers } from './create-stream';
import { InProcessStream } from './in-process/in-process-stream';
import { KafkaStream } from './kafka/kafka-stream';

describe('createStream', () => {
  it('chooses the in-process adapter without brokers (embedded mode)', async () => {
    for (const stream of [createStream(), createStream({ kafkaBrokers: [], partitions: 2 })]) {
      expect(stream).toBeInstanceOf(InProcessStream);
      await stream.close();
    }
  });

  it('passes partitions and capacity to the in-process adapter', async () => {
    const stream = createStream({ partitions: 3, partitionCapacity: 5 });
    await stream.ensureTopics(['t']);
    expect((stream as InProcessStream).stats('t')).toEqual(
      expect.objectContaining({ capacityPerPartition: 5, partitions: expect.any(Array) }),
    );
    expect((stream as InProcessStream).stats('t')?.partitions).toHaveLength(3);
    await stream.close();
  });

  it('chooses the Kafka adapter with brokers (distributed mode), without connecting', async () => {
    const stream = createStream({ kafkaBrokers: ['127.0.0.1:1'], clientId: 'test', partitions: 4 });
    expect(stream).toBeInstanceOf(KafkaStream);
    await stream.close();
  });
});

describe('parseKafkaBrokers', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['  ', []],
    ['kafka:9092', ['kafka:9092']],
    [' kafka-1:9092, kafka-2:9093 ,', ['kafka-1:9092', 'kafka-2:9093']],
    ['[::1]:9092', ['[::1]:9092']],
  ])('parses %j', (input, expected) => {
    expect(parseKafkaBrokers(input)).toEqual(expected);
  });

  it.each(['kafka', 'kafka:', 'kafka:port', 'a b:1'])('rejects %j', (input) => {
    expect(() => parseKafkaBrokers(input)).toThrow(RangeError);
  });
});
