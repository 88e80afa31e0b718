import type { News2Result } from '@vigil/clinical';
import {
  type Finding,
  NEWS2_PARAMETER,
  partialNote,
  RCP_NEWS2_2017,
  type ReadingContext,
  type RuleDefinition,
} from './rule';

/**
 * Red score (RCP NEWS2 2017, chart 2): a single parameter scoring 3 needs an urgent ward-based response
 * whatever the total. Air or oxygen scores at most 2, so never makes a red score. Clear only on a
 * complete score without a 3.
 */
export const NEWS2_RED_SCORE_RULE: RuleDefinition = {
  id: 'news2-red-score',
  version: 1,
  kind: 'clinical',
  title: 'NEWS2 red score (a single parameter scoring 3)',
  source: RCP_NEWS2_2017,
  autoResolve: true,
};

export function evaluateNews2RedScore(ctx: ReadingContext): Finding[] {
  const score = ctx.score;
  if (!score) return [];
  if (score.redScore) {
    const red = (Object.keys(score.perParameter) as (keyof News2Result['perParameter'])[])
      .filter((k) => score.perParameter[k] === 3)
      .map((k) => NEWS2_PARAMETER[k]);
    return [
      {
        active: true,
        rule: NEWS2_RED_SCORE_RULE,
        subject: '',
        severity: score.band === 'high' ? 'high' : score.band === 'medium' ? 'medium' : 'low-medium',
        reason:
          `Red score: ${red.join(', ')} scoring 3 (NEWS2 ${score.total}): urgent ward-based response at least ` +
          `(RCP NEWS2 2017).${partialNote(score)}`,
        band: score.band,
        news2Total: score.total,
        partial: score.partial,
        triggeringParameters: red,
        at: ctx.at,
      },
    ];
  }
  return score.partial ? [] : [{ active: false, rule: NEWS2_RED_SCORE_RULE, subject: '', at: ctx.at }];
}
