import { severityRank } from '@vigil/contracts';
import type { AlertAuditEntry, AlertRecord } from './alert-record';
import type { EpisodeBook } from './episodes';
import { LATE_NOTE_MINUTES } from './policy';
import type { ActiveFinding, Finding } from './rules/rule';

/**
 * R7 on arrival (`policy.ts`, HZ-06, HZ-07): what a late reading's alert says about its age, and the note a
 * stale backlog that pages nothing leaves on the patient's alert.
 */

const MINUTE = 60_000;

/** "40 min", "3 h 5 min", "2 days 4 h": how long, in words a nurse reads at a glance (rounded down). */
export function formatLateness(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / MINUTE));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} days` : `${days} days ${hours % 24} h`;
}

/** The sentence a late finding's reason ends with, or '' when the reading arrived on time. */
export function lateNote(ruleId: string, measuredAt: Date, now: Date): string {
  const late = now.getTime() - measuredAt.getTime();
  if (late < LATE_NOTE_MINUTES * MINUTE) return '';
  const age = formatLateness(late);
  if (ruleId === 'fall') {
    return ` Late data: this fall reached Vigil ${age} after it happened, and nobody was alerted before now — check on the patient.`;
  }
  return ` Late data: measured at ${measuredAt.toISOString()}, ${age} before it reached Vigil.`;
}

/**
 * A finding from readings measured at `measuredAt`, with its age said where it is more than a few minutes
 * late. The note goes on the first (most urgent) reason too: the console shows the reasons, one a line.
 */
export function withLateNote(finding: Finding, measuredAt: Date, now: Date): Finding {
  if (!finding.active) return finding;
  const note = lateNote(finding.rule.id, measuredAt, now);
  if (!note) return finding;
  if (!finding.reasons || finding.reasons.length === 0) {
    return { ...finding, reason: finding.reason + note };
  }
  const reasons = finding.reasons.map((r, i) => (i === 0 ? { ...r, text: r.text + note } : r));
  return { ...finding, reasons, reason: reasons.map((r) => r.text).join(' ') };
}

/** What a stale backlog would have raised, had it been current: kept for the note, never applied. */
export interface UnpagedFinding {
  finding: ActiveFinding;
  measuredAt: Date;
  /** When Vigil received those readings (ingest's `receivedAt`): how late the note says they came. */
  arrivedAt: Date;
  /** Event-time groups of the backlog that would have alerted. */
  groups: number;
}

/** The more urgent of two unpaged findings (the newer on a tie), counting the groups behind both. */
export function worseUnpaged(
  held: UnpagedFinding | null,
  finding: ActiveFinding,
  measuredAt: Date,
  arrivedAt: Date,
): UnpagedFinding {
  if (!held) return { finding, measuredAt, arrivedAt, groups: 1 };
  const groups = held.groups + 1;
  return severityRank(finding.severity) <= severityRank(held.finding.severity)
    ? { finding, measuredAt, arrivedAt, groups }
    : { ...held, groups };
}

export const LATE_DATA_NOT_PAGED = 'late-data-not-paged';

/**
 * R7 on arrival: the audit row that tells whoever works the patient's unresolved alert what a stale backlog
 * showed — on the clinical alert, else the fall alert, else the newest other unresolved one (the
 * overdue-reading or device-offline alert the same silence usually raised). Null when the patient has none:
 * the backlog is then in the chart only (retrospective score and readings).
 */
export function lateDataAudit(
  book: EpisodeBook,
  patientId: string,
  known: readonly { ruleId: string; subject: string }[],
  unpaged: UnpagedFinding,
  now: Date,
  windowMinutes: number,
): AlertAuditEntry | null {
  let target: AlertRecord | undefined;
  for (const k of [{ ruleId: 'deterioration', subject: '' }, { ruleId: 'fall', subject: '' }, ...known]) {
    const e = book.episode(patientId, k.ruleId, k.subject);
    if (!e || e.state === 'resolved') continue;
    if (e.ruleId === 'deterioration' || e.ruleId === 'fall') {
      target = e;
      break;
    }
    if (!target || e.openedAt > target.openedAt) target = e;
  }
  if (!target) return null;
  const { finding, measuredAt, arrivedAt, groups } = unpaged;
  const late = arrivedAt.getTime() - measuredAt.getTime();
  return {
    alertId: target.id,
    at: now,
    actor: null,
    action: LATE_DATA_NOT_PAGED,
    fromState: target.state,
    toState: target.state,
    detail: {
      note:
        `Not paged: readings measured at ${measuredAt.toISOString()} reached Vigil ${formatLateness(late)} ` +
        `later, beyond the ${formatLateness(windowMinutes * MINUTE)} freshness window, so they do not say how ` +
        `the patient is now (R7). Stored, charted and scored for the record. Had they been current: ${finding.reason}`,
      measuredAt: measuredAt.toISOString(),
      minutesLate: Math.floor(late / MINUTE),
      ruleId: finding.rule.id,
      severity: finding.severity,
      news2Total: finding.news2Total,
      band: finding.band,
      groups,
    },
  };
}
