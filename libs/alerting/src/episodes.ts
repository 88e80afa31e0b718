import { type AlertEvent, severityRank, type AlertSeverity } from '@vigil/contracts';
import {
  type AlertAuditEntry,
  type AlertChanges,
  type AlertRecord,
  alertEvent,
  isSnoozed,
  newAlertRecord,
} from './alert-record';
import type { AlertingPolicy } from './policy';
import type { MonitoringSchedule } from './patient-context';
import { ESCALATION_TIERS, startingTier, TIER_LABELS } from '@vigil/pathways';
import type { ActiveFinding, Finding } from './rules/rule';

/** Issue 14: `escalationDestination` of a care-home resident's fall while it waits for the home's staff. */
export const CARE_HOME_DESTINATION = 'care-home';
/** Where such a fall goes when the home does not acknowledge it in time. */
export const VIRTUAL_WARD_DESTINATION = 'virtual-ward';
const FALL_RULE_ID = 'fall';

const key = (patientId: string, ruleId: string, subject: string): string =>
  `${patientId}|${ruleId}|${subject}`;

/**
 * The patient an episode belongs to (a `PatientContext` fits): with a plan, its monitoring carries the
 * escalation ladder (issue 13); a care-home resident's falls go to the home first (issue 14).
 */
export type EpisodePatient = {
  patientId: string;
  wardId: string;
  monitoring?: MonitoringSchedule;
  careHomeId?: string | null;
};

/** `a` is more urgent than `b`. */
export const worse = (a: AlertSeverity, b: AlertSeverity): boolean => severityRank(a) < severityRank(b);

/**
 * R6: the reason an alert reaches the CCC the moment it opens (falls, NEWS2 ≥ 7, and — issue 14 — chest
 * pain now or breathlessness at rest reported by the patient or a carer), by its most urgent reason.
 */
function cccAtOnceReason(record: Pick<AlertRecord, 'severity' | 'reasons'>): string {
  if (record.severity === 'critical') return 'Sent to the CCC at once: a fall needs a response now.';
  if (record.reasons[0]?.ruleId === 'reported-symptom') {
    return 'Sent to the CCC at once: chest pain now or breathlessness at rest, reported, needs an emergency response.';
  }
  return 'Sent to the CCC at once: NEWS2 7 or more needs an emergency response (RCP NEWS2 2017).';
}

/**
 * The alert episode state machine for what the rules find (SPEC §4). Holds the unresolved episodes of
 * some patients, changes them in memory as findings arrive in event-time order, and `changes()` says
 * what to save, audit and publish — in the caller's one transaction.
 *
 * | episode now                      | finding                       | next                                          | event         |
 * |----------------------------------|-------------------------------|-----------------------------------------------|---------------|
 * | none                             | active                        | open (CCC at once if critical/high, R6)       | alert.opened  |
 * | open/acknowledged/escalated      | active, same or better        | same state, reasons updated                   | alert.updated if changed |
 * | acknowledged                     | active, worse                 | open, attention restarts, snooze broken       | alert.updated |
 * | escalated                        | active, worse                 | escalated, snooze broken                      | alert.updated |
 * | acknowledged/escalated/snoozed   | new event (fall, implausible) | open, attention restarts, snooze broken (R2)  | alert.updated |
 * | open, clear long enough (HZ-09)  | clear                         | resolved by the rule (audited)                | alert.resolved |
 * | acknowledged/escalated           | clear                         | unchanged: a person resolves what they own     | none          |
 */
export class EpisodeBook {
  private readonly open = new Map<string, AlertRecord>();
  private readonly touched = new Map<string, AlertRecord>();
  private readonly order: string[] = [];
  private readonly events: AlertEvent[] = [];
  private readonly audits: AlertAuditEntry[] = [];

  constructor(
    episodes: readonly AlertRecord[],
    private readonly policy: Pick<AlertingPolicy, 'hysteresis' | 'cccAtOnce'>,
    private readonly now: Date,
  ) {
    for (const e of episodes) this.open.set(key(e.patientId, e.ruleId, e.subject), e);
  }

