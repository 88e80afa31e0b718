import { createHash } from 'node:crypto';

/**
 * The (device, seq) pairs ingest published lately, each with a digest of the message's bytes (D3): the same
 * bytes again is a redelivery; different bytes under a seen seq is a device whose counter reset, and its
 * readings are new. Bounded (oldest forgotten first), so it never grows without end as the old seen-table did.
 */
export class RecentMessages {
  private readonly seen = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  static digest(payload: Buffer): string {
    return createHash('sha1').update(payload).digest('base64');
  }

  check(deviceId: string, seq: number, digest: string): 'new' | 'duplicate' | 'seq-reused' {
    const previous = this.seen.get(key(deviceId, seq));
    if (previous === undefined) return 'new';
    return previous === digest ? 'duplicate' : 'seq-reused';
  }

  remember(deviceId: string, seq: number, digest: string): void {
    const k = key(deviceId, seq);
    this.seen.delete(k);
    this.seen.set(k, digest);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}

function key(deviceId: string, seq: number): string {
  return `${deviceId}\u0000${seq}`;
}
