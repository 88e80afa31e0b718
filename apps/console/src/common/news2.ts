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
  /** e.g. "NEWS2 3 – Low–medium" or "NEWS2 at least 1 – partial". */
  text: string;
  colour: TagColour;
  partial: boolean;
  /** e.g. "Missing: SpO2, temperature", or null when complete. */
  missingText: string | null;
}

/**
 * A partial score is a lower bound: it must never read as a low score. So a partial result loses its
 * band colour and band word, says "at least", and names what is missing (when known).
 */
export function presentBand(input: {
  total: number | null;
  band: Band | null;
  partial: boolean;
  missing?: readonly string[];
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
  if (input.partial) {
    return { text: `NEWS2 at least ${input.total} – partial`, colour: 'grey', partial: true, missingText };
  }
  return {
    text: `NEWS2 ${input.total} – ${BAND_LABELS[input.band]}`,
    colour: BAND_COLOURS[input.band],
    partial: false,
    missingText: null,
  };
}
