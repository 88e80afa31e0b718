import type { AlertSummary } from '@vigil/contracts';
import { Tag } from 'nhsuk-react-components';

const STATE_LABELS: Readonly<Record<AlertSummary['state'], string>> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  escalated: 'Escalated to CCC',
  resolved: 'Resolved',
};

const STATE_COLOURS = { open: 'red', acknowledged: 'blue', escalated: 'purple', resolved: 'green' } as const;

export function AlertStatus({ alert, meId }: { alert: AlertSummary; meId?: string }) {
  const owner = alert.assignedTo ? (alert.assignedTo === meId ? 'you' : alert.assignedTo) : null;
  return (
    <>
      <Tag modifier={STATE_COLOURS[alert.state]}>{STATE_LABELS[alert.state]}</Tag>
      <div className="nhsuk-body-s nhsuk-u-margin-bottom-0 nhsuk-u-margin-top-1">
        {owner ? `Owner: ${owner}` : 'No owner'}
      </div>
    </>
  );
}

export function severityLabel(severity: AlertSummary['severity']): string {
  return severity === 'low-medium' ? 'Low–medium' : severity.charAt(0).toUpperCase() + severity.slice(1);
}
