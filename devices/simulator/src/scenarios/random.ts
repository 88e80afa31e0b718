/**
 * A small seeded pseudo-random generator (mulberry32). Scenarios draw every random choice from one of
 * these so that a seed replays the same patients, vitals and faults: a demo that misbehaves can be
 * reproduced exactly.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Integer uniform in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const between = (min: number, max: number): number => min + (max - min) * next();
  const int = (min: number, max: number): number => Math.floor(between(min, max + 1));
  return {
    next,
    between,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick: no items');
      return items[int(0, items.length - 1)];
    },
  };
}

/** A seed derived from a parent seed and a label, so each patient and device has its own stream. */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  // FNV-1a over the seed and the labels: stable across runs and platforms.
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of labels.join('/')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