  /** The unresolved episode of (patient, rule, subject), as changed so far. */
  episode(patientId: string, ruleId: string, subject: string): AlertRecord | undefined {
    return this.open.get(key(patientId, ruleId, subject));
  }

  apply(patient: EpisodePatient, finding: Finding): void {
    const k = key(patient.patientId, finding.rule.id, finding.subject);
    const existing = this.open.get(k);
    if (finding.active) {
      if (existing) this.update(k, existing, finding);
      else this.openEpisode(k, patient, finding);
    } else if (existing && finding.rule.autoResolve) {
      this.clear(k, existing, finding.at);
    }
  }

  changes(): AlertChanges {
    // Resolved episodes first: the open-episode unique index must see them closed before a new one opens.
    const records = this.order.map((id) => this.touched.get(id) as AlertRecord);
    const save = [
      ...records.filter((r) => r.state === 'resolved'),
      ...records.filter((r) => r.state !== 'resolved'),
    ];
    return { save, events: this.events, audits: this.audits };
  }

  private put(k: string, record: AlertRecord): void {
    if (!this.touched.has(record.id)) this.order.push(record.id);
    this.touched.set(record.id, record);
    if (record.state === 'resolved') this.open.delete(k);
    else this.open.set(k, record);
  }

  private audit(
    a: AlertRecord,
    action: string,
    from: AlertRecord['state'] | null,
    detail: Record<string, unknown>,
  ): void {
    this.audits.push({
      alertId: a.id,
      at: this.now,
      actor: null,
      action,
      fromState: from,
      toState: a.state,
      detail,
    });
  }

  private withCcc(record: AlertRecord): AlertRecord {
    if (record.escalatedAt !== null || !this.policy.cccAtOnce.includes(record.severity)) return record;
    return {
      ...record,
      escalatedAt: this.now,
      escalatedBy: null,
      escalationReason: cccAtOnceReason(record),
      escalationDestination: 'ccc',
    };
  }

  /**
   * Issue 13: an alert of a patient with a plan's ladder carries a copy of it and starts at its first tier
   * — or, for NEWS2 ≥ 7 and falls, at the CCC with the clinician told too (escalated at once).
   */
  private withTier(record: AlertRecord, ladder: MonitoringSchedule['escalation']): AlertRecord {
    if (!ladder || ladder.length === 0 || record.kind !== 'clinical') return record;
    const start = startingTier(ladder, record.severity);
    const tiered: AlertRecord = {
      ...record,
      ladder: ladder.map((t) => ({ ...t })),
      tier: start.tier,
      tierSince: this.now,
    };
    if (start.tier === 'ward-nurse' || record.escalatedAt !== null) return tiered;
    const told = [...start.alsoNotified, start.tier].map((t) => TIER_LABELS[t]).join(' and ');
    return {
      ...tiered,
      state: 'escalated',
      escalatedAt: this.now,
      escalatedBy: null,
      escalationReason: `Sent at once to the ${told}.`,
      escalationDestination: start.tier,
    };
  }

  private openEpisode(k: string, patient: EpisodePatient, f: ActiveFinding): void {
    const opened = newAlertRecord({
      patientId: patient.patientId,
      wardId: patient.wardId,
      ruleId: f.rule.id,
      ruleVersion: f.rule.version,
      subject: f.subject,
      kind: f.rule.kind,
      severity: f.severity,
      reason: f.reason,
      reasons: reasonsOf(f),
      band: f.band,
      news2Total: f.news2Total,
      partial: f.partial,
      triggeringParameters: f.triggeringParameters,
      lastObservationAt: f.lastReadingAt !== undefined ? f.lastReadingAt : f.at,
      at: this.now,
    });
    // Issue 14: a care-home resident's fall goes to the home's staff first, not to the CCC at once; the
    // timers send it on to the virtual ward if the home does not acknowledge it in time (and from there it
    // escalates by severity). Otherwise, issue 13: the plan's ladder decides the first tier.
    const toCareHome = Boolean(patient.careHomeId) && f.rule.id === FALL_RULE_ID;
    const record = toCareHome
      ? { ...opened, escalationDestination: CARE_HOME_DESTINATION }
      : this.withTier(this.withCcc(opened), patient.monitoring?.escalation);
    this.put(k, record);
    this.audit(record, 'opened', null, {
      ruleVersion: f.rule.version,
      severity: f.severity,
      reason: f.reason,
      ...(record.tier ? { tier: record.tier } : {}),
    });
    if (toCareHome) this.audit(record, 'sent-to-care-home', 'open', { careHomeId: patient.careHomeId });
    if (record.escalatedAt !== null) {
      this.audit(record, 'sent-to-ccc', 'open', { reason: record.escalationReason });
    }
    this.events.push(alertEvent('alert.opened', record, this.now, null));
  }

