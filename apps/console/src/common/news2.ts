import type { News2Score } from '@vigil/contracts';

type Band = News2Score['band'];

/** Band words a nurse reads on the RCP chart; the tag always carries them, never colour alone. */
export const BAND_LABELS: Readonly<Record<Band, string>> = {
  low: 'Low',
  'low-medium': 'Low–medium',
  medium: 'Medium',
  high: 'High',
};

export type TagColour = 'white' | 'grey' | 'yellow' | 'orange' | 'red';

const BAND_COLOURS: Readonly<Record<Band, TagColour>> = {
  low: 'white',
  'low-medium': 'yellow',
  medium: 'orange',
  high: 'red',
};

/** The News2Input names `missing` uses, in words. */
const MISSING_LABELS: Readonly<Record<string, string>> = {
  respiratoryRate: 'respiration rate',
  spo2: 'SpO2',
  onOxygen: 'air or oxygen',
  systolicBp: 'blood pressure',
  pulse: 'pulse',
  consciousness: 'consciousness',
  temperatureC: 'temperature',
};

export function missingLabel(field: string): string {
  return MISSING_LABELS[field] ?? field;
}

export interface BandPresentation {
  /** e.g. "NEWS2 3 – Low–medium", "NEWS2 at least 9 – partial" or "NEWS2 5–7, oxygen unknown – up to High". */
  text: string;
  colour: TagColour;
  partial: boolean;
  /** e.g. "Missing: SpO2, temperature", or null when complete. */
  missingText: string | null;
}

/**
 * R10: a partial score is a lower bound, so it keeps the colour of the band it has already reached
 * ("NEWS2 at least 9 – partial" is red): losing it would make the most urgent incomplete scores look
 * the least urgent. It never carries a band word, says "at least" and names what is missing. A partial
 * score still in the low band stays grey, not white: white would read as a confirmed low score.
 *
 * N1: a score with a `range` (air or oxygen unknown on SpO2 scale 2) shows lowest–highest; `total` and
 * `band` are the highest, which alerting acts on, so the colour is the highest's.
 */
export function presentBand(input: {
  total: number | null;
  band: Band | null;
  partial: boolean;
  missing?: readonly string[];
  range?: { lowest: number; highest: number } | null;
}): BandPresentation {
  const missingText =
    input.partial && input.missing && input.missing.length > 0
      ? `Missing: ${input.missing.map(missingLabel).join(', ')}`
      : input.partial
        ? 'Missing: some parameters'
        : null;
  if (input.total === null || input.band === null) {
    return { text: 'No NEWS2 score', colour: 'grey', partial: input.partial, missingText };
  }
  const range = input.range && input.range.lowest !== input.range.highest ? input.range : null;
  const value = range ? `${range.lowest}–${range.highest}, oxygen unknown` : `${input.total}`;
  if (input.partial) {
    return {
      text: `NEWS2 at least ${value} – partial`,
      colour: input.band === 'low' ? 'grey' : BAND_COLOURS[input.band],
      partial: true,
      missingText,
    };
  }
  return {
    text: range
      ? `NEWS2 ${value} – up to ${BAND_LABELS[input.band]}`
      : `NEWS2 ${value} – ${BAND_LABELS[input.band]}`,
    colour: BAND_COLOURS[input.band],
    partial: false,
    missingText: null,
  };
}

/**
 * N1: alerts carry the highest total of a score whose oxygen is unknown, not its range. The patient's
 * latest score has the range; it is the alert's score only when its highest is the alert's total.
 */
export function alertScoreRange(
  alert: { news2Total: number | null },
  latest: Pick<News2Score, 'range'> | null | undefined,
): { lowest: number; highest: number } | null {
  const range = latest?.range ?? null;
  return range && alert.news2Total !== null && range.highest === alert.news2Total ? range : null;
}
