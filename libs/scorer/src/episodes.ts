import { type AlertEvent, type AlertSeverity, severityRank } from '@vigil/contracts';
import { type AlertAuditEntry, type AlertRecord, alertEvent, newAlertRecord } from '@vigil/storage';
import type { ActiveFinding, Finding } from './rules/rule';

/**
 * Hysteresis: an episode closes by itself only after its condition has been clear for `clearMinutes`
 * of event time AND over `clearReadings` consecutive clear findings. A re-raise before then re-uses the
 * episode silently, so a signal chattering at a cut-off gives one alert, not a storm (HZ-09).
 */
export interface HysteresisPolicy {
  clearMinutes: number;
  clearReadings: number;
}

const key = (patientId: string, ruleId: string, subject: string): string =>
  `${patientId}|${ruleId}|${subject}`;
const worse = (a: AlertSeverity, b: AlertSeverity): boolean => severityRank(a) < severityRank(b);

/**
 * The unresolved episodes of a batch's patients, changed in memory as findings arrive in event-time
 * order; `changes()` then says what to save, audit and publish — all in the batch's one transaction.
 */
export class EpisodeBook {
  private readonly open = new Map<string, AlertRecord>();
  private readonly touched = new Map<string, AlertRecord>();
  private readonly order: string[] = [];
  private readonly events: AlertEvent[] = [];
  private readonly audits: AlertAuditEntry[] = [];

  constructor(
    episodes: readonly AlertRecord[],
    private readonly policy: HysteresisPolicy,
    private readonly now: Date,
  ) {
    for (const e of episodes) this.open.set(key(e.patientId, e.ruleId, e.subject), e);
  }

  apply(patient: { patientId: string; wardId: string }, finding: Finding): void {
    const k = key(patient.patientId, finding.rule.id, finding.subject);
    const existing = this.open.get(k);
    if (finding.active) {
      if (existing) this.update(k, existing, finding);
      else this.openEpisode(k, patient, finding);
    } else if (existing && finding.rule.autoResolve) {
      this.clear(k, existing, finding.at);
    }
  }

  changes(): { save: AlertRecord[]; events: AlertEvent[]; audits: AlertAuditEntry[] } {
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

  private openEpisode(k: string, patient: { patientId: string; wardId: string }, f: ActiveFinding): void {
    const record = newAlertRecord({
      patientId: patient.patientId,
      wardId: patient.wardId,
      ruleId: f.rule.id,
      ruleVersion: f.rule.version,
      subject: f.subject,
      kind: f.rule.kind,
      severity: f.severity,
      reason: f.reason,
      band: f.band,
      news2Total: f.news2Total,
      partial: f.partial,
      triggeringParameters: f.triggeringParameters,
      lastObservationAt: f.at,
      at: this.now,
    });
    this.put(k, record);
    this.audits.push({
      alertId: record.id,
      at: this.now,
      actor: null,
      action: 'opened',
      fromState: null,
      toState: 'open',
      detail: { ruleVersion: f.rule.version, severity: f.severity, reason: f.reason },
    });
    this.events.push(alertEvent('alert.opened', record, this.now, null));
  }

  private update(k: string, e: AlertRecord, f: ActiveFinding): void {
    const worsened = worse(f.severity, e.severity);
    const snoozed = e.snoozedUntil !== null && e.snoozedUntil > this.now;
    const breaksSnooze = snoozed && worse(f.severity, e.snoozeSeverity ?? e.severity);
    const changed = f.severity !== e.severity || f.news2Total !== e.news2Total || f.partial !== e.partial;
    let next: AlertRecord = {
      ...e,
      severity: f.severity,
      reason: f.reason,
      band: f.band,
      news2Total: f.news2Total,
      partial: f.partial,
      triggeringParameters: f.triggeringParameters,
      lastObservationAt: e.lastObservationAt && e.lastObservationAt > f.at ? e.lastObservationAt : f.at,
      conditionActive: true,
      clearSince: null,
      clearReadings: 0,
      updatedAt: this.now,
    };
    if (breaksSnooze) {
      next = { ...next, snoozedUntil: null, snoozedBy: null, snoozeSeverity: null };
      this.audits.push({
        alertId: e.id,
        at: this.now,
        actor: null,
        action: 'snooze-broken',
        fromState: e.state,
        toState: next.state,
        detail: { from: e.snoozeSeverity, to: f.severity },
      });
    }
    // An acknowledgement covers the severity that was seen, not a worse one (acknowledgement too broad).
    if (worsened && e.state === 'acknowledged') {
      next = { ...next, state: 'open' };
      this.audits.push({
        alertId: e.id,
        at: this.now,
        actor: null,
        action: 'reopened-on-worsening',
        fromState: 'acknowledged',
        toState: 'open',
        detail: { from: e.severity, to: f.severity },
      });
    }
    this.put(k, next);
    if (breaksSnooze || (!snoozed && (changed || worsened))) {
      this.events.push(alertEvent('alert.updated', next, this.now, null));
    }
  }

  private clear(k: string, e: AlertRecord, at: Date): void {
    let next: AlertRecord = e.conditionActive
      ? { ...e, conditionActive: false, clearSince: at, clearReadings: 1 }
      : { ...e, clearReadings: e.clearReadings + 1 };
    const clearFor = at.getTime() - (next.clearSince ?? at).getTime();
    // Only an unacknowledged episode closes itself; once a person owns it, a person resolves it.
    if (
      next.state === 'open' &&
      clearFor >= this.policy.clearMinutes * 60_000 &&
      next.clearReadings >= this.policy.clearReadings
    ) {
      next = {
        ...next,
        state: 'resolved',
        resolvedAt: this.now,
        resolvedBy: null,
        resolutionNote:
          `Closed automatically: condition clear for ${Math.round(clearFor / 60_000)} minutes over ` +
          `${next.clearReadings} readings.`,
        updatedAt: this.now,
      };
      this.audits.push({
        alertId: e.id,
        at: this.now,
        actor: null,
        action: 'auto-resolved',
        fromState: e.state,
        toState: 'resolved',
        detail: { clearSince: next.clearSince?.toISOString(), clearReadings: next.clearReadings },
      });
      this.put(k, next);
      this.events.push(alertEvent('alert.resolved', next, this.now, null));
      return;
    }
    this.put(k, next);
  }
}
