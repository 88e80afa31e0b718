import { MqttFrameGuard } from './mqtt-frame-guard';

const limits = { firstPacketBytes: 64, packetBytes: 1024 };

/** A fixed header: type nibble and the MQTT variable-length "remaining length". */
function header(type: number, length: number): Buffer {
  const bytes = [type << 4];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

describe('MqttFrameGuard', () => {
  it('D2: reports a 20 MiB CONNECT from its header alone, before any of its body', () => {
    const violation = new MqttFrameGuard(limits).feed(header(1, 20 * 1024 * 1024));
    expect(violation).toMatchObject({ first: true, packetType: 1, limitBytes: 64 });
    expect(violation!.announcedBytes).toBeGreaterThan(64);
  });

  it('D2: reports it even when the length field arrives one byte at a time', () => {
    const guard = new MqttFrameGuard(limits);
    const bytes = header(1, 20 * 1024 * 1024);
    const results = [...bytes].map((byte) => guard.feed(Buffer.from([byte])));
    expect(results.some((r) => r !== null)).toBe(true);
  });

  it('D1: lets packets within their limits through, split anywhere, and reports a later oversize PUBLISH', () => {
    const guard = new MqttFrameGuard(limits);
    const stream = Buffer.concat([
      header(1, 40),
      Buffer.alloc(40),
      header(3, 1000),
      Buffer.alloc(1000),
      header(12, 0),
      header(3, 10 * 1024 * 1024),
    ]);
    const found = [];
    for (let i = 0; i < stream.length; i += 7) {
      const v = guard.feed(stream.subarray(i, i + 7));
      if (v) {
        found.push(v);
        break;
      }
    }
    expect(found).toEqual([expect.objectContaining({ first: false, packetType: 3, limitBytes: 1024 })]);
  });

  it('reports a malformed length field (a fifth length byte)', () => {
    const violation = new MqttFrameGuard({ firstPacketBytes: Infinity, packetBytes: Infinity }).feed(
      Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff]),
    );
    expect(violation).not.toBeNull();
  });
});
