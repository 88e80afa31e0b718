import { createHash } from 'node:crypto';

/** What ingest remembers of one (device, seq) it published: the digest of its bytes and when it was received. */
interface SeenMessage {
  /** The digests of every content seen under it (the first, then those of a reused seq), a few at most. */
  digests: string[];
  firstSeenAt: number;
}

/** Contents remembered per (device, seq): a counter that resets once or twice, not a device that loops. */
const DIGESTS_PER_SEQ = 8;

/**
 * The (device, seq) pairs ingest published lately, each with a digest of the message's bytes (D3): the same
 * bytes again is a redelivery; different bytes under a seen seq is a device whose counter reset (or a faulty
 * one), stored under observation ids of its own (`{device}:{seq}~{tag}:{i}`), never the first message's.
 * Bounded (oldest forgotten first), so it never grows without end as the old seen-table did.
 */
export class RecentMessages {
  private readonly seen = new Map<string, SeenMessage>();

  constructor(private readonly capacity: number) {}

  static digest(payload: Buffer): string {
    return createHash('sha1').update(payload).digest('base64');
  }

  check(deviceId: string, seq: number, digest: string): 'new' | 'duplicate' | 'seq-reused' {
    const previous = this.seen.get(key(deviceId, seq));
    if (previous === undefined) return 'new';
    return previous.digests.includes(digest) ? 'duplicate' : 'seq-reused';
  }

  /** When the message remembered under this (device, seq) was received, or null when none is. */
  firstSeenAt(deviceId: string, seq: number): Date | null {
    const previous = this.seen.get(key(deviceId, seq));
    return previous === undefined ? null : new Date(previous.firstSeenAt);
  }

  remember(deviceId: string, seq: number, digest: string, receivedAt: Date): void {
    const k = key(deviceId, seq);
    const previous = this.seen.get(k);
    this.seen.delete(k);
    const digests = previous ? [...previous.digests.filter((d) => d !== digest), digest] : [digest];
    this.seen.set(k, {
      digests: digests.slice(-DIGESTS_PER_SEQ),
      firstSeenAt: previous?.firstSeenAt ?? receivedAt.getTime(),
    });
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
