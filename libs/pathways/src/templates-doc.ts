import { PARAMETER_DEFINITIONS } from '@vigil/contracts';
import { TIER_LABELS } from './escalation';
import { SAFE_THRESHOLD_BOUNDS, SAFE_THRESHOLD_SOURCE } from './threshold-bounds';
import { PATHWAY_IDS, PATHWAY_TEMPLATES } from './templates';

const every = (m: number): string =>
  m % (24 * 60) === 0 ? `${m / (24 * 60)} day(s)` : m % 60 === 0 ? `${m / 60} h` : `${m} min`;

/**
 * Each pathway template as tables for clinical review (docs/pathways.md is checked against this, so the
 * document cannot drift from the code).
 */
export function templatesMarkdown(): string {
  const out: string[] = [];
  for (const id of PATHWAY_IDS) {
    const t = PATHWAY_TEMPLATES[id];
    out.push(`### ${t.title} (\`${t.id}\`, version ${t.version})`, '', t.summary, '');
    out.push(
      `SpO2 scale ${t.spo2Scale}${t.needsOxygenPrescription ? ' (a clinician records the oxygen prescription, audited)' : ''}. ` +
        `First contact: ${t.firstContact}.`,
      '',
    );
    out.push('| parameter | schedule | grace | source |', '| --- | --- | --- | --- |');
    for (const s of t.schedules) {
      out.push(
        `| ${PARAMETER_DEFINITIONS[s.parameter].display} | every ${every(s.everyMinutes)} | ${every(s.graceMinutes)} | ${s.source} |`,
      );
    }
    out.push('');
    out.push('| threshold or rule | value | note or source |', '| --- | --- | --- |');
    for (const th of t.thresholds) {
      const v = [
        th.below !== undefined ? `below ${th.below}` : '',
        th.above !== undefined ? `above ${th.above}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      out.push(
        `| ${PARAMETER_DEFINITIONS[th.parameter].display} | ${v} ${PARAMETER_DEFINITIONS[th.parameter].unit} | ${th.note} |`,
      );
    }
    for (const r of t.trendRules)
      out.push(`| Weight gain | ≥ ${r.gainKg} kg within ${r.windowHours} h | ${r.source} |`);
    out.push(
      t.tightening
        ? `| Tightening | NEWS2 ≥ ${t.tightening.news2AtLeast}${t.tightening.onRedScore ? ' or a red score' : ''} → NEWS2 readings every ${every(t.tightening.everyMinutes)}; relaxes when it falls back | ${t.tightening.source} |`
        : '| Tightening | none | — |',
    );
    out.push('');
    out.push('| escalation tier | response-time target |', '| --- | --- |');
    for (const e of t.escalation) out.push(`| ${TIER_LABELS[e.tier]} | ${e.responseMinutes} min |`);
    out.push(
      '',
      `Discharge criteria: ${t.discharge.text} (${t.discharge.source}).`,
      '',
      `Sources: ${t.sources.join('; ')}.`,
      '',
    );
  }
  out.push(
    '### Safe bounds of a personal threshold (tailoring, HZ-62)',
    '',
    'A personal threshold alerts on top of NEWS2, never instead of it. A clinician may set one only within these',
    `bounds (${SAFE_THRESHOLD_SOURCE}); other parameters take none.`,
    '',
    '| parameter | alert below | alert above | note |',
    '| --- | --- | --- | --- |',
  );
  for (const [parameter, b] of Object.entries(SAFE_THRESHOLD_BOUNDS)) {
    if (!b) continue;
    const range = (r?: { min: number; max: number }) => (r ? `${r.min}–${r.max} ${b.unit}` : '—');
    out.push(
      `| ${PARAMETER_DEFINITIONS[parameter as keyof typeof PARAMETER_DEFINITIONS].display} | ${range(b.below)} | ${range(b.above)} | ${b.note ?? '—'} |`,
    );
  }
  out.push('');
  return out.join('\n');
}
