import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AlertView } from '@vigil/contracts';
import { api } from '../api/http.client';
import { keys } from '../api/queries';
import { type AlertAction, alertActionRequest } from './alert-action-request';

export type { AlertAction } from './alert-action-request';

/** One mutation per alert; once settled every alert query refetches (the server is the source of truth). */
export function useAlertAction(alertId: string, patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: AlertAction) => {
      const { path, body } = alertActionRequest(alertId, action);
      return api.post<AlertView>(path, body);
    },
    onSettled: async () => {
      // `keys.alerts` covers this alert's page (['alerts', 'detail', id]): after a refusal because the alert
      // changed since it was seen (HZ-10), the page shows what it has become beside the refusal.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.alerts }),
        queryClient.invalidateQueries({ queryKey: keys.ccc }),
        queryClient.invalidateQueries({ queryKey: keys.patient(patientId) }),
        queryClient.invalidateQueries({ queryKey: ['patients', 'plan', patientId] }),
      ]);
    },
  });
}
