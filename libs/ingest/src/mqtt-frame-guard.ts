/**
 * Reads only the fixed header of each MQTT packet as the bytes arrive (issue 12, D1 and D2): aedes buffers a
 * whole packet before it parses it, so a client announcing a 20 MiB CONNECT or a 10 MB PUBLISH would hold
 * that memory. The guard sees the announced "remaining length" first and reports a packet over its limit
 * before its body is read; the broker then closes the connection.
 */
export interface FrameLimits {
  /** Largest first packet (the CONNECT, before the client is authenticated), bytes. */
  firstPacketBytes: number;
  /** Largest later packet, bytes. */
  packetBytes: number;
}

export interface FrameViolation {
  /** The announced remaining length (a lower bound when the length field itself was cut short). */
  announcedBytes: number;
  limitBytes: number;
  /** Whether it was the first packet (the CONNECT). */
  first: boolean;
  /** MQTT control packet type (3 = PUBLISH, 1 = CONNECT). */
  packetType: number;
}

export class MqttFrameGuard {
  private state: 'type' | 'length' | 'body' = 'type';
  private packetType = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;
  private packets = 0;

  constructor(private readonly limits: FrameLimits) {}

  /** Scans `chunk`; returns the first violation in it, or null. After a violation the guard stops. */
  feed(chunk: Buffer): FrameViolation | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'type') {
        this.packetType = chunk[i] >> 4;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        this.state = 'length';
        i += 1;
      } else if (this.state === 'length') {
        const byte = chunk[i];
        i += 1;
        this.length += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes += 1;
        const first = this.packets === 0;
        const limitBytes = first ? this.limits.firstPacketBytes : this.limits.packetBytes;
        // The length arrives low byte first, so a partial sum is already a lower bound.
        if (this.length > limitBytes || (this.lengthBytes === 4 && byte & 0x80)) {
          return { announcedBytes: this.length, limitBytes, first, packetType: this.packetType };
        }
        if ((byte & 0x80) === 0) {
          this.packets += 1;
          this.remaining = this.length;
          this.state = this.remaining === 0 ? 'type' : 'body';
        }
      } else {
        const take = Math.min(this.remaining, chunk.length - i);
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'type';
      }
    }
    return null;
  }
}