  private update(k: string, e: AlertRecord, f: ActiveFinding): void {
    const worsened = worse(f.severity, e.severity);
    const newEvent = f.rule.eachFiringIsNew === true;
    // An acknowledged alert whose condition had cleared for as long as would have closed it, had no one owned it,
    // and has now come back: what the acknowledgement covered is over, and this is a new occurrence (R2). Without
    // the hysteresis, a value flapping at its threshold would reopen it at every crossing.
    const recurred = e.state === 'acknowledged' && this.clearedEnough(e, f.at);
    const needsAttention = worsened || newEvent || recurred;
    const reasons = reasonsOf(f);
    const changed =
      f.severity !== e.severity ||
      f.news2Total !== e.news2Total ||
      f.partial !== e.partial ||
      f.reason !== e.reason;
    let next: AlertRecord = {
      ...e,
      severity: f.severity,
      reason: f.reason,
      reasons,
      band: f.band,
      news2Total: f.news2Total,
      partial: f.partial,
      triggeringParameters: f.triggeringParameters,
      lastObservationAt: newestReading(e.lastObservationAt, f),
      conditionActive: true,
      clearSince: null,
      clearReadings: 0,
      updatedAt: this.now,
    };
    // An expired snooze is history (its audit row stays): the episode no longer carries it.
    if (e.snoozedUntil !== null && !isSnoozed(e, this.now)) {
      next = { ...next, snoozedUntil: null, snoozedBy: null, snoozeSeverity: null };
    }
    // R3: a snooze never hides a worsening or a new event.
    if (needsAttention && isSnoozed(e, this.now)) {
      next = { ...next, snoozedUntil: null, snoozedBy: null, snoozeSeverity: null };
      this.audit(next, 'snooze-broken', e.state, { from: e.severity, to: f.severity, newEvent });
    }
    // An acknowledgement covers what was seen, not a worse state or a new event (HZ-10, R2): back to
    // unacknowledged, and its escalation clock starts again.
    const reopen = (newEvent && e.state !== 'open') || ((worsened || recurred) && e.state === 'acknowledged');
    if (reopen) {
      next = { ...next, state: 'open', attentionSince: this.now };
      const action = newEvent
        ? 'reopened-on-new-event'
        : worsened
          ? 'reopened-on-worsening'
          : 'reopened-on-recurrence';
      this.audit(next, action, e.state, {
        from: e.severity,
        to: f.severity,
        reason: f.reason,
      });
    }
    if (worsened && next.escalationDestination !== CARE_HOME_DESTINATION) next = this.withCcc(next);
    if (needsAttention && next.ladder && next.tier) next = this.askTierAgain(next, e, f);
    if (next.escalatedAt !== null && e.escalatedAt === null) {
      this.audit(next, 'sent-to-ccc', reopen ? 'open' : e.state, { reason: next.escalationReason });
    }
    this.put(k, next);
    if (needsAttention || changed) this.events.push(alertEvent('alert.updated', next, this.now, null));
  }

