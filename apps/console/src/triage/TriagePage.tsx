import type { PatientSummary } from '@vigil/contracts';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { queueCountText } from '../api/alert-queue';
import { useAlerts, usePatients, useWards } from '../api/queries';
import { QueueShortfall } from '../common/QueueShortfall';
import { useCurrentUser } from '../auth/useAuth';
import { PageState } from '../common/PageState';
import { useNow } from '../common/useNow';
import { useLive } from '../live/LiveContext';
import { seesNoWard, sortTriage } from './triage-order';
import { TriageTable } from './TriageTable';
import { useAnnounceNewAlerts } from './useAnnounceNewAlerts';
import { WardFilter } from './WardFilter';

export function TriagePage() {
  const user = useCurrentUser();
  const { connected } = useLive();
  const [params, setParams] = useSearchParams();
  const wardId = params.get('ward') ?? '';
  const severalWards = user ? user.role === 'admin' || user.wardIds.length > 1 : false;
  const wards = useWards(severalWards);
  const alerts = useAlerts(wardId || undefined, !connected);
  const patients = usePatients(wardId || undefined);
  const now = useNow();
  const sorted = useMemo(() => (alerts.data ? sortTriage(alerts.data.items) : undefined), [alerts.data]);
  const byId = useMemo(
    () => new Map<string, PatientSummary>((patients.data ?? []).map((p) => [p.id, p])),
    [patients.data],
  );
  useAnnounceNewAlerts(sorted, wardId, alerts.isPlaceholderData);

  return (
    <>
      <h1>Triage queue</h1>
      {severalWards && wards.data && (
        <WardFilter
          wards={wards.data}
          value={wardId}
          onChange={(id) => setParams(id ? { ward: id } : {}, { replace: true })}
        />
      )}
      <PageState query={alerts}>
        {(queue) =>
          sorted && sorted.length > 0 ? (
            <>
              <QueueShortfall
                queue={queue}
                what="active alert"
                hint="Choose a ward, or resolve the alerts that are done with, to see the rest."
              />
              <TriageTable
                alerts={sorted}
                patients={byId}
                now={now}
                meId={user?.id}
                caption={`${queueCountText(queue, 'active alert')}, open first, then by severity and age`}
              />
            </>
          ) : seesNoWard(user) ? (
            <div className="nhsuk-warning-callout" data-testid="triage-no-ward">
              <h2 className="nhsuk-warning-callout__label">
                <span role="text">
                  <span className="nhsuk-u-visually-hidden">Important: </span>
                  You are not on any ward
                </span>
              </h2>
              <p>No alerts can be shown to you until an administrator adds you to a ward.</p>
            </div>
          ) : (
            <p className="nhsuk-body" data-testid="triage-empty">
              No active alerts.
            </p>
          )
        }
      </PageState>
    </>
  );
}
