import type { AlertSeverity, AlertState } from '@vigil/contracts';
import type { AlertAuditEntry, AlertRecord } from '@vigil/alerting';
import { type EntryBook, userRef } from './fhir-bundle';
import { SYSTEMS, VIGIL_SYSTEMS } from './fhir-codes';
import type { Annotation, Communication, Flag, Reference, Task, TaskStatus } from './fhir-types';

const NURSE_TASK_STATUS: Readonly<Record<AlertState, TaskStatus>> = {
  open: 'requested',
  acknowledged: 'accepted',
  // Escalated: the ward nurse still holds the patient while the CCC acts on its own Task.
  escalated: 'in-progress',
  resolved: 'completed',
};

const ESCALATION_TASK_STATUS: Readonly<Record<AlertState, TaskStatus>> = {
  open: 'requested',
  escalated: 'requested',
  // Escalated → acknowledged is the CCC taking the case.
  acknowledged: 'accepted',
  resolved: 'completed',
};

const PRIORITY: Readonly<Record<AlertSeverity, NonNullable<Task['priority']>>> = {
  critical: 'stat',
  high: 'urgent',
  medium: 'asap',
  'low-medium': 'asap',
  low: 'routine',
  technical: 'routine',
};

function alertIdentifier(a: AlertRecord): { system: string; value: string }[] {
  return [{ system: VIGIL_SYSTEMS.alertId, value: a.id }];
}

function auditNote(e: AlertAuditEntry): Annotation {
  return {
    ...(e.actor ? { authorString: `Vigil user ${e.actor}` } : { authorString: 'Vigil rules engine' }),
    time: e.at.toISOString(),
    text: `${e.action}: ${e.fromState ?? 'new'} → ${e.toState}`,
  };
}

function detailString(entries: readonly AlertAuditEntry[], key: string): string | null {
  for (const e of [...entries].reverse()) {
    const v = e.detail?.[key];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return null;
}

export function addAlert(
  book: EntryBook,
  a: AlertRecord,
  audit: readonly AlertAuditEntry[],
  patient: Reference,
  cccName: string,
): void {
  const flagUrl = book.add<Flag>(
    'Flag',
    {
      resourceType: 'Flag',
      identifier: alertIdentifier(a),
      status: a.state === 'resolved' ? 'inactive' : 'active',
      category: [
        {
          coding: [
            a.kind === 'clinical'
              ? { system: SYSTEMS.flagCategory, code: 'clinical', display: 'Clinical' }
              : { system: SYSTEMS.flagCategory, code: 'safety', display: 'Safety' },
          ],
          text: `${a.kind} alert, severity ${a.severity}`,
        },
      ],
      code: {
        coding: [
          { system: VIGIL_SYSTEMS.alertRule, code: a.ruleId, display: `${a.ruleId} v${a.ruleVersion}` },
        ],
        text: a.reason,
      },
      subject: patient,
      period: {
        start: a.openedAt.toISOString(),
        ...(a.resolvedAt ? { end: a.resolvedAt.toISOString() } : {}),
      },
    },
    `flag|${a.id}`,
  );
  const focus: Reference = { reference: flagUrl, type: 'Flag' };

  const nurseNotes: Annotation[] = audit.map(auditNote);
  if (a.resolutionNote) {
    nurseNotes.push({
      ...(a.resolvedBy ? { authorString: `Vigil user ${a.resolvedBy}` } : {}),
      ...(a.resolvedAt ? { time: a.resolvedAt.toISOString() } : {}),
      text: `Resolved: ${a.resolutionNote}`,
    });
  }
  const execution = {
    ...(a.acknowledgedAt ? { start: a.acknowledgedAt.toISOString() } : {}),
    ...(a.resolvedAt ? { end: a.resolvedAt.toISOString() } : {}),
  };
  const nurseTaskUrl = book.add<Task>(
    'Task',
    {
      resourceType: 'Task',
      identifier: alertIdentifier(a),
      status: NURSE_TASK_STATUS[a.state],
      businessStatus: { text: a.state },
      intent: 'order',
      priority: PRIORITY[a.severity],
      code: { text: 'Review alert' },
      description: a.reason,
      focus,
      for: patient,
      ...(Object.keys(execution).length > 0 ? { executionPeriod: execution } : {}),
      authoredOn: a.openedAt.toISOString(),
      lastModified: a.updatedAt.toISOString(),
      ...(a.assignedTo ? { owner: userRef(a.assignedTo) } : {}),
      ...(nurseNotes.length > 0 ? { note: nurseNotes } : {}),
    },
    `task|${a.id}`,
  );

  const escalation = [...audit].reverse().find((e) => e.toState === 'escalated');
  const escalatedAt = a.escalatedAt ?? escalation?.at ?? null;
  if (escalatedAt === null) return;

  const cccUrl = book.coordinationCentre(cccName);
  const named = a.escalationDestination ?? detailString(audit, 'destination');
  // The repository records the default destination as the bare word `ccc`.
  const destination = named === null || named.toLowerCase() === 'ccc' ? cccName : named;
  const reason = a.escalationReason ?? detailString(audit, 'reason') ?? 'Escalated without a recorded reason';
  const escalatedBy = a.escalatedBy ?? escalation?.actor ?? null;
  const owner: Reference = { reference: cccUrl, type: 'Organization', display: destination };
  // R4 inv-1: lastModified ≥ authoredOn, even if the record's updatedAt lags an audit-derived escalation.

  const escalationTaskUrl = book.add<Task>(
    'Task',
    {
      resourceType: 'Task',
      identifier: alertIdentifier(a),
      partOf: [{ reference: nurseTaskUrl, type: 'Task' }],
      status: ESCALATION_TASK_STATUS[a.state],
      businessStatus: { text: a.state },
      intent: 'order',
      priority: PRIORITY[a.severity],
      code: { text: 'Escalated alert: coordination centre review' },
      description: `Escalated to ${destination}: ${reason}`,
      focus,
      for: patient,
      authoredOn: escalatedAt.toISOString(),
      lastModified: new Date(Math.max(a.updatedAt.getTime(), escalatedAt.getTime())).toISOString(),
      ...(escalatedBy ? { requester: userRef(escalatedBy) } : {}),
      owner,
      reasonCode: { text: reason },
      ...(a.resolvedAt ? { executionPeriod: { end: a.resolvedAt.toISOString() } } : {}),
    },
    `escalation|${a.id}`,
  );

  book.add<Communication>(
    'Communication',
    {
      resourceType: 'Communication',
      identifier: alertIdentifier(a),
      partOf: [{ reference: escalationTaskUrl, type: 'Task' }],
      status: 'completed',
      category: [{ text: 'Alert escalation' }],
      priority: PRIORITY[a.severity],
      subject: patient,
      about: [focus],
      sent: escalatedAt.toISOString(),
      ...(escalatedBy ? { sender: userRef(escalatedBy) } : {}),
      recipient: [owner],
      reasonCode: [{ text: a.reason }],
      payload: [{ contentString: reason }],
    },
    `communication|${a.id}`,
  );
}