  /**
   * Issue 13, under a plan's ladder: a worsening or a new event is something the tier has not seen, so what it
   * did before (an acknowledgement, taking ownership) no longer counts — its response target starts again now,
   * and the timers move the alert up if it does not act. A tier that had not acted keeps the target it already
   * has. A worsening to a severity that starts higher on the ladder (NEWS2 ≥ 7 and falls start at the CCC) goes
   * there at once, never staying with a lower tier (audited as `sent-to-ccc` when it is the alert's first
   * escalation, else `re-escalated`).
   */
  private askTierAgain(next: AlertRecord, e: AlertRecord, f: ActiveFinding): AlertRecord {
    const ladder = next.ladder as NonNullable<AlertRecord['ladder']>;
    const current = next.tier as NonNullable<AlertRecord['tier']>;
    const start = startingTier(ladder, next.severity);
    if (ESCALATION_TIERS.indexOf(start.tier) <= ESCALATION_TIERS.indexOf(current)) {
      // A tier that has not acted keeps its clock: a repeat fall or a flapping score must never postpone the climb.
      return tierHadActed(e) ? { ...next, tierSince: this.now } : next;
    }
    const told = [...start.alsoNotified, start.tier].map((t) => TIER_LABELS[t]).join(' and ');
    const reason = `Worse (${e.severity} to ${f.severity}): sent at once to the ${told}.`;
    const moved: AlertRecord = {
      ...next,
      state: 'escalated',
      tier: start.tier,
      tierSince: this.now,
      attentionSince: this.now,
      escalatedAt: next.escalatedAt ?? this.now,
      escalatedBy: null,
      escalationReason: reason,
      escalationDestination: start.tier,
    };
    // The alert's first escalation is audited once, as `sent-to-ccc`, by `update`.
    if (e.escalatedAt !== null) {
      this.audit(moved, 're-escalated', next.state, { reason, fromTier: current, toTier: start.tier });
    }
    return moved;
  }

  /** Whether `e`'s condition has been clear at `at` for as long, and over as many readings, as closes an alert. */
  private clearedEnough(e: AlertRecord, at: Date): boolean {
    if (e.conditionActive || e.clearSince === null) return false;
    const { clearMinutes, clearReadings } = this.policy.hysteresis;
    return at.getTime() - e.clearSince.getTime() >= clearMinutes * 60_000 && e.clearReadings >= clearReadings;
  }

  private clear(k: string, e: AlertRecord, at: Date): void {
    let next: AlertRecord = e.conditionActive
      ? { ...e, conditionActive: false, clearSince: at, clearReadings: 1 }
      : { ...e, clearReadings: e.clearReadings + 1 };
    const clearFor = at.getTime() - (next.clearSince ?? at).getTime();
    const { clearMinutes, clearReadings } = this.policy.hysteresis;
    // Only an unacknowledged episode closes itself; once a person owns it, a person resolves it.
    if (next.state === 'open' && clearFor >= clearMinutes * 60_000 && next.clearReadings >= clearReadings) {
      next = {
        ...next,
        state: 'resolved',
        resolvedAt: this.now,
        resolvedBy: null,
        resolutionNote:
          `Closed automatically by rule ${e.ruleId}: condition clear for ${Math.round(clearFor / 60_000)} ` +
          `minutes over ${next.clearReadings} readings.`,
        updatedAt: this.now,
      };
      this.audit(next, 'auto-resolved', e.state, {
        rule: e.ruleId,
        clearSince: next.clearSince?.toISOString(),
        clearReadings: next.clearReadings,
      });
      this.put(k, next);
      this.events.push(alertEvent('alert.resolved', next, this.now, null));
      return;
    }
    this.put(k, next);
  }
}

function reasonsOf(f: ActiveFinding) {
  return (
    f.reasons ?? [
      {
        ruleId: f.rule.id,
        ruleVersion: f.rule.version,
        severity: f.severity,
        text: f.reason,
        triggeringParameters: f.triggeringParameters,
      },
    ]
  );
}

/**
 * The alert's last reading after `f`: the newest reading that touched it, or, for a timer's finding about
 * readings that did not come, the newest reading it waits since (which may be older than what an earlier record
 * said, when that record took a tick for a reading).
 */
function newestReading(had: Date | null, f: ActiveFinding): Date | null {
  if (f.lastReadingAt !== undefined) return f.lastReadingAt;
  return had && had > f.at ? had : f.at;
}

/** Whether the alert's current tier had acted (acknowledged, took ownership) since it was asked (issue 13). */
function tierHadActed(e: AlertRecord): boolean {
  if (e.state === 'acknowledged') return true;
  const since = e.tierSince;
  return since !== null && [e.acknowledgedAt, e.tierActedAt].some((t) => t !== null && t >= since);
}
