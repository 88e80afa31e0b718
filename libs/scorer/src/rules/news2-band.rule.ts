import { clinicalResponse } from '@vigil/clinical';
import {
  type ClearFinding,
  type Finding,
  partialNote,
  RCP_NEWS2_2017,
  type ReadingContext,
  type RuleDefinition,
} from './rule';

/**
 * NEWS2 band (RCP NEWS2 2017, chart 2): an aggregate of 5–6 needs an urgent response, 7 or more an
 * emergency response. One episode per patient; a rise from medium to high updates it (severity high).
 * A partial score at or above 5 fires (a lower bound of 5 is at least 5); a partial score below 5 does
 * not count as clear, because the missing parameters could carry it over the cut-off.
 */
export const NEWS2_BAND_RULE: RuleDefinition = {
  id: 'news2-band',
  version: 1,
  kind: 'clinical',
  title: 'NEWS2 aggregate 5 or more',
  source: RCP_NEWS2_2017,
  autoResolve: true,
};

export const NEWS2_BAND_THRESHOLD = 5;

export function evaluateNews2Band(ctx: ReadingContext): Finding[] {
  const score = ctx.score;
  if (!score) return [];
  if (score.total >= NEWS2_BAND_THRESHOLD) {
    const response = clinicalResponse(score);
    return [
      {
        active: true,
        rule: NEWS2_BAND_RULE,
        subject: '',
        severity: score.band === 'high' ? 'high' : 'medium',
        reason:
          `NEWS2 ${score.total} (${score.band} band): ${response.responseLevel} response, ` +
          `${response.minimumObservationFrequency} observations (RCP NEWS2 2017).${partialNote(score)}`,
        band: score.band,
        news2Total: score.total,
        partial: score.partial,
        triggeringParameters: [],
        at: ctx.at,
      },
    ];
  }
  if (score.partial) return [];
  const clear: ClearFinding = { active: false, rule: NEWS2_BAND_RULE, subject: '', at: ctx.at };
  return [clear];
}
