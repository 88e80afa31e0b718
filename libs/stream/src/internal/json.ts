/**
 * The one serialisation both adapters use, so a value looks the same to a consumer in either mode.
 * `undefined` (and functions) serialise as `null`, as a Kafka tombstone would read.
 */
export function encodeValue(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  return json ?? 'null';
}

export function decodeValue(json: string): unknown {
  return JSON.parse(json) as unknown;
}
