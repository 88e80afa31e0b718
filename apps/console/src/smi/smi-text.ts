import type { MissedCheckInView, SmiContactOutcome } from '@vigil/contracts';
import { formatDateTime } from '../common/format';

/** What came of a contact, in the words the coordinator chooses from (issue 14 §3, HZ-66). */
export const OUTCOME_LABELS: Readonly<Record<SmiContactOutcome, string>> = {
  'checked-in': 'Spoke to them: check-in done by phone',
  'will-check-in': 'Spoke to them: they will check in',
  'concern-referred': 'Spoke to them: concern referred on',
  'no-answer': 'No answer: try again (stays on this list)',
};

/** "Jo Bloggs, 5 December 2026 at 15:35: No answer — Rang twice", or "None recorded". */
export function lastContactText(m: Pick<MissedCheckInView, 'lastContact'>): string {
  const c = m.lastContact;
  if (!c) return 'None recorded';
  const label = OUTCOME_LABELS[c.outcome].split(':')[0];
  const note = c.note.trim() ? ` – ${c.note.trim()}` : '';
  return `${formatDateTime(c.at)}, ${c.byName ?? 'someone'}: ${label}${note}`;
}

/** The header badge's words, and what a screen reader hears. */
export function missedBadgeText(count: number): string {
  return count === 1 ? '1 missed check-in' : `${count} missed check-ins`;
}

/** Mine first (the named coordinator's own), then the longest missed. */
export function byCoordinatorThenAge(list: readonly MissedCheckInView[]): MissedCheckInView[] {
  return [...list].sort(
    (a, b) => Number(b.mine) - Number(a.mine) || Date.parse(a.missedAt) - Date.parse(b.missedAt),
  );
}
