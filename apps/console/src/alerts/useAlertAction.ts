import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AlertOutcome, AlertView } from '@vigil/contracts';
import { api } from '../api/http.client';
import { keys } from '../api/queries';

export type AlertAction =
  | { kind: 'acknowledge' }
  | { kind: 'assign'; userId: string }
  | { kind: 'escalate'; reason: string; destination?: 'ccc' | 'next' }
  | { kind: 'resolve'; note: string; outcome: AlertOutcome }
  | { kind: 'snooze'; minutes: number };

function send(alertId: string, action: AlertAction): Promise<AlertView> {
  const path = `/alerts/${alertId}/${action.kind}`;
  switch (action.kind) {
    case 'acknowledge':
      return api.post<AlertView>(path, {});
    case 'assign':
      return api.post<AlertView>(path, { userId: action.userId });
    case 'escalate':
      return api.post<AlertView>(path, { reason: action.reason, destination: action.destination ?? 'ccc' });
    case 'resolve':
      return api.post<AlertView>(path, { note: action.note, outcome: action.outcome });
    case 'snooze':
      return api.post<AlertView>(path, { minutes: action.minutes });
  }
}

/** One mutation per alert; on success every alert list refetches (the server is the source of truth). */
export function useAlertAction(alertId: string, patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: AlertAction) => send(alertId, action),
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.alerts }),
        queryClient.invalidateQueries({ queryKey: keys.ccc }),
        queryClient.invalidateQueries({ queryKey: keys.patient(patientId) }),
        queryClient.invalidateQueries({ queryKey: ['patients', 'plan', patientId] }),
      ]);
    },
  });
}
